#include <gtest/gtest.h>

#include <vector>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/sched/scheduler.h"
#include "devices/timer/pit8254.h"
#include "devices/timer/port_b.h"

namespace tx86::dev {
namespace {

struct Edge {
  core::GuestTime when;
  bool level;
  bool operator==(const Edge&) const = default;
};

// Edge k of the 1.193182 MHz clock, computed independently of the device.
core::GuestTime at(uint64_t tick) {
  return (tick * 1'000'000'000 + 1'193'181) / 1'193'182;
}

class PitTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kT0 = 1000;  // programming starts at this edge

  PitTest() {
    out0.connect([this](bool level) { edges.push_back({sched.now(), level}); });
    run_to_tick(kT0);
  }

  // Advances the deterministic clock (1 ns per instruction), firing timers
  // exactly at their deadlines.
  void run_to(core::GuestTime t) {
    while (sched.next_deadline() <= t) {
      sched.retire(sched.insns_until(sched.next_deadline()));
      sched.run_due();
    }
    sched.retire(sched.insns_until(t));
    sched.run_due();
  }
  void run_to_tick(uint64_t tick) { run_to(at(tick)); }

  void write_count(unsigned counter, uint16_t count) {
    io.write8(static_cast<uint16_t>(0x40 + counter), static_cast<uint8_t>(count));
    io.write8(static_cast<uint16_t>(0x40 + counter), static_cast<uint8_t>(count >> 8));
  }
  uint16_t read_word(unsigned counter) {
    const uint8_t lo = io.read8(static_cast<uint16_t>(0x40 + counter));
    return static_cast<uint16_t>(lo | io.read8(static_cast<uint16_t>(0x40 + counter)) << 8);
  }
  uint16_t latch_read(unsigned counter) {
    io.write8(0x43, static_cast<uint8_t>(counter << 6));
    return read_word(counter);
  }
  uint8_t status(unsigned counter) {
    io.write8(0x43, static_cast<uint8_t>(0xE0 | 2u << counter));
    return io.read8(static_cast<uint16_t>(0x40 + counter));
  }
  bool out2() { return (io.read8(0x61) & 0x20) != 0; }

  core::Scheduler sched;
  core::IoBus io;
  core::IrqLine out0;
  Pit8254 pit{io, sched, out0};
  PortB port_b{io, pit};
  std::vector<Edge> edges;
};

TEST(PitTime, ConversionIsExactAndDoesNotOverflow) {
  EXPECT_EQ(pit_ticks_at(838), 0u);
  EXPECT_EQ(pit_ticks_at(839), 1u);
  EXPECT_EQ(pit_tick_time(1), 839u);
  EXPECT_EQ(pit_tick_time(1101), 922743u);
  EXPECT_EQ(pit_ticks_at(1'000'000'000), 1'193'182u);
  EXPECT_EQ(pit_tick_time(1'193'182), 1'000'000'000u);
  EXPECT_EQ(pit_ticks_at(1'000'000'000'000'000'000ull), 1'193'182'000'000'000ull);
  EXPECT_EQ(pit_tick_time(1'193'182'000'000'001ull), 1'000'000'000'000'000'839ull);
  EXPECT_EQ(pit_ticks_at(~0ull), 22'010'322'987'356'910ull);
}

TEST_F(PitTest, Mode0OutRisesNPlusOneClocksAfterTheCountIsWritten) {
  io.write8(0x43, 0x30);  // counter 0, LSB then MSB, mode 0
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0), false}}));
  write_count(0, 100);
  // Until the next edge loads it the CE still holds the old count (reset's
  // mode 3 count 65536, 999 edges in: 65536 - 2 * 999).
  EXPECT_EQ(latch_read(0), 63538);
  run_to_tick(kT0 + 1);
  EXPECT_EQ(latch_read(0), 100);
  run_to_tick(kT0 + 51);
  EXPECT_EQ(latch_read(0), 50);
  run_to(at(kT0 + 101) - 1);
  EXPECT_EQ(edges.size(), 1u);
  run_to_tick(kT0 + 101);
  EXPECT_EQ(latch_read(0), 0);
  run_to_tick(kT0 + 102);
  EXPECT_EQ(latch_read(0), 0xFFFF);  // wraps and keeps counting
  run_to_tick(kT0 + 70000);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0), false}, {at(kT0 + 101), true}}));
}

