#include <gtest/gtest.h>

#include <vector>

#include "tests/unit/devices/rtc_fixture.h"

namespace tx86::dev {
namespace {

using Times = std::vector<core::GuestTime>;

TEST_F(RtcTest, PeriodicRate6InterruptsAt1024Hz) {
  write(Rtc::kRegB, 0x42);  // PIE
  run_until(10 * kMs, /*ack=*/true);
  // Edges every 32 ticks of 32.768 kHz = 976562.5 ns, each at the first
  // whole nanosecond at or after it.
  ASSERT_EQ(irq_times.size(), 10u);
  EXPECT_EQ(irq_times[0], 976'563u);
  EXPECT_EQ(irq_times[1], 1'953'125u);
  EXPECT_EQ(irq_times[9], 9'765'625u);
  for (uint8_t c : c_values) EXPECT_EQ(c, 0xC0);  // IRQF | PF
  EXPECT_FALSE(irq.level());
}

TEST_F(RtcTest, PeriodicRateSelectsTheDividerTap) {
  write(Rtc::kRegA, 0x2F);  // rate 15: 2 Hz
  write(Rtc::kRegB, 0x42);
  run_until(1500 * kMs, true);
  EXPECT_EQ(irq_times, (Times{500 * kMs, 1000 * kMs, 1500 * kMs}));
  irq_times.clear();
  write(Rtc::kRegA, 0x21);  // rate 1 repeats rate 8: 256 Hz
  run_until(1500 * kMs + 8 * kMs, true);
  EXPECT_EQ(irq_times, (Times{1500 * kMs + 3'906'250, 1500 * kMs + 7'812'500}));
}

TEST_F(RtcTest, LineStaysHighUntilStatusCIsRead) {
  write(Rtc::kRegB, 0x42);
  run_until(5 * kMs);  // no handler: one edge, then the line just stays up
  EXPECT_EQ(irq_times, (Times{976'563}));
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(read(Rtc::kRegC), 0xC0);
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(read(Rtc::kRegC), 0x00);  // cleared by the read
}

TEST_F(RtcTest, FlagsAreSetWithInterruptsDisabled) {
  run_until(kMs);
  EXPECT_EQ(read(Rtc::kRegC), 0x40);  // PF at 1024 Hz, no IRQF
  EXPECT_FALSE(sched.armed(0));       // and no timer ran for it
  EXPECT_FALSE(sched.armed(1));
  run_until(kSecond);
  EXPECT_EQ(read(Rtc::kRegC), 0x50);  // PF and UF
  write(Rtc::kRegA, 0x20);            // rate 0: no periodic flag
  run_until(kSecond + 100 * kMs);
  EXPECT_EQ(read(Rtc::kRegC), 0x00);
  EXPECT_FALSE(irq.level());
}

TEST_F(RtcTest, EnablingOverAPendingFlagInterruptsAtOnce) {
  run_until(kMs);
  EXPECT_FALSE(irq.level());
  write(Rtc::kRegB, 0x42);
  EXPECT_TRUE(irq.level());
  write(Rtc::kRegB, 0x02);  // IRQF = PF·PIE + ...: dropping PIE drops the line
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(read(Rtc::kRegC), 0x40);
}

TEST_F(RtcTest, UpdateEndedInterruptEverySecond) {
  write(Rtc::kRegA, 0x20);
  write(Rtc::kRegB, 0x12);  // UIE
  run_until(3 * kSecond, true);
  EXPECT_EQ(irq_times, (Times{kSecond, 2 * kSecond, 3 * kSecond}));
  EXPECT_EQ(c_values, (std::vector<uint8_t>{0x90, 0x90, 0x90}));
  EXPECT_EQ(read(Rtc::kRegSeconds), 0x03);
}

TEST_F(RtcTest, NoUpdateInterruptWhileSet) {
  write(Rtc::kRegA, 0x20);
  write(Rtc::kRegB, 0x12);
  write(Rtc::kRegB, 0x82);  // SET (which also clears UIE)
  write(Rtc::kRegB, 0x92);  // UIE again, under SET
  run_until(3 * kSecond, true);
  EXPECT_TRUE(irq_times.empty());
  EXPECT_EQ(read(Rtc::kRegC), 0x00);
}

TEST_F(RtcTest, AlarmWithDontCareHoursAndMinutesFiresEveryMinute) {
  write(Rtc::kRegA, 0x20);
  write(Rtc::kRegSecondsAlarm, 0x05);
  write(Rtc::kRegMinutesAlarm, 0xC0);
  write(Rtc::kRegHoursAlarm, 0xFF);
  write(Rtc::kRegB, 0x22);  // AIE
  run_until(130 * kSecond, true);
  EXPECT_EQ(irq_times, (Times{5 * kSecond, 65 * kSecond, 125 * kSecond}));
  for (uint8_t c : c_values) EXPECT_EQ(c, 0xB0);  // IRQF | AF | UF (UF without UIE)
}

TEST_F(RtcTest, AlarmMatchesAllThreeBytes) {
  write(Rtc::kRegA, 0x20);
  write(Rtc::kRegSecondsAlarm, 0x03);
  write(Rtc::kRegMinutesAlarm, 0x01);
  write(Rtc::kRegHoursAlarm, 0x00);
  write(Rtc::kRegB, 0x22);
  run_until(200 * kSecond, true);
  EXPECT_EQ(irq_times, (Times{63 * kSecond}));
}

TEST_F(RtcTest, AlarmIn12HourModeComparesThePmFlag) {
  write(Rtc::kRegA, 0x20);
  set_time(0x20, {0x58, 0x59, 0x91});  // 11:59:58 PM, AIE, BCD, 12-hour
  write(Rtc::kRegSecondsAlarm, 0x00);
  write(Rtc::kRegMinutesAlarm, 0x00);
  write(Rtc::kRegHoursAlarm, 0x12);  // 12 AM
  run_until(3 * kSecond, true);
  EXPECT_EQ(irq_times, (Times{2 * kSecond}));
}

TEST_F(RtcTest, AlarmFlagCoversTimeSkippedWithoutInterrupts) {
  write(Rtc::kRegHoursAlarm, 0x12);
  write(Rtc::kRegMinutesAlarm, 0x00);
  write(Rtc::kRegSecondsAlarm, 0x00);
  write(Rtc::kRegA, 0x20);
  run_until(3600 * kSecond);  // 01:00:00, the alarm time not yet passed
  EXPECT_EQ(read(Rtc::kRegC), 0x10);
  run_until(86400 * kSecond);  // past 12:00:00
  EXPECT_EQ(read(Rtc::kRegC), 0x30);
  run_until(5 * 86400 * kSecond);
  EXPECT_EQ(read(Rtc::kRegC), 0x30);
}

TEST_F(RtcTest, ResetClearsInterruptEnablesAndFlagsOnly) {
  write(Rtc::kRegB, 0x7E);  // PIE AIE UIE SQWE DM 24h
  run_until(kMs);
  EXPECT_TRUE(irq.level());
  rtc->reset();
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(read(Rtc::kRegB), 0x06);
  EXPECT_EQ(read(Rtc::kRegC), 0x00);
  EXPECT_EQ(read(Rtc::kRegA), 0x26);
  EXPECT_EQ(read(Rtc::kRegYear), 0x00);
  EXPECT_FALSE(sched.armed(0));
  EXPECT_FALSE(sched.armed(1));
}

}  // namespace
}  // namespace tx86::dev
