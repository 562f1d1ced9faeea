#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/machine/user_error.h"
#include "devices/rtc/rtc_calendar.h"
#include "tests/unit/devices/rtc_fixture.h"

namespace tx86::dev {
namespace {

using Clock = std::vector<uint8_t>;

TEST_F(RtcTest, PowerOnHoldsTheStartTimeInBcd24Hour) {
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20}));
  EXPECT_EQ(read(Rtc::kRegA), 0x26);
  EXPECT_EQ(read(Rtc::kRegB), 0x02);
  EXPECT_EQ(read(Rtc::kRegC), 0x00);
  EXPECT_EQ(read(Rtc::kRegD), 0x80);
}

TEST_F(RtcTest, StartTimeIsBrokenDownAsUtc) {
  start(1709214330);  // 2024-02-29 13:45:30, a Thursday
  EXPECT_EQ(clock(), (Clock{0x30, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24, 0x20}));
}

TEST_F(RtcTest, TimeAdvancesExactlyAtEachSecondBoundary) {
  run_until(kSecond - 1);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x00);
  run_until(kSecond);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x01);
  run_until(61 * kSecond + 500 * kMs);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x01);
  EXPECT_EQ(read(Rtc::kRegMinutes), 0x01);
}

TEST_F(RtcTest, CenturyRollsOverAtTheEndOf1999) {
  start(946684799);  // 1999-12-31 23:59:59, a Friday
  EXPECT_EQ(clock(), (Clock{0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19}));
  run_until(kSecond);
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20}));
}

TEST_F(RtcTest, February29ExistsOnlyInLeapYears) {
  start(1709164799);  // 2024-02-28 23:59:59
  run_until(kSecond);
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x05, 0x29, 0x02, 0x24, 0x20}));
  run_until(kSecond + 86400 * kSecond);
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20}));

  start(1677628799);  // 2023-02-28 23:59:59
  run_until(sched.now() + kSecond);
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x23, 0x20}));
}

TEST_F(RtcTest, MonthAndYearCarries) {
  start(1714521599);  // 2024-04-30 23:59:59
  run_until(kSecond);
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x04, 0x01, 0x05, 0x24, 0x20}));
  start(1735689599);  // 2024-12-31 23:59:59
  run_until(sched.now() + kSecond);
  EXPECT_EQ(clock(), (Clock{0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x25, 0x20}));
}

TEST_F(RtcTest, LongIdleStretchesCatchUpOnTheNextRead) {
  // 190 days after 2000-01-01 (a leap year) is 2000-07-09, a Sunday.
  run_until(190 * 86400 * kSecond + 1 * kSecond);
  EXPECT_EQ(clock(), (Clock{0x01, 0x00, 0x00, 0x01, 0x09, 0x07, 0x00, 0x20}));
}

TEST(RtcCalendar, AdvancesYearsAtOnce) {
  RtcTime t{.weekday = 7, .day = 1, .month = 1, .year = 0, .century = 20};
  rtc_advance(t, 3653ull * 86400);  // 2010-01-01, a Friday
  EXPECT_EQ(t, (RtcTime{.weekday = 6, .day = 1, .month = 1, .year = 10, .century = 20}));
}

TEST(RtcCalendar, ChipCallsEveryFourthYearLeapEven2100) {
  RtcTime t{59, 59, 23, 5, 31, 12, 99, 20};
  rtc_advance(t, 1);
  EXPECT_EQ(t, (RtcTime{0, 0, 0, 6, 1, 1, 0, 21}));
  rtc_advance(t, 58ull * 86400);
  EXPECT_EQ(t, (RtcTime{0, 0, 0, 1, 28, 2, 0, 21}));
  rtc_advance(t, 86400);
  EXPECT_EQ(t.day, 29);  // the MC146818 has no 100-year rule
}

