#include "core/machine/machine.h"

#include <gtest/gtest.h>

#include "core/firmware/bios_image.h"
#include "core/machine/user_error.h"
#include "tests/unit/core/reset_rom.h"

namespace tx86::core {
namespace {

MachineConfig small_config() {
  MachineConfig c;
  c.ram_bytes = 2 << 20;
  return c;
}

TEST(Machine, RejectsRamSizesOutsideTheSupportedRange) {
  MachineConfig c;
  c.ram_bytes = 512 << 10;
  EXPECT_THROW(Machine{c}, UserError);
  c.ram_bytes = 4096ull << 20;
  EXPECT_THROW(Machine{c}, UserError);
}

TEST(Machine, ResetStartsAtTheResetVectorInRealMode) {
  Machine m(small_config());
  m.reset();
  const CpuState& s = m.cpu().state;
  EXPECT_EQ(s.seg[kCs].selector, 0xF000);
  EXPECT_EQ(s.seg[kCs].base, 0xFFFF0000u);
  EXPECT_EQ(s.eip, 0xFFF0u);
  EXPECT_EQ(s.gpr[kEdx], kCpuSignature);
  EXPECT_FALSE(s.protected_mode());
}

TEST(Machine, HltWithInterruptsOffStopsTheGuest) {
  Machine m(small_config());
  map_bios(m.memory(), rom_with_reset_code({0xFA, 0xF4}));  // cli; hlt
  m.reset();
  const RunResult r = m.run(10.0);
  EXPECT_EQ(r.outcome, RunOutcome::kGuestStopped);
  EXPECT_EQ(m.cpu().state.icount, 2u);
}

TEST(Machine, TimerEventsFireWhileTheCpuRuns) {
  Machine m(small_config());
  map_bios(m.memory(), rom_with_reset_code({0xEB, 0xFE}));  // jmp $
  m.reset();
  int fired = 0;
  TimerId t = 0;
  t = m.scheduler().add_timer("test", [&] {
    ++fired;
    if (fired == 3) m.request_exit(42);
    m.scheduler().arm(t, m.scheduler().now() + 1000);
  });
  m.scheduler().arm(t, 1000);
  const RunResult r = m.run(10.0);
  EXPECT_EQ(r.outcome, RunOutcome::kExit);
  EXPECT_EQ(r.status, 42);
  EXPECT_EQ(fired, 3);
  // Deterministic time: 1 ns per instruction, the third event at 3000 ns.
  EXPECT_EQ(m.scheduler().now(), 3000u);
}

TEST(Machine, HltSkipsIdleTimeToTheNextEvent) {
  Machine m(small_config());
  map_bios(m.memory(), rom_with_reset_code({0xFB, 0xF4, 0xEB, 0xFD}));  // sti; hlt; jmp -3
  m.reset();
  int fired = 0;
  TimerId t = 0;
  t = m.scheduler().add_timer("tick", [&] {
    if (++fired == 2) m.request_exit(0);
    m.scheduler().arm(t, m.scheduler().now() + 1'000'000'000);  // 1 s of guest time
  });
  m.scheduler().arm(t, 1'000'000'000);
  const RunResult r = m.run(10.0);
  EXPECT_EQ(r.outcome, RunOutcome::kExit);
  EXPECT_GE(m.scheduler().now(), 2'000'000'000u);
  EXPECT_LT(m.cpu().state.icount, 100u);  // idle, not spinning
}

TEST(Machine, WallClockTimeoutEndsAnEndlessLoop) {
  Machine m(small_config());
  map_bios(m.memory(), rom_with_reset_code({0xEB, 0xFE}));  // jmp $
  m.reset();
  const RunResult r = m.run(0.05);
  EXPECT_EQ(r.outcome, RunOutcome::kTimeout);
}

TEST(Machine, InterruptFromAnotherThreadStopsTheRun) {
  Machine m(small_config());
  map_bios(m.memory(), rom_with_reset_code({0xEB, 0xFE}));
  m.reset();
  m.interrupt();
  EXPECT_EQ(m.run(10.0).outcome, RunOutcome::kInterrupted);
}

}  // namespace
}  // namespace tx86::core
