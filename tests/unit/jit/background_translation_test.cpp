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

JitOptions background_options(uint32_t threshold) {
  JitOptions options;
  options.hot_threshold = threshold;
  options.background = true;
  return options;
}

void interpret(Tx86Machine& m, uint64_t steps) {
  core::Interpreter interp;
  for (uint64_t i = 0; i < steps && !m.cpu().in_shutdown(); ++i) interp.step(m.cpu());
}

void expect_same_state(Tx86Machine& reference, Tx86Machine& translated) {
  const core::CpuState& a = reference.state();
  const core::CpuState& b = translated.state();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(a.gpr[i], b.gpr[i]) << "register " << i;
  EXPECT_EQ(a.eip, b.eip);
  EXPECT_EQ(a.eflags, b.eflags);
  EXPECT_EQ(reference.cpu().in_shutdown(), translated.cpu().in_shutdown());
}

// mov ecx, N; L: add eax, ecx; rol ebx, 1; loop L (then the case's HLT).
TestCase counting_loop(uint8_t n) {
  TestCase c;
  c.gpr[3] = 0x12345678;
  c.insns = {
      {0xB9, n, 0x00, 0x00, 0x00},  // mov ecx, n
      {0x01, 0xC8},                 // L: add eax, ecx
      {0xD1, 0xC3},                 // rol ebx, 1
      {0xE2, 0xFA},                 // loop L
  };
  return c;
}

TEST(BackgroundTranslation, AHotLoopIsInterpretedUntilItsTranslationIsInstalled) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu(), background_options(4));
  const TestCase c = counting_loop(200);
  reference.load(c);
  translated.load(c);
  jit.flush();
  const uint64_t total = 1 + 3 * 200 + 1;

  // Eight passes: the loop's block was asked for at the fourth, and ran
  // interpreted from then on (unless it came within these few microseconds).
  const uint64_t first = 1 + 3 * 8;
  EXPECT_NE(jit.run(translated.cpu(), first), core::StopReason::kUnimplemented);
  EXPECT_GE(jit.stats().interpreted, 1u + 3 * 4);

  // Built now: the dispatcher's first pass installs it, and the rest of the
  // loop runs translated.
  jit.wait_for_background();
  EXPECT_NE(jit.run(translated.cpu(), total - first), core::StopReason::kUnimplemented);
  EXPECT_EQ(jit.stats().blocks_translated, 1u);
  EXPECT_LE(jit.stats().interpreted, first + 1);  // (and the HLT after the loop)

  interpret(reference, total);
  expect_same_state(reference, translated);
  EXPECT_EQ(translated.state().gpr[core::kEax], 200u * 201u / 2u);
}

TEST(BackgroundTranslation, ABlockThatKeepsComingBackIsNotLeftWaiting) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu(), background_options(4));
  const TestCase c = counting_loop(200);
  reference.load(c);
  translated.load(c);
  jit.flush();
  const uint64_t total = 1 + 3 * 200 + 1;
  jit.hold_background(true);
  EXPECT_NE(jit.run(translated.cpu(), total), core::StopReason::kUnimplemented);
  // The thread built nothing: asked for at the fourth pass, the block
  // waited 16 more, and then the dispatcher translated it itself.
  EXPECT_EQ(jit.stats().blocks_translated, 1u);
  EXPECT_EQ(jit.stats().interpreted, 1u + 3 * (4 + 16) + 1);
  // The thread's copy, when it comes, is dropped.
  jit.hold_background(false);
  jit.wait_for_background();
  EXPECT_EQ(jit.run(translated.cpu(), 1), core::StopReason::kShutdown);
  EXPECT_EQ(jit.stats().blocks_translated, 1u);
  interpret(reference, total);
  expect_same_state(reference, translated);
}

TEST(BackgroundTranslation, CodeRewrittenWhileItIsTranslatedIsNotInstalled) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu(), background_options(4));
  const TestCase c = counting_loop(100);
  reference.load(c);
  translated.load(c);
  jit.flush();

  const uint64_t first = 1 + 3 * 8;  // the loop's block is asked for by now
  EXPECT_NE(jit.run(translated.cpu(), first), core::StopReason::kUnimplemented);
  interpret(reference, first);
  // The guest rewrites the loop's ADD before its translation is installed:
  // no page held a translation, so nothing watched the write.
  const uint32_t add = c.boundary(1);
  translated.poke(add, {0x01, 0xD8});  // add eax, ebx
  reference.poke(add, {0x01, 0xD8});

  jit.wait_for_background();
  const uint64_t rest = 3 * (100 - 8) + 1;
  EXPECT_NE(jit.run(translated.cpu(), rest), core::StopReason::kUnimplemented);
  interpret(reference, rest);
  // The block built from the old bytes would have kept adding ECX.
  expect_same_state(reference, translated);
}

TEST(BackgroundTranslation, AFlushDropsWhatIsBeingTranslated) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu(), background_options(4));
  const TestCase c = counting_loop(100);
  reference.load(c);
  translated.load(c);
  jit.flush();
  const uint64_t first = 1 + 3 * 8;
  EXPECT_NE(jit.run(translated.cpu(), first), core::StopReason::kUnimplemented);
  jit.flush();  // (asked for, maybe built: dropped either way)
  jit.wait_for_background();
  const uint64_t rest = 3 * (100 - 8) + 1;
  EXPECT_NE(jit.run(translated.cpu(), rest), core::StopReason::kUnimplemented);
  EXPECT_EQ(jit.stats().flushes, 2u);
  interpret(reference, first + rest);
  expect_same_state(reference, translated);
}

}  // namespace
}  // namespace tx86::jit