TEST(RtcCalendar, GarbageFieldsRollOverAtTheirNextCarry) {
  RtcTime t{60, 70, 5, 9, 40, 13, 99, 20};  // e.g. BCD 0x5A seconds read as 60
  rtc_advance(t, 1);
  EXPECT_EQ(t.second, 0);
  EXPECT_EQ(t.minute, 0);  // 71 is past the end too
  EXPECT_EQ(t.hour, 6);
  rtc_advance(t, 18ull * 3600);  // to midnight: the date counters carry
  EXPECT_EQ(t, (RtcTime{0, 0, 0, 1, 1, 1, 0, 21}));
}

TEST_F(RtcTest, BinaryModeCountsInBinary) {
  rtc->set_cmos(Rtc::kCenturyIndex, 20);  // bytes are never converted
  set_time(0x06, {59, 59, 23, 7, 31, 12, 99});
  EXPECT_EQ(read(Rtc::kRegB), 0x06);
  run_until(kSecond);
  EXPECT_EQ(clock(), (Clock{0, 0, 0, 1, 1, 1, 0, 21}));  // the century follows DM too
}

TEST_F(RtcTest, TwelveHourModeKeepsPmInBit7) {
  // 11:59:59 PM -> 12:00:00 AM; 11:59:59 AM -> 12:00:00 PM; 12:59:59 PM -> 1 PM.
  set_time(0x00, {0x59, 0x59, 0x91});
  run_until(kSecond);
  EXPECT_EQ(read(Rtc::kRegHours), 0x12);
  EXPECT_EQ(read(Rtc::kRegDay), 0x02);
  set_time(0x00, {0x59, 0x59, 0x11});
  run_until(2 * kSecond);
  EXPECT_EQ(read(Rtc::kRegHours), 0x92);
  set_time(0x00, {0x59, 0x59, 0x92});
  run_until(3 * kSecond);
  EXPECT_EQ(read(Rtc::kRegHours), 0x81);
}

TEST_F(RtcTest, SetBitFreezesTheTimeWithoutMovingTheDivider) {
  run_until(500 * kMs);
  write(Rtc::kRegB, 0x82);
  run_until(3200 * kMs);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x00);
  write(Rtc::kRegSeconds, 0x30);
  write(Rtc::kRegB, 0x02);
  run_until(3999 * kMs);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x30);
  run_until(4000 * kMs);  // the update comes on the divider's schedule
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x31);
}

TEST_F(RtcTest, SetBitGoingHighClearsUie) {
  write(Rtc::kRegB, 0x12);
  write(Rtc::kRegB, 0x92);
  EXPECT_EQ(read(Rtc::kRegB), 0x82);
  write(Rtc::kRegB, 0x92);  // already set: UIE may be written
  EXPECT_EQ(read(Rtc::kRegB), 0x92);
}

TEST_F(RtcTest, UipIsHighOnlyFor244usBeforeEachUpdate) {
  // Tick 32760 of 32768 (8 ticks = 244.14 us before the update) falls at
  // ceil(32760 * 1e9 / 32768) ns.
  run_until(999'755'859);
  EXPECT_EQ(read(Rtc::kRegA), 0x26);
  run_until(999'755'860);
  EXPECT_EQ(read(Rtc::kRegA), 0xA6);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x00);  // the old time is still there
  run_until(kSecond - 1);
  EXPECT_EQ(read(Rtc::kRegA), 0xA6);
  run_until(kSecond);
  EXPECT_EQ(read(Rtc::kRegA), 0x26);
  write(Rtc::kRegA, 0xA6);  // UIP is read-only
  EXPECT_EQ(read(Rtc::kRegA), 0x26);
  run_until(2 * kSecond - 100'000);
  write(Rtc::kRegB, 0x82);  // SET ends the update cycle and clears UIP
  EXPECT_EQ(read(Rtc::kRegA), 0x26);
}

