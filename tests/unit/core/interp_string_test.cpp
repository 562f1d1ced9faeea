#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

using namespace flags;
using StringTest = InterpTest;

TEST_F(StringTest, RepMovsbCopiesForwardAndCountsDown) {
  cpu.state.seg[kDs].base = 0x10000;
  cpu.state.seg[kEs].base = 0x20000;
  for (int i = 0; i < 5; ++i) mem.write8(0x10000 + 0x10 + i, static_cast<uint8_t>(0xA0 + i));
  set(kEsi, 0x10);
  set(kEdi, 0x40);
  set(kEcx, 5);
  exec({0xF3, 0xA4});  // rep movsb
  EXPECT_EQ(reg(kEcx), 0u);
  EXPECT_EQ(reg(kEsi), 0x15u);
  EXPECT_EQ(reg(kEdi), 0x45u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(mem.read8(0x20040 + i), 0xA0 + i);
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
}

TEST_F(StringTest, RepWithZeroCountDoesNothing) {
  set(kEcx, 0);
  set(kEdi, 0x40);
  exec({0xF3, 0xAA});  // rep stosb
  EXPECT_EQ(reg(kEdi), 0x40u);
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
}

TEST_F(StringTest, DirectionFlagMovesBackwards) {
  set_flags(kDf);
  set(kEax, 0xBEEF);
  set(kEdi, 0x50);
  set(kEcx, 2);
  exec({0xF3, 0xAB});  // rep stosw
  EXPECT_EQ(reg(kEdi), 0x4Cu);
  EXPECT_EQ(mem.read16(0x50), 0xBEEF);
  EXPECT_EQ(mem.read16(0x4E), 0xBEEF);
}

TEST_F(StringTest, SegmentOverrideAppliesToTheSourceOnly) {
  cpu.state.seg[kFs].base = 0x30000;
  mem.write8(0x30005, 0x77);
  set(kEsi, 5);
  set(kEdi, 0x60);
  exec({0x64, 0xA4});  // movsb fs:[si] -> es:[di]
  EXPECT_EQ(mem.read8(0x60), 0x77);
}

TEST_F(StringTest, RepeCmpsbStopsAtTheFirstDifference) {
  const char a[] = "abcX";
  const char b[] = "abcY";
  for (int i = 0; i < 4; ++i) {
    mem.write8(0x100 + 0x200 + i, static_cast<uint8_t>(a[i]));
    mem.write8(0x300 + 0x200 + i, static_cast<uint8_t>(b[i]));
  }
  set(kEsi, 0x300);
  set(kEdi, 0x500);
  set(kEcx, 10);
  exec({0xF3, 0xA6});  // repe cmpsb
  EXPECT_EQ(reg(kEcx), 6u);
  EXPECT_EQ(reg(kEsi), 0x304u);
  EXPECT_FALSE(cpu.state.flag(kZf));
  EXPECT_TRUE(cpu.state.flag(kCf));  // 'X' < 'Y'
}

TEST_F(StringTest, RepneScasbFindsTheByte) {
  const char s[] = "hello";
  for (int i = 0; i < 5; ++i) mem.write8(0x600 + i, static_cast<uint8_t>(s[i]));
  set(kEax, 'l');
  set(kEdi, 0x600);
  set(kEcx, 5);
  exec({0xF2, 0xAE});  // repne scasb
  EXPECT_EQ(reg(kEdi), 0x603u);
  EXPECT_EQ(reg(kEcx), 2u);
  EXPECT_TRUE(cpu.state.flag(kZf));
}

TEST_F(StringTest, AddressSizePrefixUsesTheWideRegisters) {
  set(kEsi, 0x00010000);  // beyond 16 bits: only valid with 0x67
  cpu.state.seg[kDs].limit = 0xFFFFF;
  mem.write8(0x10000, 0x42);
  exec({0x67, 0xAC});  // lodsb with ESI
  EXPECT_EQ(reg(kEax) & 0xFF, 0x42u);
  EXPECT_EQ(reg(kEsi), 0x00010001u);
}

TEST_F(StringTest, LongRepeatsAreInterruptibleBetweenIterations) {
  set(kEcx, 10000);
  set(kEdi, 0);
  cpu.state.seg[kEs].base = 0x40000;
  exec({0xF3, 0xAA});  // rep stosb: one step does a bounded number of iterations
  EXPECT_GT(reg(kEcx), 0u);
  EXPECT_EQ(cpu.state.eip, kCodeStart);  // still on the instruction
  run(2);
  EXPECT_EQ(reg(kEcx), 0u);
  EXPECT_EQ(reg(kEdi), 10000u);
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
}

}  // namespace
}  // namespace tx86::core::testing
