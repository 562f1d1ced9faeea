// The machine under a debugger: breakpoints, watchpoints, single steps and
// pauses (what the GDB stub is built on).
#include <gtest/gtest.h>

#include "core/firmware/bios_image.h"
#include "core/machine/machine.h"
#include "tests/unit/core/reset_rom.h"

namespace tx86::core {
namespace {

constexpr uint32_t kResetLinear = 0xFFFFFFF0u;

Machine& booted(Machine& m, std::initializer_list<uint8_t> code) {
  map_bios(m.memory(), rom_with_reset_code(code));
  m.reset();
  return m;
}

MachineConfig small_config() {
  MachineConfig c;
  c.ram_bytes = 2 << 20;
  return c;
}

// inc ax; inc ax; inc bx; jmp back to the first inc
constexpr std::initializer_list<uint8_t> kCountingLoop = {0x40, 0x40, 0x43, 0xEB, 0xFB};

TEST(MachineDebug, ABreakpointStopsTheRunBeforeItsInstruction) {
  Machine m(small_config());
  booted(m, kCountingLoop);
  m.cpu().debug.add_breakpoint(kResetLinear + 2);  // inc bx
  const RunResult r = m.run(10.0);
  ASSERT_EQ(r.outcome, RunOutcome::kDebugStop);
  const CpuState& s = m.cpu().state;
  EXPECT_EQ(s.eip, 0xFFF2u);
  EXPECT_EQ(s.gpr[kEax] & 0xFFFF, 2u);
  EXPECT_EQ(s.gpr[kEbx] & 0xFFFF, 0u);
  EXPECT_EQ(s.icount, 2u);
  EXPECT_FALSE(m.cpu().debug.hit_pending());
}

TEST(MachineDebug, AResumedRunExecutesTheInstructionAtTheBreakpointFirst) {
  Machine m(small_config());
  booted(m, kCountingLoop);
  m.cpu().debug.add_breakpoint(kResetLinear + 2);
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  // Without resume_past the run stops where it is, before doing anything.
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(m.cpu().state.icount, 2u);
  m.cpu().debug.resume_past(kResetLinear + 2);
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  const CpuState& s = m.cpu().state;
  EXPECT_EQ(s.eip, 0xFFF2u);  // around the loop once
  EXPECT_EQ(s.gpr[kEax] & 0xFFFF, 4u);
  EXPECT_EQ(s.gpr[kEbx] & 0xFFFF, 1u);
  EXPECT_EQ(s.icount, 6u);
}

TEST(MachineDebug, ARemovedBreakpointNoLongerStops) {
  Machine m(small_config());
  booted(m, kCountingLoop);
  DebugPoints& d = m.cpu().debug;
  d.add_breakpoint(kResetLinear + 2);
  d.add_breakpoint(kResetLinear + 2);  // (gdb's Z0 and Z1 at one address)
  EXPECT_TRUE(d.remove_breakpoint(kResetLinear + 2));
  EXPECT_TRUE(d.armed());
  EXPECT_TRUE(d.remove_breakpoint(kResetLinear + 2));
  EXPECT_FALSE(d.remove_breakpoint(kResetLinear + 2));
  EXPECT_FALSE(d.armed());
  EXPECT_EQ(m.run(0.05).outcome, RunOutcome::kTimeout);
}

// mov al, 5Ah; mov [0500h], al; mov bl, [0500h]; jmp $
constexpr std::initializer_list<uint8_t> kStoreThenLoad = {0xB0, 0x5A, 0xA2, 0x00, 0x05, 0x8A,
                                                           0x1E, 0x00, 0x05, 0xEB, 0xFE};

TEST(MachineDebug, AWriteWatchpointStopsAfterTheInstructionThatWrote) {
  Machine m(small_config());
  booted(m, kStoreThenLoad);
  m.cpu().debug.add_watchpoint(0x4FE, 4, WatchKind::kWrite);  // overlaps the byte at 500h
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(m.cpu().state.eip, 0xFFF5u);  // after the store
  EXPECT_EQ(m.memory().read8(0x500), 0x5Au);
  const std::optional<WatchHit> hit = m.cpu().debug.take_hit();
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->kind, WatchKind::kWrite);
  EXPECT_EQ(hit->addr, 0x4FEu);
  EXPECT_FALSE(m.cpu().debug.hit_pending());
  // The load does not hit a write watchpoint.
  EXPECT_EQ(m.run(0.05).outcome, RunOutcome::kTimeout);
}

TEST(MachineDebug, AReadWatchpointIgnoresTheStoreAndStopsAfterTheLoad) {
  Machine m(small_config());
  booted(m, kStoreThenLoad);
  m.cpu().debug.add_watchpoint(0x500, 1, WatchKind::kRead);
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(m.cpu().state.eip, 0xFFF9u);  // after the load
  EXPECT_EQ(m.cpu().state.gpr[kEbx] & 0xFF, 0x5Au);
  const std::optional<WatchHit> hit = m.cpu().debug.take_hit();
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->kind, WatchKind::kRead);
}