TEST_F(RtcTest, LeavingDividerResetStartsTheFirstUpdateHalfASecondLater) {
  run_until(300 * kMs);
  write(Rtc::kRegA, 0x66);
  run_until(5 * kSecond);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x00);
  EXPECT_EQ(read(Rtc::kRegA), 0x66);
  write(Rtc::kRegA, 0x26);
  run_until(5500 * kMs - 1);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x00);
  run_until(5500 * kMs);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x01);
  run_until(6500 * kMs);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x02);
}

TEST_F(RtcTest, SoftwareMayWriteTheTimeWhileTheClockRuns) {
  write(Rtc::kRegMinutes, 0x42);
  run_until(kSecond);
  EXPECT_EQ(read(Rtc::kRegMinutes), 0x42);
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x01);
}

TEST_F(RtcTest, StatusDAlwaysReportsValidRamAndTime) {
  write(Rtc::kRegD, 0x00);
  write(Rtc::kRegC, 0xF0);
  EXPECT_EQ(read(Rtc::kRegD), 0x80);
  EXPECT_EQ(read(Rtc::kRegC), 0x00);
}

TEST_F(RtcTest, IndexPortHoldsTheNmiMaskAndReadsAllOnes) {
  io.write8(Rtc::kIndexPort, 0x8F);
  EXPECT_TRUE(rtc->nmi_masked());
  io.write8(Rtc::kDataPort, 0x5A);
  io.write8(Rtc::kIndexPort, 0x0F);
  EXPECT_FALSE(rtc->nmi_masked());
  EXPECT_EQ(io.read8(Rtc::kDataPort), 0x5A);
  EXPECT_EQ(io.read8(Rtc::kIndexPort), 0xFF);
}

TEST_F(RtcTest, CmosRamIsPlainStorageThroughPortsAndApi) {
  write(0x40, 0x12);
  EXPECT_EQ(rtc->cmos(0x40), 0x12);
  rtc->set_cmos(0x7F, 0x34);
  EXPECT_EQ(read(0x7F), 0x34);
  EXPECT_EQ(rtc->cmos(Rtc::kRegD), 0x80);
  EXPECT_THROW(rtc->set_cmos(0x0D, 0), std::out_of_range);
  EXPECT_THROW(rtc->set_cmos(0x80, 0), std::out_of_range);
}

class RtcFileTest : public RtcTest {
 protected:
  void TearDown() override { std::filesystem::remove(path); }
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("tx86-cmos-" + std::to_string(::getpid()) + ".bin");
};

TEST_F(RtcFileTest, SaveAndLoadRoundTripTheRam) {
  for (unsigned i = Rtc::kFirstRamByte; i < Rtc::kCmosSize; ++i) {
    rtc->set_cmos(i, static_cast<uint8_t>(i * 3));
  }
  rtc->save(path);
  EXPECT_EQ(std::filesystem::file_size(path), 128u);

  start(1709214330);  // a fresh chip at another time
  rtc->load(path);
  for (unsigned i = Rtc::kFirstRamByte; i < Rtc::kCmosSize; ++i) {
    if (i == Rtc::kCenturyIndex) continue;
    EXPECT_EQ(rtc->cmos(i), static_cast<uint8_t>(i * 3)) << "index " << i;
  }
  // The clock, and with it the century, keeps its own time.
  EXPECT_EQ(clock(), (Clock{0x30, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24, 0x20}));
}

TEST_F(RtcFileTest, WrongSizedFileIsAUserErrorNamingIt) {
  std::ofstream(path, std::ios::binary) << std::string(100, 'x');
  try {
    rtc->load(path);
    FAIL() << "no error";
  } catch (const core::UserError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("100 bytes"), std::string::npos);
  }
  EXPECT_EQ(rtc->cmos(0x40), 0x00);  // nothing taken from the bad file
}

TEST_F(RtcFileTest, MissingFileIsAUserError) {
  EXPECT_THROW(rtc->load(path), core::UserError);
  EXPECT_THROW(rtc->save("/nonexistent-dir/cmos.bin"), core::UserError);
}

}  // namespace
}  // namespace tx86::dev
