// BT BTS BTR BTC, BSF BSR, SHLD SHRD, XADD, CMPXCHG, CMPXCHG8B: exact
// results per the SDM (undefined flags are not asserted).
#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

using namespace flags;
using BitsTest = InterpTest;

TEST_F(BitsTest, BtRegisterOffsetIsMaskedForARegisterOperand) {
  set(kEax, 0x0002);
  set(kEcx, 17);             // 17 mod 16 = bit 1
  exec({0x0F, 0xA3, 0xC8});  // bt ax, cx
  EXPECT_TRUE(cpu.state.flag(kCf));
  EXPECT_EQ(reg(kEax), 0x0002u);
}

TEST_F(BitsTest, BtLeavesZfUnchanged) {
  set(kEax, 0);
  set_flags(kZf);
  exec({0x0F, 0xBA, 0xE0, 0x03});  // bt ax, 3
  EXPECT_FALSE(cpu.state.flag(kCf));
  EXPECT_TRUE(cpu.state.flag(kZf));
}

TEST_F(BitsTest, BtsWordInMemoryWithNegativeRegisterOffset) {
  set(kEbx, 0x2002);
  set(kEax, 0xFFFF);  // bit offset -1: the word at BX-2, bit 15
  mem.write16(0x2000, 0x0001);
  exec({0x0F, 0xAB, 0x07});  // bts [bx], ax
  EXPECT_EQ(mem.read16(0x2000), 0x8001u);
  EXPECT_EQ(mem.read16(0x2002), 0x0000u);
  EXPECT_FALSE(cpu.state.flag(kCf));
}

TEST_F(BitsTest, BtrDwordInMemoryWithNegativeRegisterOffset) {
  set(kEbx, 0x2010);
  set(kEax, static_cast<uint32_t>(-33));  // dword at BX + 4 * (-33 >> 5) = BX-8, bit 31
  mem.write32(0x2008, 0x80000001u);
  exec({0x66, 0x0F, 0xB3, 0x07});  // btr [bx], eax
  EXPECT_EQ(mem.read32(0x2008), 0x00000001u);
  EXPECT_TRUE(cpu.state.flag(kCf));
}

TEST_F(BitsTest, BtcWithPositiveOffsetBeyondTheOperand) {
  set(kEbx, 0x2000);
  set(kEcx, 35);             // word at BX + 2 * (35 >> 4) = BX+4, bit 3
  exec({0x0F, 0xBB, 0x0F});  // btc [bx], cx
  EXPECT_EQ(mem.read16(0x2004), 0x0008u);
  EXPECT_FALSE(cpu.state.flag(kCf));
}

TEST_F(BitsTest, ImmediateOffsetIsMaskedEvenForMemory) {
  set(kEbx, 0x2000);
  mem.write16(0x2000, 0x0002);
  exec({0x0F, 0xBA, 0x37, 0x21});  // btr word [bx], 0x21: bit 1 of [bx], not beyond
  EXPECT_EQ(mem.read16(0x2000), 0x0000u);
  EXPECT_EQ(mem.read16(0x2004), 0x0000u);
  EXPECT_TRUE(cpu.state.flag(kCf));
}

TEST_F(BitsTest, BsfAndBsrFindTheLowestAndHighestSetBit) {
  set(kEcx, 0x0120);
  exec({0x0F, 0xBC, 0xC1});  // bsf ax, cx
  EXPECT_EQ(reg(kEax), 5u);
  EXPECT_FALSE(cpu.state.flag(kZf));
  exec({0x66, 0x0F, 0xBD, 0xD1});  // bsr edx, ecx
  EXPECT_EQ(reg(kEdx), 8u);
}

TEST_F(BitsTest, BitScanOfZeroSetsZfAndKeepsTheDestination) {
  set(kEax, 0xDEADBEEF);
  set(kEcx, 0);
  exec({0x66, 0x0F, 0xBC, 0xC1});  // bsf eax, ecx
  EXPECT_EQ(reg(kEax), 0xDEADBEEFu);
  EXPECT_TRUE(cpu.state.flag(kZf));
  exec({0x0F, 0xBD, 0xC1});  // bsr ax, cx
  EXPECT_EQ(reg(kEax), 0xDEADBEEFu);
  EXPECT_TRUE(cpu.state.flag(kZf));
}

TEST_F(BitsTest, ShldShiftsInTheSourceHighBits) {
  set(kEax, 0x12345678);
  set(kEbx, 0x9ABCDEF0);
  exec({0x66, 0x0F, 0xA4, 0xD8, 0x04});  // shld eax, ebx, 4
  EXPECT_EQ(reg(kEax), 0x23456789u);
  EXPECT_TRUE(cpu.state.flag(kCf));                   // bit 28 of the old EAX
  EXPECT_EQ(status_flags() & (kZf | kSf | kPf), 0u);  // 0x89: odd parity
}

TEST_F(BitsTest, ShrdByClShiftsInTheSourceLowBits) {
  set(kEax, 0x1234);
  set(kEbx, 0xABCD);
  set(kEcx, 4);
  exec({0x0F, 0xAD, 0xD8});  // shrd ax, bx, cl
  EXPECT_EQ(reg(kEax), 0xD123u);
  EXPECT_FALSE(cpu.state.flag(kCf));  // bit 3 of 0x1234
  EXPECT_TRUE(cpu.state.flag(kSf));
}