TEST_F(PitTest, Mode0FirstByteOfTwoStopsCountingAndDropsOut) {
  io.write8(0x43, 0x30);
  write_count(0, 10);
  run_to_tick(kT0 + 20);
  edges.clear();
  io.write8(0x40, 50);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 20), false}}));
  const uint16_t held = latch_read(0);
  EXPECT_EQ(held, 0xFFF7);  // 10 - 19, wrapped
  run_to_tick(kT0 + 30);
  EXPECT_EQ(latch_read(0), held);
  io.write8(0x40, 0);
  run_to_tick(kT0 + 81);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 20), false}, {at(kT0 + 81), true}}));
}

TEST_F(PitTest, Mode0GateLowPausesCountingButLoadsTheCount) {
  io.write8(0x61, 0x00);
  io.write8(0x43, 0xB0);  // counter 2, mode 0
  write_count(2, 50);
  run_to_tick(kT0 + 5);
  EXPECT_EQ(latch_read(2), 50);  // loaded, not counting
  io.write8(0x61, 0x01);
  run_to_tick(kT0 + 15);
  EXPECT_EQ(latch_read(2), 40);
  io.write8(0x61, 0x00);
  run_to_tick(kT0 + 35);
  EXPECT_EQ(latch_read(2), 40);
  EXPECT_FALSE(out2());
  io.write8(0x61, 0x01);
  run_to(at(kT0 + 75) - 1);
  EXPECT_EQ(latch_read(2), 1);
  EXPECT_FALSE(out2());
  run_to_tick(kT0 + 75);
  EXPECT_TRUE(out2());
}

TEST_F(PitTest, Mode1OneShotIsTriggeredAndRetriggeredByTheGate) {
  io.write8(0x61, 0x00);
  io.write8(0x43, 0xB2);       // counter 2, mode 1
  EXPECT_EQ(status(2), 0xF2);  // OUT high, null count
  write_count(2, 10);
  run_to_tick(kT0 + 5);
  EXPECT_EQ(status(2), 0xF2);  // the count waits for a trigger
  EXPECT_TRUE(out2());
  io.write8(0x61, 0x01);  // trigger at T0+5
  EXPECT_TRUE(out2());
  run_to_tick(kT0 + 6);
  EXPECT_FALSE(out2());
  EXPECT_EQ(status(2), 0x32);
  EXPECT_EQ(latch_read(2), 10);
  run_to_tick(kT0 + 11);
  io.write8(0x61, 0x00);
  io.write8(0x61, 0x01);  // retrigger at T0+11: OUT stays low
  run_to_tick(kT0 + 12);
  EXPECT_EQ(latch_read(2), 10);
  run_to(at(kT0 + 22) - 1);
  EXPECT_FALSE(out2());
  run_to_tick(kT0 + 22);
  EXPECT_TRUE(out2());
  EXPECT_EQ(latch_read(2), 0);
}

TEST_F(PitTest, Mode2PulsesLowForOneClockEachPeriod) {
  io.write8(0x43, 0x34);
  write_count(0, 4);
  run_to_tick(kT0 + 13);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 4), false},
                                      {at(kT0 + 5), true},
                                      {at(kT0 + 8), false},
                                      {at(kT0 + 9), true},
                                      {at(kT0 + 12), false},
                                      {at(kT0 + 13), true}}));
  std::vector<uint16_t> counts;
  for (uint64_t t = kT0 + 13; t < kT0 + 17; ++t) {
    run_to_tick(t);
    counts.push_back(latch_read(0));
  }
  EXPECT_EQ(counts, (std::vector<uint16_t>{4, 3, 2, 1}));
}

TEST_F(PitTest, Mode2NewCountTakesEffectAtTheNextReload) {
  io.write8(0x43, 0x34);
  write_count(0, 10);
  run_to_tick(kT0 + 3);
  write_count(0, 5);
  EXPECT_EQ(status(0), 0xF4);  // OUT high, null count until the reload
  run_to_tick(kT0 + 11);
  EXPECT_EQ(status(0), 0xB4);
  EXPECT_EQ(latch_read(0), 5);
  run_to_tick(kT0 + 21);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 10), false},
                                      {at(kT0 + 11), true},
                                      {at(kT0 + 15), false},
                                      {at(kT0 + 16), true},
                                      {at(kT0 + 20), false},
                                      {at(kT0 + 21), true}}));
}

