// The x87 state and its images: tag-word classification, the environment
// layouts against what the host's own FNSAVE and FXSAVE store, the
// last-instruction pointers, and the reporting of pending exceptions as
// #MF or through FERR#, IGNNE# and the freeze.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "core/fpu/fpu_env.h"
#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

constexpr X87Reg kOne{0x8000000000000000ull, 0x3FFF};
constexpr X87Reg kZero{0, 0};
constexpr X87Reg kDenormal{0x0000000000001234ull, 0};
constexpr X87Reg kUnnormal{0x4000000000000000ull, 0x3FFF};
constexpr X87Reg kQNaN{0xC000000000000000ull, 0x7FFF};

// TOP 5, R5..R7 holding values, condition codes and masked flags set.
FpuState sample_state() {
  FpuState f;
  f.init();
  f.cw = 0x0A7F;  // double precision, rounding up
  f.sw = 0x4520;  // C3, C2, PE
  f.set_top(5);
  f.reg[5] = kOne;
  f.reg[6] = kDenormal;
  f.reg[7] = kQNaN;
  f.reg[2] = kUnnormal;  // contents of an empty register stay
  f.valid = 0xE0;
  return f;
}

TEST(X87State, FullTagWordIsComputedFromTheContents) {
  FpuState f;
  f.reg[0] = kOne;       // valid 00
  f.reg[1] = kZero;      // zero 01
  f.reg[2] = kDenormal;  // special 10
  f.reg[3] = kUnnormal;  // special 10
  f.reg[4] = kQNaN;      // special 10
  f.valid = 0x1F;        // R5-R7 empty 11
  EXPECT_EQ(f.full_tag_word(), 0xFEA4);
}

TEST(X87State, LoadedTagsOnlySayEmptyOrNot) {
  FpuState f;
  f.load_tag_word(0x3F5C);  // R0 00, R1 11, R2 01, R3 01, R4-R6 11, R7 00
  EXPECT_EQ(f.valid, 0x8D);
}

TEST(X87State, SummaryFollowsFlagsAndMasks) {
  FpuState f;
  f.init();
  f.sw = fsw::kZe;
  f.update_summary();
  EXPECT_EQ(f.sw, fsw::kZe);  // masked: nothing pending
  f.cw = 0x037B;
  f.update_summary();
  EXPECT_EQ(f.sw, fsw::kZe | fsw::kEs | fsw::kB);
  EXPECT_EQ(f.pending(), fsw::kZe);
}

// The host stores the reserved upper halves of the 32-bit layout as ones,
// and the full tag word computed from contents; FNSAVE and ours agree on
// everything but the pointers (the host's own code and data addresses).
TEST(X87Images, FsaveImageMatchesTheHostsFnsave) {
  const FpuState f = sample_state();
  const EnvLayout layout{true, true};
  alignas(16) std::array<uint8_t, 108> ours{};
  store_env(f, layout, ours.data());
  store_registers(f, ours.data() + 28);
  alignas(16) std::array<uint8_t, 108> host{};
  alignas(16) std::array<uint8_t, 108> in = ours;
  asm volatile("frstor %1\n\tfnsave %0" : "=m"(host) : "m"(in) : "memory");
  EXPECT_EQ(std::memcmp(ours.data(), host.data(), 12), 0) << "control, status and tag words";
  EXPECT_EQ(std::memcmp(ours.data() + 28, host.data() + 28, 80), 0) << "registers";
}

TEST(X87Images, FxsaveImageMatchesTheHostsFxsave) {
  const FpuState f = sample_state();
  alignas(16) std::array<uint8_t, 108> in{};
  store_env(f, EnvLayout{true, true}, in.data());
  store_registers(f, in.data() + 28);
  alignas(16) std::array<uint8_t, 512> host{};
  asm volatile("frstor %1\n\tfxsave %0\n\tfninit" : "=m"(host) : "m"(in) : "memory");
  std::array<uint8_t, 512> ours{};
  store_fxsave(f, ours.data());
  EXPECT_EQ(std::memcmp(ours.data(), host.data(), 5), 0) << "FCW, FSW, abridged tags";
  EXPECT_EQ(std::memcmp(ours.data() + 32, host.data() + 32, 128), 0) << "registers";
  FpuState back;
  load_fxsave(back, host.data());
  EXPECT_EQ(back.cw, f.cw);
  EXPECT_EQ(back.sw, f.sw);
  EXPECT_EQ(back.valid, f.valid);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(back.reg[i], f.reg[i]) << "R" << i;
}

TEST(X87Images, EveryEnvironmentLayoutRoundTrips) {
  FpuState f = sample_state();
  f.fop = 0x5C3;
  f.fcs = 0x0123;
  f.fip = 0x4567;
  f.fds = 0x089A;
  f.fdp = 0xBCDE;
  for (bool op32 : {false, true}) {
    for (bool pm : {false, true}) {
      const EnvLayout layout{op32, pm};
      std::array<uint8_t, 108> image{};
      store_env(f, layout, image.data());
      FpuState back;
      back.reg[5] = f.reg[5];
      back.reg[6] = f.reg[6];
      back.reg[7] = f.reg[7];
      load_env(back, layout, image.data());
      EXPECT_EQ(back.cw, f.cw);
      EXPECT_EQ(back.sw, f.sw);
      EXPECT_EQ(back.valid, f.valid);
      if (pm) {
        EXPECT_EQ(back.fip, f.fip);
        EXPECT_EQ(back.fcs, f.fcs);
        EXPECT_EQ(back.fdp, f.fdp);
        EXPECT_EQ(back.fds, f.fds);
      } else {
        // Real-mode layouts hold linear addresses and the opcode.
        EXPECT_EQ(back.fip, 0x1230u + 0x4567u);
        EXPECT_EQ(back.fdp, 0x89A0u + 0xBCDEu);
        EXPECT_EQ(back.fop, f.fop);
      }
      if (pm && op32) {
        EXPECT_EQ(back.fop, f.fop);
      }
    }
  }
}

