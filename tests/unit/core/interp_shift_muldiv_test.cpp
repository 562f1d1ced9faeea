#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

using namespace flags;
using ShiftTest = InterpTest;
using MulDivTest = InterpTest;

TEST_F(ShiftTest, ShlByOneSetsCarryAndOverflow) {
  set(kEax, 0x40);
  exec({0xD0, 0xE0});  // shl al, 1
  EXPECT_EQ(reg(kEax), 0x80u);
  EXPECT_EQ(status_flags() & ~kAf, kOf | kSf);
  exec({0xD0, 0xE0});
  EXPECT_EQ(reg(kEax), 0u);
  EXPECT_EQ(status_flags() & ~kAf, kCf | kOf | kZf | kPf);
}

TEST_F(ShiftTest, ShrByOneOverflowIsTheOldSignBit) {
  set(kEax, 0x8001);
  exec({0xD1, 0xE8});  // shr ax, 1
  EXPECT_EQ(reg(kEax), 0x4000u);
  EXPECT_EQ(status_flags() & ~kAf, kCf | kOf | kPf);
}

TEST_F(ShiftTest, SarKeepsTheSign) {
  set(kEax, 0x85);
  set(kEcx, 3);
  exec({0xD2, 0xF8});  // sar al, cl
  EXPECT_EQ(reg(kEax) & 0xFF, 0xF0u);
  EXPECT_TRUE(cpu.state.flag(kCf));  // bit 2, the last one shifted out
}

TEST_F(ShiftTest, CountZeroChangesNothing) {
  set(kEax, 0x1234);
  set(kEcx, 0x20);  // masked to 0
  set_flags(kCf | kOf | kZf);
  exec({0xD3, 0xE0});  // shl ax, cl
  EXPECT_EQ(reg(kEax), 0x1234u);
  EXPECT_EQ(status_flags(), kCf | kOf | kZf);
}

TEST_F(ShiftTest, CountIsMaskedToFiveBits) {
  set(kEax, 0x1);
  set(kEcx, 33);
  exec({0xD3, 0xE0});  // shl ax, cl  (33 & 31 = 1)
  EXPECT_EQ(reg(kEax), 0x2u);
}

TEST_F(ShiftTest, ImmediateCountForm) {
  set(kEbx, 0x00F0);
  exec({0xC1, 0xEB, 0x04});  // shr bx, 4
  EXPECT_EQ(reg(kEbx), 0x000Fu);
}

TEST_F(ShiftTest, RotatesAffectOnlyCarryAndOverflow) {
  set(kEax, 0x81);
  set_flags(kZf | kSf);
  exec({0xD0, 0xC0});  // rol al, 1
  EXPECT_EQ(reg(kEax), 0x03u);
  EXPECT_EQ(status_flags(), kZf | kSf | kCf | kOf);
  exec({0xD0, 0xC8});  // ror al, 1
  EXPECT_EQ(reg(kEax), 0x81u);
  EXPECT_EQ(status_flags(), kZf | kSf | kCf | kOf);
}

TEST_F(ShiftTest, RclRotatesThroughCarryModuloNine) {
  set(kEax, 0x81);
  set(kEcx, 9);
  set_flags(kCf);
  exec({0xD2, 0xD0});  // rcl al, cl: 9 mod 9 = 0, value and CF unchanged
  EXPECT_EQ(reg(kEax), 0x81u);
  EXPECT_TRUE(cpu.state.flag(kCf));
  set(kEcx, 1);
  set_flags(0);
  exec({0xD2, 0xD0});  // rcl al, 1: CF <- 1, AL = 0x02
  EXPECT_EQ(reg(kEax), 0x02u);
  EXPECT_EQ(status_flags(), kCf | kOf);
}

TEST_F(ShiftTest, RcrDword) {
  set(kEax, 0x00000001);
  set_flags(kCf);
  exec({0x66, 0xD1, 0xD8});  // rcr eax, 1
  EXPECT_EQ(reg(kEax), 0x80000000u);
  EXPECT_EQ(status_flags(), kCf | kOf);
}