TEST_F(PitTest, Mode3EvenCountIsASquareWaveCountingByTwo) {
  io.write8(0x43, 0x36);
  write_count(0, 6);
  std::vector<uint16_t> counts;
  for (uint64_t t = kT0 + 1; t <= kT0 + 7; ++t) {
    run_to_tick(t);
    counts.push_back(latch_read(0));
  }
  EXPECT_EQ(counts, (std::vector<uint16_t>{6, 4, 2, 6, 4, 2, 6}));
  run_to_tick(kT0 + 13);
  EXPECT_EQ(
      edges,
      (std::vector<Edge>{
          {at(kT0 + 4), false}, {at(kT0 + 7), true}, {at(kT0 + 10), false}, {at(kT0 + 13), true}}));
}

TEST_F(PitTest, Mode3OddCountIsHighOneClockLonger) {
  io.write8(0x43, 0x36);
  write_count(0, 5);
  std::vector<uint16_t> counts;
  for (uint64_t t = kT0 + 1; t <= kT0 + 6; ++t) {
    run_to_tick(t);
    counts.push_back(latch_read(0));
  }
  // N-1 is loaded and counted down by two; OUT falls one clock after 0.
  EXPECT_EQ(counts, (std::vector<uint16_t>{4, 2, 0, 4, 2, 4}));
  run_to_tick(kT0 + 11);
  EXPECT_EQ(
      edges,
      (std::vector<Edge>{
          {at(kT0 + 4), false}, {at(kT0 + 6), true}, {at(kT0 + 9), false}, {at(kT0 + 11), true}}));
}

TEST_F(PitTest, Mode3NewCountTakesEffectAtTheEndOfTheHalfCycle) {
  io.write8(0x43, 0x36);
  write_count(0, 8);
  run_to_tick(kT0 + 2);
  write_count(0, 4);
  run_to_tick(kT0 + 5);
  EXPECT_EQ(latch_read(0), 4);
  run_to_tick(kT0 + 11);
  EXPECT_EQ(
      edges,
      (std::vector<Edge>{
          {at(kT0 + 5), false}, {at(kT0 + 7), true}, {at(kT0 + 9), false}, {at(kT0 + 11), true}}));
}

TEST_F(PitTest, Mode3GateLowForcesOutHighAndItsRisingEdgeReloads) {
  io.write8(0x61, 0x01);
  io.write8(0x43, 0xB6);
  write_count(2, 8);
  run_to_tick(kT0 + 6);
  EXPECT_FALSE(out2());
  EXPECT_EQ(latch_read(2), 6);
  io.write8(0x61, 0x00);
  EXPECT_TRUE(out2());
  run_to_tick(kT0 + 20);
  EXPECT_EQ(latch_read(2), 6);
  io.write8(0x61, 0x01);
  run_to_tick(kT0 + 21);
  EXPECT_EQ(latch_read(2), 8);
  run_to(at(kT0 + 25) - 1);
  EXPECT_TRUE(out2());
  run_to_tick(kT0 + 25);
  EXPECT_FALSE(out2());
}

TEST_F(PitTest, Mode2GateLowStopsCountingAndRisingEdgeRestartsThePeriod) {
  io.write8(0x61, 0x01);
  io.write8(0x43, 0xB4);
  write_count(2, 5);
  run_to_tick(kT0 + 5);
  EXPECT_FALSE(out2());  // the one-clock low pulse
  io.write8(0x61, 0x00);
  EXPECT_TRUE(out2());
  run_to_tick(kT0 + 50);
  io.write8(0x61, 0x01);
  run_to(at(kT0 + 55) - 1);
  EXPECT_TRUE(out2());
  run_to_tick(kT0 + 55);
  EXPECT_FALSE(out2());
}

TEST_F(PitTest, Mode4StrobesLowForOneClockOnce) {
  io.write8(0x43, 0x38);
  write_count(0, 3);
  run_to_tick(kT0 + 4);
  EXPECT_EQ(latch_read(0), 0);
  run_to_tick(kT0 + 5);
  EXPECT_EQ(latch_read(0), 0xFFFF);
  run_to_tick(kT0 + 70000);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 4), false}, {at(kT0 + 5), true}}));
}

TEST_F(PitTest, Mode5StrobesAfterAGateTrigger) {
  io.write8(0x61, 0x00);
  io.write8(0x43, 0xBA);
  write_count(2, 3);
  run_to_tick(kT0 + 10);
  EXPECT_TRUE(out2());
  io.write8(0x61, 0x01);
  run_to(at(kT0 + 14) - 1);
  EXPECT_TRUE(out2());
  run_to_tick(kT0 + 14);
  EXPECT_FALSE(out2());
  run_to_tick(kT0 + 15);
  EXPECT_TRUE(out2());
}