TEST(X87Images, ControlWordKeepsItsDefinedBits) {
  EXPECT_EQ(control_word_from(0x0000), 0x0040);
  EXPECT_EQ(control_word_from(0xFFFF), 0x1F7F);
}

using X87Interp = InterpTest;

TEST_F(X87Interp, PointersNameTheLastNonControlInstruction) {
  cpu.state.seg[kDs] = SegmentCache{0x0200, 0x2000, 0xFFFF, seg_attr::kRealModeData};
  mem.write32(0x2000 + 0x40, 0x3F800000);  // 1.0f
  exec({0xDB, 0xE3});                      // fninit
  exec({0xD9, 0x06, 0x40, 0x00});          // fld dword [0x40]
  exec({0xD9, 0x3E, 0x50, 0x00});          // fnstcw [0x50]: a control instruction
  const FpuState& f = cpu.state.fpu;
  EXPECT_EQ(f.fop, 0x106);
  EXPECT_EQ(f.fip, kCodeStart + 2);
  EXPECT_EQ(f.fcs, 0);
  EXPECT_EQ(f.fdp, 0x40u);
  EXPECT_EQ(f.fds, 0x0200);
  exec({0xD9, 0xE8});  // fld1: a register form keeps the data pointer
  EXPECT_EQ(f.fop, 0x1E8);
  EXPECT_EQ(f.fip, kCodeStart + 10);
  EXPECT_EQ(f.fdp, 0x40u);
}

TEST_F(X87Interp, StoreFaultLeavesTheStackAsItWas) {
  exec({0xDB, 0xE3, 0xD9, 0xE8}, 2);  // fninit; fld1
  const FpuState before = cpu.state.fpu;
  cpu.state.seg[kDs].limit = 0x0FFF;
  set_ivt(13, 0x0000, 0x0600);
  exec({0xDD, 0x1E, 0xFC, 0x0F});  // fstp qword [0xFFC]: past the limit, #GP
  EXPECT_EQ(cpu.state.eip, 0x0600u);
  EXPECT_EQ(cpu.state.fpu.sw, before.sw);
  EXPECT_EQ(cpu.state.fpu.valid, before.valid);
}

// 1/0 with zero-divide unmasked; the next waiting instruction reports it.
class X87ErrorTest : public InterpTest {
 protected:
  void make_pending() {
    mem.write16(0x0700, 0x037B);
    exec({0xDB, 0xE3});                             // fninit
    exec({0xD9, 0x2E, 0x00, 0x07});                 // fldcw [0x700]
    exec({0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9}, 3);  // fld1; fldz; fdivp st1, st0
  }
};

TEST_F(X87ErrorTest, NeSetRaisesMfAtTheNextWaitingInstruction) {
  cpu.state.cr0 |= cr0::kNe;
  make_pending();
  set_ivt(16, 0x0000, 0x0600);
  const uint32_t at = cpu.state.eip;
  exec({0xDF, 0xE0});  // fnstsw ax: does not wait
  EXPECT_EQ(reg(kEax) & 0xFFFF, 0xB084u);
  exec({0x9B});  // fwait
  EXPECT_EQ(cpu.state.eip, 0x0600u);
  EXPECT_EQ(mem.read16(0x8000 - 6), at + 2);
}

TEST_F(X87ErrorTest, NeClearFreezesUntilIrq13AndIgnneLetsItGoOn) {
  int ferr = 0;
  cpu.set_ferr_handler([&] { ++ferr; });
  make_pending();
  const uint32_t at = cpu.state.eip;
  exec({0x9B});  // fwait: FERR#, then the CPU waits at the instruction
  EXPECT_EQ(ferr, 1);
  EXPECT_TRUE(cpu.state.halted);
  EXPECT_EQ(cpu.state.eip, at);
  cpu.state.halted = false;  // the IRQ 13 handler ran and wrote port F0h
  cpu.assert_ignne();
  run();
  EXPECT_EQ(cpu.state.eip, at + 1);
  EXPECT_EQ(ferr, 1);
  exec({0xDB, 0xE2, 0x9B}, 2);  // fnclex; fwait: nothing pending, IGNNE# drops
  make_pending();
  exec({0x9B});
  EXPECT_EQ(ferr, 2);
  EXPECT_TRUE(cpu.state.halted);
}

TEST_F(X87Interp, EmAndTsRaiseNm) {
  set_ivt(7, 0x0000, 0x0600);
  cpu.state.cr0 |= cr0::kTs;
  exec({0x9B});  // wait with MP clear: runs
  EXPECT_EQ(cpu.state.eip, kCodeStart + 1);
  exec({0xD9, 0xE8});  // fld1
  EXPECT_EQ(cpu.state.eip, 0x0600u);
}

}  // namespace
}  // namespace tx86::core::testing