TEST_F(BitsTest, DoubleShiftByOneSetsOverflowOnSignChange) {
  set(kEax, 0x4000);
  set(kEbx, 0);
  exec({0x0F, 0xA4, 0xD8, 0x01});  // shld ax, bx, 1
  EXPECT_EQ(reg(kEax), 0x8000u);
  EXPECT_EQ(status_flags() & (kOf | kCf | kSf | kZf), kOf | kSf);
}

TEST_F(BitsTest, DoubleShiftCountIsMaskedAndZeroChangesNothing) {
  set(kEax, 0x1234);
  set(kEbx, 0xFFFF);
  set_flags(kCf | kZf);
  exec({0x0F, 0xA4, 0xD8, 0x20});  // shld ax, bx, 32 -> count 0
  EXPECT_EQ(reg(kEax), 0x1234u);
  EXPECT_EQ(status_flags(), kCf | kZf);
}

TEST_F(BitsTest, SixteenBitDoubleShiftAboveSixteenShiftsDestSrcDest) {
  set(kEax, 0x1234);
  set(kEbx, 0xABCD);
  exec({0x0F, 0xA4, 0xD8, 20});  // shld ax, bx, 20: undefined; this model's value
  EXPECT_EQ(reg(kEax), 0xBCD1u);
}

TEST_F(BitsTest, XaddExchangesAndAdds) {
  set(kEbx, 5);
  set(kEcx, 7);
  exec({0x0F, 0xC1, 0xCB});  // xadd bx, cx
  EXPECT_EQ(reg(kEbx), 12u);
  EXPECT_EQ(reg(kEcx), 5u);
}

TEST_F(BitsTest, XaddOfARegisterWithItselfDoubles) {
  set(kEax, 0x80);
  exec({0x0F, 0xC0, 0xC0});  // xadd al, al
  EXPECT_EQ(reg(kEax), 0x00u);
  EXPECT_EQ(status_flags(), kCf | kZf | kPf | kOf);
}

TEST_F(BitsTest, XaddToMemory) {
  set(kEbx, 0x2000);
  set(kEcx, 0xFFFF);
  mem.write16(0x2000, 1);
  exec({0x0F, 0xC1, 0x0F});  // xadd [bx], cx
  EXPECT_EQ(mem.read16(0x2000), 0u);
  EXPECT_EQ(reg(kEcx), 1u);
  EXPECT_TRUE(cpu.state.flag(kCf));
  EXPECT_TRUE(cpu.state.flag(kZf));
}

TEST_F(BitsTest, CmpxchgStoresTheSourceWhenEqual) {
  set(kEbx, 0x2000);
  set(kEax, 0x1111);
  set(kEcx, 0x2222);
  mem.write16(0x2000, 0x1111);
  exec({0x0F, 0xB1, 0x0F});  // cmpxchg [bx], cx
  EXPECT_EQ(mem.read16(0x2000), 0x2222u);
  EXPECT_EQ(reg(kEax), 0x1111u);
  EXPECT_EQ(status_flags(), kZf | kPf);
}

TEST_F(BitsTest, CmpxchgLoadsTheAccumulatorWhenDifferent) {
  set(kEbx, 0x2000);
  set(kEax, 0x12);
  set(kEcx, 0x99);
  mem.write8(0x2000, 0x34);
  exec({0x0F, 0xB0, 0x0F});  // cmpxchg [bx], cl
  EXPECT_EQ(mem.read8(0x2000), 0x34u);
  EXPECT_EQ(reg(kEax), 0x34u);
  EXPECT_EQ(status_flags(), kCf | kSf | kAf | kPf);  // flags of 0x12 - 0x34 = 0xDE
}

TEST_F(BitsTest, Cmpxchg8bStoresEcxEbxWhenEqual) {
  set(kEsi, 0x2000);
  mem.write32(0x2000, 0x11111111);
  mem.write32(0x2004, 0x22222222);
  set(kEax, 0x11111111);
  set(kEdx, 0x22222222);
  set(kEbx, 0x33333333);
  set(kEcx, 0x44444444);
  set_flags(kCf | kSf);
  exec({0x0F, 0xC7, 0x0C});  // cmpxchg8b [si]
  EXPECT_EQ(mem.read32(0x2000), 0x33333333u);
  EXPECT_EQ(mem.read32(0x2004), 0x44444444u);
  EXPECT_EQ(status_flags(), kCf | kSf | kZf);  // only ZF changes
}

TEST_F(BitsTest, Cmpxchg8bLoadsEdxEaxWhenDifferent) {
  set(kEsi, 0x2000);
  mem.write32(0x2000, 0x11111111);
  mem.write32(0x2004, 0x22222222);
  set(kEax, 0x11111111);
  set(kEdx, 0);
  set_flags(kZf | kCf);
  exec({0x0F, 0xC7, 0x0C});  // cmpxchg8b [si]
  EXPECT_EQ(reg(kEax), 0x11111111u);
  EXPECT_EQ(reg(kEdx), 0x22222222u);
  EXPECT_EQ(mem.read32(0x2004), 0x22222222u);
  EXPECT_EQ(status_flags(), kCf);
}

}  // namespace
}  // namespace tx86::core::testing