TEST_F(PitTest, BcdCountsInDecimalAndCountZeroIsTenThousand) {
  io.write8(0x61, 0x01);
  io.write8(0x43, 0xB1);  // counter 2, mode 0, BCD
  write_count(2, 0x0100);
  run_to_tick(kT0 + 1);
  EXPECT_EQ(latch_read(2), 0x0100);
  run_to_tick(kT0 + 2);
  EXPECT_EQ(latch_read(2), 0x0099);
  run_to_tick(kT0 + 102);
  EXPECT_EQ(latch_read(2), 0x9999);
  EXPECT_TRUE(out2());
  EXPECT_EQ(status(2), 0xB1);
  write_count(2, 0x0000);
  run_to_tick(kT0 + 103);
  EXPECT_EQ(latch_read(2), 0x0000);
  run_to_tick(kT0 + 104);
  EXPECT_EQ(latch_read(2), 0x9999);
  run_to(at(kT0 + 10103) - 1);
  EXPECT_FALSE(out2());
  run_to_tick(kT0 + 10103);
  EXPECT_TRUE(out2());
}

TEST_F(PitTest, BinaryCountZeroIs65536) {
  io.write8(0x43, 0x34);
  write_count(0, 0);
  run_to_tick(kT0 + 1);
  EXPECT_EQ(latch_read(0), 0x0000);
  run_to_tick(kT0 + 2);
  EXPECT_EQ(latch_read(0), 0xFFFF);
  run_to_tick(kT0 + 65537);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 65536), false}, {at(kT0 + 65537), true}}));
}

TEST_F(PitTest, LsbOnlyMsbOnlyAndIndependentReadWriteFlipFlops) {
  io.write8(0x43, 0x50);  // counter 1, LSB only, mode 0
  io.write8(0x41, 0x34);
  run_to_tick(kT0 + 1);
  EXPECT_EQ(io.read8(0x41), 0x34);
  EXPECT_EQ(io.read8(0x41), 0x34);
  io.write8(0x43, 0x60);  // MSB only
  io.write8(0x41, 0x12);
  run_to_tick(kT0 + 2);
  EXPECT_EQ(io.read8(0x41), 0x12);
  run_to_tick(kT0 + 3);
  EXPECT_EQ(io.read8(0x41), 0x11);  // 0x11FF
  io.write8(0x43, 0x74);            // LSB then MSB, mode 2
  write_count(1, 0x1234);
  run_to_tick(kT0 + 4);
  // Datasheet: read LSB, write LSB, read MSB, write MSB is a valid sequence.
  EXPECT_EQ(io.read8(0x41), 0x34);
  io.write8(0x41, 0x00);
  EXPECT_EQ(io.read8(0x41), 0x12);
  io.write8(0x41, 0x20);
  EXPECT_EQ(read_word(1), 0x1234);
}

TEST_F(PitTest, LatchHoldsTheCountUntilReadAndLaterLatchesAreIgnored) {
  io.write8(0x43, 0x74);
  write_count(1, 0x1000);
  run_to_tick(kT0 + 0x11);
  io.write8(0x43, 0x40);
  run_to_tick(kT0 + 0x100);
  io.write8(0x43, 0x40);  // ignored: the first latch is still unread
  EXPECT_EQ(io.read8(0x41), 0xF0);
  run_to_tick(kT0 + 0x200);
  EXPECT_EQ(io.read8(0x41), 0x0F);
  EXPECT_EQ(read_word(1), 0x1000 - 0x1FF);  // unlatched again
}

TEST_F(PitTest, ReadBackLatchesStatusThenCountOfSeveralCounters) {
  io.write8(0x43, 0x34);
  write_count(0, 0x100);
  io.write8(0x43, 0x70);  // counter 1: mode 0, waits for a count
  run_to_tick(kT0 + 0x11);
  io.write8(0x43, 0xC6);  // count and status of counters 0 and 1
  run_to_tick(kT0 + 0x40);
  EXPECT_EQ(io.read8(0x40), 0x34 | 0x80);
  EXPECT_EQ(read_word(0), 0xF0);
  EXPECT_EQ(io.read8(0x41), 0x40 | 0x30);  // OUT low, null count
  io.write8(0x43, 0xE2);                   // status of counter 0
  run_to_tick(kT0 + 0x80);
  io.write8(0x43, 0xE2);  // ignored: status still latched
  run_to_tick(kT0 + 0x100);
  EXPECT_EQ(io.read8(0x40), 0x34 | 0x80);  // OUT is low now, at the pulse
  EXPECT_EQ(status(0), 0x34);
  io.write8(0x43, 0xD2);  // count only, as SeaBIOS's timer_read does
  EXPECT_EQ(read_word(0), 0x01);
}

