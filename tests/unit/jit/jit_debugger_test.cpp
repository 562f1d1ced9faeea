// A machine whose engine is the JIT, under a debugger: breakpoints stop
// translated code (no block holds one: the translator ends blocks before
// them) while the rest runs translated; watchpoints stop it too (the
// machine runs the interpreter while one is set); code the debugger
// rewrites is not run from a stale translation.
#include <gtest/gtest.h>

#include "core/firmware/bios_image.h"
#include "core/machine/machine.h"
#include "jit/runtime/jit_engine.h"

namespace tx86::jit {
namespace {

using core::RunOutcome;

constexpr uint32_t kCode = 0x7C00;

// The reset vector jumps to 0000:7C00, where RAM holds:
//   L: inc ax; inc bx; mov [0500h], ax; jmp L
class JitDebugger : public ::testing::Test {
 protected:
  JitDebugger() : machine_(config()) {
    std::vector<uint8_t> rom(core::kPageSize, 0xF4);
    const uint8_t reset[] = {0xEA, 0x00, 0x7C, 0x00, 0x00};  // jmp 0000:7C00
    std::copy(std::begin(reset), std::end(reset), rom.end() - 16);
    core::map_bios(machine_.memory(), rom);
    const uint8_t loop[] = {0x40, 0x43, 0xA3, 0x00, 0x05, 0xEB, 0xF9};
    machine_.memory().write_block(kCode, loop);
    JitOptions o;
    o.hot_threshold = 0;
    o.background = false;
    auto engine = std::make_unique<JitEngine>(machine_.cpu(), o);
    jit_ = engine.get();
    machine_.set_engine(std::move(engine));
    machine_.reset();
  }
  static core::MachineConfig config() {
    core::MachineConfig c;
    c.ram_bytes = 2 << 20;
    return c;
  }
  uint16_t ax() { return machine_.cpu().state.gpr[core::kEax] & 0xFFFF; }
  uint16_t bx() { return machine_.cpu().state.gpr[core::kEbx] & 0xFFFF; }

  core::Machine machine_;
  JitEngine* jit_ = nullptr;
};

TEST_F(JitDebugger, ABreakpointStopsTranslatedCode) {
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  ASSERT_GT(jit_->stats().blocks_translated, 0u);
  machine_.cpu().debug.add_breakpoint(kCode + 1);  // inc bx
  ASSERT_EQ(machine_.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(machine_.cpu().state.eip, kCode + 1);
  EXPECT_EQ(ax(), static_cast<uint16_t>(bx() + 1));
  // Once removed, the translated loop runs on.
  const uint64_t entries = jit_->stats().block_entries;
  machine_.cpu().debug.remove_breakpoint(kCode + 1);
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  EXPECT_GT(jit_->stats().block_entries, entries);
}

TEST_F(JitDebugger, CodeRunsTranslatedWhileABreakpointIsSetElsewhere) {
  machine_.cpu().debug.add_breakpoint(0x9000);  // never reached
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  EXPECT_GT(jit_->stats().blocks_translated, 0u);
  // Millions of instructions in 50 ms, hardly any of them interpreted.
  EXPECT_GT(machine_.cpu().state.icount, 1'000'000u);
  EXPECT_LT(jit_->stats().interpreted, machine_.cpu().state.icount / 1000);
}

TEST_F(JitDebugger, GoingOnFromABreakpointInsideABlockStopsThereAgainNextTime) {
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  machine_.cpu().debug.add_breakpoint(kCode + 1);  // inc bx, inside the loop's block
  ASSERT_EQ(machine_.run(1.0).outcome, RunOutcome::kDebugStop);
  const uint16_t ax0 = ax();
  const uint16_t bx0 = bx();
  for (int round = 1; round <= 3; ++round) {
    machine_.cpu().debug.resume_past(kCode + 1);
    ASSERT_EQ(machine_.run(1.0).outcome, RunOutcome::kDebugStop);
    EXPECT_EQ(machine_.cpu().state.eip, kCode + 1);
    EXPECT_EQ(ax(), static_cast<uint16_t>(ax0 + round));
    EXPECT_EQ(bx(), static_cast<uint16_t>(bx0 + round));
  }
  EXPECT_EQ(machine_.memory().read16(0x500), ax() - 1);
}

TEST_F(JitDebugger, ABreakpointAtABlockThatJumpsToItselfStopsEachRound) {
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  machine_.cpu().debug.add_breakpoint(kCode);  // L: the jmp's target
  ASSERT_EQ(machine_.run(1.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(machine_.cpu().state.eip, kCode);
  const uint16_t ax0 = ax();
  machine_.cpu().debug.resume_past(kCode);
  ASSERT_EQ(machine_.run(1.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(machine_.cpu().state.eip, kCode);
  EXPECT_EQ(ax(), static_cast<uint16_t>(ax0 + 1));
}

TEST_F(JitDebugger, AWatchpointStopsAfterTheStoreInTranslatedCode) {
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  machine_.cpu().debug.add_watchpoint(0x500, 2, core::WatchKind::kWrite);
  ASSERT_EQ(machine_.run(10.0).outcome, RunOutcome::kDebugStop);
  EXPECT_EQ(machine_.cpu().state.eip, kCode + 5);  // after the store
  EXPECT_EQ(machine_.memory().read16(0x500), ax());
  EXPECT_TRUE(machine_.cpu().debug.take_hit().has_value());
}

TEST_F(JitDebugger, CodeTheDebuggerRewritesRunsAsRewritten) {
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  ASSERT_GT(jit_->stats().blocks_translated, 0u);
  // inc bx (43) becomes inc cx (41), written as a debugger writes memory.
  machine_.memory().write8(kCode + 1, 0x41);
  const uint16_t bx_before = bx();
  const uint32_t cx_before = machine_.cpu().state.gpr[core::kEcx];
  ASSERT_EQ(machine_.run(0.05).outcome, RunOutcome::kTimeout);
  EXPECT_EQ(bx(), bx_before);
  EXPECT_GT(machine_.cpu().state.gpr[core::kEcx], cx_before);
}

}  // namespace
}  // namespace tx86::jit
