// Background translation (JitOptions::background): a hot block is
// interpreted until the translation thread has built it, then installed,
// unless the guest rewrote its code in the meantime. Each test orders the
// two threads with JitEngine::wait_for_background, so that what it checks
// does not depend on how fast the other thread happens to be.
#include <gtest/gtest.h>

#include "core/interp/interpreter.h"
#include "jit/runtime/jit_engine.h"
#include "tests/difftest/tx86_machine.h"

namespace tx86::jit {
namespace {

using difftest::TestCase;
using difftest::Tx86Machine;

void interpret(Tx86Machine& m, uint64_t steps) {
  core::Interpreter interp;
  for (uint64_t i = 0; i < steps && !m.cpu().in_shutdown(); ++i) interp.step(m.cpu());
}

// mov ecx, N; L: add eax, ecx; rol ebx, 1; loop L (then the case's HLT),
// on a machine with a JIT whose threshold is 4 and on one for the
// interpreter.
class BackgroundTranslation : public ::testing::Test {
 protected:
  static JitOptions options() {
    JitOptions o;
    o.hot_threshold = 4;
    o.background = true;
    return o;
  }
  void load_loop(uint8_t n) {
    loop_.gpr[3] = 0x12345678;
    loop_.insns = {
        {0xB9, n, 0x00, 0x00, 0x00},  // mov ecx, n
        {0x01, 0xC8},                 // L: add eax, ecx
        {0xD1, 0xC3},                 // rol ebx, 1
        {0xE2, 0xFA},                 // loop L
    };
    reference_.load(loop_);
    translated_.load(loop_);
    jit_.flush();  // load() rewrote the code page behind the memory bus
  }
  void run(uint64_t steps) {
    EXPECT_NE(jit_.run(translated_.cpu(), steps), core::StopReason::kUnimplemented)
        << translated_.cpu().error;
  }
  // The interpreter runs the reference machine as far, and the two agree.
  void expect_reference_agrees(uint64_t steps) {
    interpret(reference_, steps);
    const core::CpuState& a = reference_.state();
    const core::CpuState& b = translated_.state();
    for (int i = 0; i < 8; ++i) EXPECT_EQ(a.gpr[i], b.gpr[i]) << "register " << i;
    EXPECT_EQ(a.eip, b.eip);
    EXPECT_EQ(a.eflags, b.eflags);
    EXPECT_EQ(reference_.cpu().in_shutdown(), translated_.cpu().in_shutdown());
  }

  Tx86Machine reference_;
  Tx86Machine translated_;
  JitEngine jit_{translated_.cpu(), options()};
  TestCase loop_;
};

TEST_F(BackgroundTranslation, AHotLoopIsInterpretedUntilItsTranslationIsInstalled) {
  load_loop(200);
  const uint64_t total = 1 + 3 * 200 + 1;
  // Eight passes: the loop's block was asked for at the fourth, and ran
  // interpreted from then on (unless it came within these few microseconds).
  const uint64_t first = 1 + 3 * 8;
  run(first);
  EXPECT_GE(jit_.stats().interpreted, 1u + 3 * 4);

  // Built now: the dispatcher's first pass installs it, and the rest of the
  // loop runs translated.
  jit_.wait_for_background();
  run(total - first);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
  EXPECT_LE(jit_.stats().interpreted, first + 1);  // (and the HLT after the loop)
  expect_reference_agrees(total);
  EXPECT_EQ(translated_.state().gpr[core::kEax], 200u * 201u / 2u);
}

TEST_F(BackgroundTranslation, ABlockThatKeepsComingBackIsNotLeftWaiting) {
  load_loop(200);
  const uint64_t total = 1 + 3 * 200 + 1;
  jit_.hold_background(true);
  run(total);
  // The thread built nothing: asked for at the fourth pass, the block
  // waited kMaxPendingVisits more, and then the dispatcher translated it
  // itself.
  static_assert(4 + JitEngine::kMaxPendingVisits < 200);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
  EXPECT_EQ(jit_.stats().taken_over, 1u);
  EXPECT_EQ(jit_.stats().interpreted, 1u + 3 * (4 + JitEngine::kMaxPendingVisits) + 1);
  // The thread skips the job (cancelled before it began), or its copy, had
  // it begun, is dropped.
  jit_.hold_background(false);
  jit_.wait_for_background();
  EXPECT_EQ(jit_.run(translated_.cpu(), 1), core::StopReason::kShutdown);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
  expect_reference_agrees(total);
}

TEST_F(BackgroundTranslation, CodeRewrittenWhileItIsTranslatedIsNotInstalled) {
  load_loop(100);
  const uint64_t first = 1 + 3 * 8;  // the loop's block is asked for by now
  run(first);
  interpret(reference_, first);
  // The guest rewrites the loop's ADD before its translation is installed:
  // no page held a translation, so nothing watched the write.
  const uint32_t add = loop_.boundary(1);
  translated_.poke(add, {0x01, 0xD8});  // add eax, ebx
  reference_.poke(add, {0x01, 0xD8});

  jit_.wait_for_background();
  const uint64_t rest = 3 * (100 - 8) + 1;
  run(rest);
  // The block built from the old bytes would have kept adding ECX.
  expect_reference_agrees(rest);
}

TEST_F(BackgroundTranslation, AFlushDropsWhatIsBeingTranslated) {
  load_loop(100);
  const uint64_t first = 1 + 3 * 8;
  run(first);
  jit_.flush();  // (asked for, maybe built: dropped either way)
  jit_.wait_for_background();
  const uint64_t rest = 3 * (100 - 8) + 1;
  run(rest);
  EXPECT_EQ(jit_.stats().flushes, 2u);
  expect_reference_agrees(first + rest);
}

}  // namespace
}  // namespace tx86::jit
