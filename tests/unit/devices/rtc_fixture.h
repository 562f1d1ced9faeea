// Shared set-up for the RTC tests: an Rtc on its own IoBus and a
// deterministic Scheduler, with a guest that halts between timer events.
#pragma once

#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <vector>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/sched/scheduler.h"
#include "devices/rtc/rtc.h"

namespace tx86::dev {

inline constexpr std::time_t kY2k = 946684800;  // 2000-01-01 00:00:00 UTC, a Saturday
inline constexpr core::GuestTime kSecond = 1'000'000'000;
inline constexpr core::GuestTime kMs = 1'000'000;

class RtcTest : public ::testing::Test {
 protected:
  void start(std::time_t t) {
    rtc.reset();
    rtc = std::make_unique<Rtc>(io, sched, irq, t);
  }
  void SetUp() override { start(kY2k); }

  uint8_t read(unsigned index) {
    io.write8(Rtc::kIndexPort, static_cast<uint8_t>(0x80 | index));
    return io.read8(Rtc::kDataPort);
  }
  void write(unsigned index, uint8_t value) {
    io.write8(Rtc::kIndexPort, static_cast<uint8_t>(0x80 | index));
    io.write8(Rtc::kDataPort, value);
  }

  // A halted CPU: guest time jumps from one timer deadline to the next up to
  // t. With ack, the guest's handler reads status C after each rising IRQ.
  void run_until(core::GuestTime t, bool ack = false) {
    for (;;) {
      const core::GuestTime d = sched.next_deadline();
      if (d > t) break;
      sched.skip_to(d);
      const bool before = irq.level();
      sched.run_due();
      if (!before && irq.level()) {
        irq_times.push_back(sched.now());
        if (ack) c_values.push_back(read(Rtc::kRegC));
      }
    }
    sched.skip_to(t);
    sched.run_due();
  }

  // Sets the time with SET held, then lets the clock run again.
  void set_time(uint8_t b, const std::vector<uint8_t>& regs) {
    write(Rtc::kRegB, static_cast<uint8_t>(b | Rtc::kBSet));
    const unsigned index[] = {Rtc::kRegSeconds, Rtc::kRegMinutes, Rtc::kRegHours, Rtc::kRegWeekday,
                              Rtc::kRegDay,     Rtc::kRegMonth,   Rtc::kRegYear};
    for (size_t i = 0; i < regs.size(); ++i) write(index[i], regs[i]);
    write(Rtc::kRegB, b);
  }

  // sec, min, hour, weekday, day, month, year, century
  std::vector<uint8_t> clock() {
    return {read(0), read(2), read(4), read(6), read(7), read(8), read(9), read(0x32)};
  }

  core::IoBus io;
  core::Scheduler sched{core::ClockMode::kDeterministic, 1000};
  core::IrqLine irq;
  std::unique_ptr<Rtc> rtc;
  std::vector<core::GuestTime> irq_times;
  std::vector<uint8_t> c_values;
};

}  // namespace tx86::dev