TEST_F(PitTest, SeaBiosTscCalibrationSeesOut2RiseAfterCount0x800) {
  io.write8(0x61, static_cast<uint8_t>((io.read8(0x61) & ~0x02) | 0x01));
  io.write8(0x43, 0xB0);
  write_count(2, 0x0800);
  EXPECT_FALSE(out2());
  run_to(at(kT0 + 0x801) - 1);
  EXPECT_FALSE(out2());
  run_to_tick(kT0 + 0x801);
  EXPECT_TRUE(out2());
}

TEST_F(PitTest, LinuxQuickCalibrateSeesTheMsbDropEvery256Clocks) {
  io.write8(0x61, 0x01);
  io.write8(0x43, 0xB0);
  write_count(2, 0xFFFF);
  run_to_tick(kT0 + 256);
  EXPECT_EQ(read_word(2), 0xFF00);
  run_to_tick(kT0 + 257);
  EXPECT_EQ(read_word(2), 0xFEFF);
  run_to_tick(kT0 + 513);
  EXPECT_EQ(read_word(2), 0xFDFF);
}

// With the board's ISA cycle, the read-back Linux uses as its
// microsecond's wait comes after the count is loaded, and so does every
// read after it; each access moves guest time on by the cycle.
TEST_F(PitTest, IsaCycleMakesTheReadBackAfterLoadingSeeTheCount) {
  pit.set_bus_cycle(1000);
  io.write8(0x61, 0x01);
  io.write8(0x43, 0xB0);
  const core::GuestTime before = sched.now();
  write_count(2, 0xFFFF);
  EXPECT_EQ(sched.now() - before, 2000u);
  const uint16_t first = read_word(2);
  EXPECT_EQ(first >> 8, 0xFF);
  EXPECT_EQ(sched.now() - before, 4000u);
  EXPECT_LT(read_word(2), first);  // counting, about 1.2 clocks per access
  EXPECT_EQ(sched.now() - before, 6000u);
  // Port B's accesses are ISA cycles too.
  (void)out2();
  EXPECT_EQ(sched.now() - before, 7000u);
}

TEST_F(PitTest, WithoutTheCycleAReadRightAfterLoadingSeesTheOldCount) {
  io.write8(0x61, 0x01);
  io.write8(0x43, 0xB0);
  write_count(2, 0xFFFF);
  EXPECT_EQ(read_word(2), 0);  // the CE loads on the next clock edge
}

TEST_F(PitTest, LateTimerStillDeliversTheRisingEdge) {
  io.write8(0x43, 0x34);
  write_count(0, 4);
  sched.retire(sched.insns_until(at(kT0 + 7)));  // the CPU overran two edges
  sched.run_due();
  run_to_tick(kT0 + 9);
  EXPECT_EQ(
      edges,
      (std::vector<Edge>{
          {at(kT0 + 7), false}, {at(kT0 + 7), true}, {at(kT0 + 8), false}, {at(kT0 + 9), true}}));
}

TEST_F(PitTest, ResetRunsCounter0AsA18HzSquareWave) {
  io.write8(0x43, 0x30);
  pit.reset();
  edges.clear();
  run_to_tick(kT0 + 65537);
  EXPECT_EQ(edges, (std::vector<Edge>{{at(kT0 + 32769), false}, {at(kT0 + 65537), true}}));
  EXPECT_EQ(status(0), 0xB6);
}

TEST_F(PitTest, PortBBitsAndRefreshToggle) {
  port_b.reset();
  pit.reset();
  EXPECT_EQ(io.read8(0x61) & 0xEF, 0x20);  // OUT2 high: mode 3, gate low
  io.write8(0x61, 0xFF);
  EXPECT_EQ(io.read8(0x61) & 0xCF, 0x0F);  // bits 4-7 are read-only
  EXPECT_TRUE(pit.gate(2));
  EXPECT_TRUE(port_b.speaker_enabled());
  io.write8(0x61, 0x00);
  run_to_tick(18 * 100);
  EXPECT_EQ(io.read8(0x61) & 0x10, 0x00);
  run_to(at(18 * 101) - 1);
  EXPECT_EQ(io.read8(0x61) & 0x10, 0x00);
  run_to_tick(18 * 101);
  EXPECT_EQ(io.read8(0x61) & 0x10, 0x10);
  run_to_tick(18 * 102);
  EXPECT_EQ(io.read8(0x61) & 0x10, 0x00);
}

}  // namespace
}  // namespace tx86::dev