TEST(MachineDebug, AnAccessWatchpointStopsAtTheStoreAndTheLoad) {
  Machine m(small_config());
  booted(m, kStoreThenLoad);
  m.cpu().debug.add_watchpoint(0x500, 2, WatchKind::kAccess);
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(m.cpu().state.eip, 0xFFF5u);
  ASSERT_TRUE(m.cpu().debug.take_hit().has_value());
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(m.cpu().state.eip, 0xFFF9u);
  ASSERT_TRUE(m.cpu().debug.take_hit().has_value());
}

TEST(MachineDebug, AWatchpointSeesEveryIterationOfARepeatedString) {
  // mov di, 0500h; mov cx, 8; xor ax, ax; mov es, ax; rep stosb; jmp $
  Machine m(small_config());
  booted(m, {0xBF, 0x00, 0x05, 0xB9, 0x08, 0x00, 0x31, 0xC0, 0x8E, 0xC0, 0xF3, 0xAA, 0xEB, 0xFE});
  m.cpu().debug.add_watchpoint(0x503, 1, WatchKind::kWrite);
  ASSERT_EQ(m.run(10.0).outcome, RunOutcome::kDebugStop);
  const CpuState& s = m.cpu().state;
  // Stopped after the fourth store, with the REP still to finish.
  EXPECT_EQ(s.gpr[kEcx] & 0xFFFF, 4u);
  EXPECT_EQ(s.gpr[kEdi] & 0xFFFF, 0x504u);
  EXPECT_EQ(s.eip, 0xFFFAu);
}

TEST(MachineDebug, AStepExecutesOneInstruction) {
  Machine m(small_config());
  booted(m, kCountingLoop);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(m.step().outcome, RunOutcome::kDebugStop);
  const CpuState& s = m.cpu().state;
  EXPECT_EQ(s.icount, 4u);
  EXPECT_EQ(s.eip, 0xFFF0u);  // the jmp went back
  EXPECT_EQ(s.gpr[kEax] & 0xFFFF, 2u);
  EXPECT_EQ(s.gpr[kEbx] & 0xFFFF, 1u);
}

TEST(MachineDebug, AStepFromHltWithNothingToWakeItReportsTheGuestStopped) {
  Machine m(small_config());
  booted(m, {0xFA, 0xF4});  // cli; hlt
  ASSERT_EQ(m.step().outcome, RunOutcome::kDebugStop);
  ASSERT_EQ(m.step().outcome, RunOutcome::kDebugStop);
  EXPECT_TRUE(m.cpu().state.halted);
  EXPECT_EQ(m.step().outcome, RunOutcome::kGuestStopped);
}

TEST(MachineDebug, APauseStopsTheRunAndTheNextRunGoesOn) {
  Machine m(small_config());
  booted(m, kCountingLoop);
  m.request_pause();
  EXPECT_EQ(m.run(10.0).outcome, RunOutcome::kPaused);
  EXPECT_EQ(m.cpu().state.icount, 0u);
  EXPECT_EQ(m.run(0.05).outcome, RunOutcome::kTimeout);
  EXPECT_GT(m.cpu().state.icount, 0u);
}

}  // namespace
}  // namespace tx86::core