TEST_F(MulDivTest, MulSetsCarryWhenTheHighHalfIsUsed) {
  set(kEax, 0x80);
  set(kEbx, 0x02);
  exec({0xF6, 0xE3});  // mul bl
  EXPECT_EQ(reg(kEax), 0x0100u);
  EXPECT_EQ(status_flags() & (kCf | kOf), kCf | kOf);
  set(kEax, 0x10);
  exec({0xF6, 0xE3});
  EXPECT_EQ(reg(kEax), 0x0020u);
  EXPECT_EQ(status_flags() & (kCf | kOf), 0u);
}

TEST_F(MulDivTest, ImulOneOperandSignedProduct) {
  set(kEax, 0xFFFF);  // -1
  set(kEbx, 0x0002);
  exec({0xF7, 0xEB});  // imul bx
  EXPECT_EQ(reg(kEax), 0xFFFEu);
  EXPECT_EQ(reg(kEdx), 0xFFFFu);
  EXPECT_EQ(status_flags() & (kCf | kOf), 0u);
}

TEST_F(MulDivTest, ImulThreeOperandTruncates) {
  set(kEbx, 0x4000);
  exec({0x6B, 0xC3, 0x04});  // imul ax, bx, 4
  EXPECT_EQ(reg(kEax), 0x0000u);
  EXPECT_EQ(status_flags() & (kCf | kOf), kCf | kOf);
}

TEST_F(MulDivTest, DivideQuotientAndRemainder) {
  set(kEax, 100);
  set(kEdx, 0);
  set(kEbx, 7);
  exec({0xF7, 0xF3});  // div bx
  EXPECT_EQ(reg(kEax), 14u);
  EXPECT_EQ(reg(kEdx), 2u);
}

TEST_F(MulDivTest, IdivRoundsTowardZero) {
  set(kEax, 0xFFF9);  // -7
  set(kEbx, 0x02);
  exec({0xF6, 0xFB});                         // idiv bl: AX / BL
  EXPECT_EQ(reg(kEax) & 0xFF, 0xFDu);         // -3
  EXPECT_EQ((reg(kEax) >> 8) & 0xFF, 0xFFu);  // -1
}

TEST_F(MulDivTest, DivideErrorIsAFaultAtTheDivInstruction) {
  set_ivt(0, 0x0000, 0x4000);
  set(kEax, 1);
  set(kEbx, 0);
  exec({0xF6, 0xF3});  // div bl
  EXPECT_EQ(cpu.state.eip, 0x4000u);
  EXPECT_EQ(reg(kEsp), 0x8000u - 6);
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart);  // IP of the DIV itself
  EXPECT_EQ(reg(kEax), 1u);
}

TEST_F(MulDivTest, QuotientOverflowRaisesDivideError) {
  set_ivt(0, 0x0000, 0x4000);
  set(kEax, 0x8000);   // -32768
  set(kEbx, 0xFF);     // -1
  exec({0xF6, 0xFB});  // idiv bl: -32768 / -1 does not fit in AL
  EXPECT_EQ(cpu.state.eip, 0x4000u);
  // The most negative 32-bit dividend over -1 must fault, not crash the host.
  cpu.state.eip = kCodeStart;
  set(kEsp, 0x8000);
  set(kEax, 0);
  set(kEdx, 0x80000000u);
  set(kEbx, 0xFFFFFFFFu);
  exec({0x66, 0xF7, 0xFB});  // idiv ebx: EDX:EAX = -2^63
  EXPECT_EQ(cpu.state.eip, 0x4000u);
}

TEST_F(MulDivTest, IdivAllowsTheMostNegativeQuotient) {
  set(kEax, 0xFF80);  // -128
  set(kEbx, 0x01);
  exec({0xF6, 0xFB});  // idiv bl
  EXPECT_EQ(reg(kEax), 0x0080u);
}

}  // namespace
}  // namespace tx86::core::testing
