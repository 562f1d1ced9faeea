// The MC146818's calendar: the counter chain behind registers 0x00-0x09,
// plus the PC's century byte (CMOS 0x32).
//
// The chip counts in two-digit years and calls every year divisible by 4 a
// leap year (datasheet: "leap year compensation through 2099"), so one
// chip century is exactly 36525 days; the century byte advances when the
// year rolls from 99 to 00, as PC chipsets do. The day of week is a free
// counter 1-7 (Sunday = 1) that the chip never derives from the date.
// Daylight saving (status B DSE) is not modelled: no PC firmware or OS we
// run sets it.
#pragma once

#include <cstdint>
#include <ctime>

namespace tx86::dev {

// Binary fields of the clock, hour always 0-23.
struct RtcTime {
  int second = 0;
  int minute = 0;
  int hour = 0;
  int weekday = 1;  // 1-7, Sunday = 1
  int day = 1;      // 1-31
  int month = 1;    // 1-12
  int year = 0;     // 0-99
  int century = 20;

  bool operator==(const RtcTime&) const = default;
};

// Status B bits that change how the fields are encoded.
inline constexpr uint8_t kRtcBinaryMode = 0x04;  // DM
inline constexpr uint8_t kRtc24Hour = 0x02;

// UTC broken down from Unix time (proleptic Gregorian).
RtcTime rtc_time_from_unix(std::time_t t);

// Register encoding of one field in the mode of status B.
uint8_t rtc_encode(int value, uint8_t status_b);
uint8_t rtc_encode_hour(int hour24, uint8_t status_b);
// Decoding tolerates bad BCD digits (0x5A reads as 60); the calendar then
// rolls the field over at its next carry, as the counter chain would.
int rtc_decode(uint8_t raw, uint8_t status_b);
int rtc_decode_hour(uint8_t raw, uint8_t status_b);

// Advances the clock by n seconds with the chip's carries. Fields out of
// range (software may write anything) roll over at their next carry.
void rtc_advance(RtcTime& t, uint64_t n);

}  // namespace tx86::dev
