#include "devices/rtc/rtc_calendar.h"

#include <array>

namespace tx86::dev {

namespace {

constexpr int kSecondsPerDay = 86400;
constexpr int kDaysPerChipCentury = 36525;  // 25 four-year cycles of 1461 days
constexpr std::array<int, 12> kDaysBeforeMonth = {0,   31,  59,  90,  120, 151,
                                                  181, 212, 243, 273, 304, 334};
constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

bool chip_leap(int year) {
  return year % 4 == 0;
}

int days_in_month(int month, int year) {
  return kDaysInMonth[month - 1] + (month == 2 && chip_leap(year) ? 1 : 0);
}

bool time_of_day_valid(const RtcTime& t) {
  return t.second >= 0 && t.second < 60 && t.minute >= 0 && t.minute < 60 && t.hour >= 0 &&
         t.hour < 24;
}

bool date_valid(const RtcTime& t) {
  return t.year >= 0 && t.year < 100 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
         t.day <= days_in_month(t.month, t.year);
}

// One day of the date counters, carrying the way the chip does: a field
// past its end (a valid one, or garbage software wrote) restarts.
void step_day(RtcTime& t) {
  const bool month_known = t.month >= 1 && t.month <= 12;
  if (++t.day <= (month_known ? days_in_month(t.month, t.year) : 31)) return;
  t.day = 1;
  if (++t.month <= 12) return;
  t.month = 1;
  if (++t.year <= 99) return;
  t.year = 0;
  ++t.century;
}

void advance_weekday(RtcTime& t, uint64_t days) {
  if (days == 0) return;
  if (t.weekday < 1 || t.weekday > 7) {  // garbage: the counter restarts at 1
    t.weekday = 1;
    --days;
  }
  t.weekday = static_cast<int>((static_cast<uint64_t>(t.weekday - 1) + days) % 7) + 1;
}

void advance_days(RtcTime& t, uint64_t days) {
  advance_weekday(t, days);
  while (days > 0 && !date_valid(t)) {
    step_day(t);
    --days;
  }
  if (days == 0) return;
  // Day number within the chip century; year 00 is a leap year.
  uint64_t d = static_cast<uint64_t>(t.year) * 365 + static_cast<uint64_t>(t.year + 3) / 4 +
               static_cast<uint64_t>(kDaysBeforeMonth[t.month - 1]) +
               (t.month > 2 && chip_leap(t.year) ? 1 : 0) + static_cast<uint64_t>(t.day - 1) + days;
  t.century += static_cast<int>(d / kDaysPerChipCentury);
  d %= kDaysPerChipCentury;
  const int cycle = static_cast<int>(d / 1461);
  int rest = static_cast<int>(d % 1461);
  int year_in_cycle = 0;
  if (rest >= 366) {
    year_in_cycle = 1 + (rest - 366) / 365;
    rest = (rest - 366) % 365;
  }
  t.year = cycle * 4 + year_in_cycle;
  t.month = 1;
  while (rest >= days_in_month(t.month, t.year)) rest -= days_in_month(t.month++, t.year);
  t.day = rest + 1;
}

void step_second(RtcTime& t) {
  if (++t.second < 60) return;
  t.second = 0;
  if (++t.minute < 60) return;
  t.minute = 0;
  if (++t.hour < 24) return;
  t.hour = 0;
  advance_days(t, 1);
}

int bcd_digits(uint8_t raw) {
  return (raw >> 4) * 10 + (raw & 0x0F);
}

}  // namespace

RtcTime rtc_time_from_unix(std::time_t t) {
  const int64_t secs = static_cast<int64_t>(t);
  int64_t days = secs / kSecondsPerDay;
  int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  RtcTime r;
  r.hour = static_cast<int>(sod / 3600);
  r.minute = static_cast<int>(sod / 60 % 60);
  r.second = static_cast<int>(sod % 60);
  // 1970-01-01 was a Thursday (weekday 5 with Sunday = 1).
  r.weekday = static_cast<int>(((days + 4) % 7 + 7) % 7) + 1;
  // Civil date from a day count: eras of 400 Gregorian years starting on
  // 0000-03-01, so the leap day ends each year of the era.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  r.day = static_cast<int>(day);
  r.month = static_cast<int>(month);
  r.year = static_cast<int>(((year % 100) + 100) % 100);
  r.century = static_cast<int>((year - r.year) / 100);
  return r;
}

uint8_t rtc_encode(int value, uint8_t status_b) {
  const int v = ((value % 100) + 100) % 100;
  if ((status_b & kRtcBinaryMode) != 0) return static_cast<uint8_t>(v);
  return static_cast<uint8_t>((v / 10) << 4 | (v % 10));
}

uint8_t rtc_encode_hour(int hour24, uint8_t status_b) {
  if ((status_b & kRtc24Hour) != 0) return rtc_encode(hour24, status_b);
  // 12-hour mode: 12, 1, ..., 11 with the PM flag in bit 7.
  const int h12 = hour24 % 12 == 0 ? 12 : hour24 % 12;
  return static_cast<uint8_t>(rtc_encode(h12, status_b) | (hour24 >= 12 ? 0x80 : 0));
}

int rtc_decode(uint8_t raw, uint8_t status_b) {
  return (status_b & kRtcBinaryMode) != 0 ? raw : bcd_digits(raw);
}

int rtc_decode_hour(uint8_t raw, uint8_t status_b) {
  if ((status_b & kRtc24Hour) != 0) return rtc_decode(raw, status_b);
  const int h12 = rtc_decode(raw & 0x7F, status_b);
  if (h12 < 1 || h12 > 12) return 24;  // garbage: rolls over at the next carry
  return h12 % 12 + ((raw & 0x80) != 0 ? 12 : 0);
}

void rtc_advance(RtcTime& t, uint64_t n) {
  while (n > 0 && !time_of_day_valid(t)) {
    step_second(t);
    --n;
  }
  if (n == 0) return;
  const uint64_t total = static_cast<uint64_t>(t.hour * 3600 + t.minute * 60 + t.second) + n;
  const uint64_t sod = total % kSecondsPerDay;
  t.hour = static_cast<int>(sod / 3600);
  t.minute = static_cast<int>(sod / 60 % 60);
  t.second = static_cast<int>(sod % 60);
  advance_days(t, total / kSecondsPerDay);
}

}  // namespace tx86::dev
