// Flag results of each ALU instruction, exact values from the SDM's
// definitions (undefined flags are not asserted).
#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

using namespace flags;
using AluTest = InterpTest;

TEST_F(AluTest, AddSignedOverflowIntoTheSignBit) {
  set(kEax, 0x7F);
  exec({0x04, 0x01});  // add al, 1
  EXPECT_EQ(reg(kEax), 0x80u);
  EXPECT_EQ(status_flags(), kOf | kSf | kAf);
}

TEST_F(AluTest, AddWordWrapsToZeroWithCarry) {
  set(kEax, 0xFFFF);
  exec({0x05, 0x01, 0x00});  // add ax, 1
  EXPECT_EQ(reg(kEax), 0u);
  EXPECT_EQ(status_flags(), kCf | kZf | kPf | kAf);
}

TEST_F(AluTest, AddDwordWithOperandSizePrefixInRealMode) {
  set(kEax, 0x7FFFFFFF);
  set(kEbx, 0x00000001);
  exec({0x66, 0x01, 0xD8});  // add eax, ebx
  EXPECT_EQ(reg(kEax), 0x80000000u);
  EXPECT_EQ(status_flags(), kOf | kSf | kAf | kPf);
}

TEST_F(AluTest, AdcAddsTheCarry) {
  set(kEax, 0x00FE);
  set_flags(kCf);
  exec({0x14, 0x01});  // adc al, 1
  EXPECT_EQ(reg(kEax), 0x0000u);
  EXPECT_EQ(status_flags(), kCf | kZf | kPf | kAf);
}

TEST_F(AluTest, SubBorrowSetsCarryAndSign) {
  set(kEax, 0x0001);
  exec({0x2C, 0x02});  // sub al, 2
  EXPECT_EQ(reg(kEax), 0xFFu);
  EXPECT_EQ(status_flags(), kCf | kSf | kAf | kPf);
}

TEST_F(AluTest, SubSignedOverflow) {
  set(kEax, 0x8000);
  exec({0x2D, 0x01, 0x00});  // sub ax, 1
  EXPECT_EQ(reg(kEax), 0x7FFFu);
  EXPECT_EQ(status_flags(), kOf | kAf | kPf);
}

TEST_F(AluTest, SbbSubtractsTheBorrow) {
  set(kEax, 0x10);
  set_flags(kCf);
  exec({0x1C, 0x10});  // sbb al, 0x10
  EXPECT_EQ(reg(kEax), 0xFFu);
  EXPECT_EQ(status_flags(), kCf | kSf | kAf | kPf);
}

TEST_F(AluTest, CmpSetsFlagsAndKeepsTheOperand) {
  set(kEax, 0x05);
  exec({0x3C, 0x05});  // cmp al, 5
  EXPECT_EQ(reg(kEax), 0x05u);
  EXPECT_EQ(status_flags(), kZf | kPf);
}

TEST_F(AluTest, CmpWithSignExtendedImm8) {
  set(kEbx, 0xFFFF);
  exec({0x83, 0xFB, 0xFF});  // cmp bx, -1
  EXPECT_EQ(status_flags(), kZf | kPf);
}

TEST_F(AluTest, LogicOpsClearCarryAndOverflow) {
  set(kEax, 0xF0);
  set_flags(kCf | kOf);
  exec({0x24, 0x0F});  // and al, 0x0f
  EXPECT_EQ(reg(kEax), 0u);
  EXPECT_EQ(status_flags() & ~kAf, kZf | kPf);
  set(kEax, 0x80);
  set_flags(kCf | kOf);
  exec({0x0C, 0x01});  // or al, 1
  EXPECT_EQ(reg(kEax), 0x81u);
  EXPECT_EQ(status_flags() & ~kAf, kSf | kPf);
  set(kEax, 0xFF);
  exec({0x34, 0x0F});  // xor al, 0x0f
  EXPECT_EQ(reg(kEax), 0xF0u);
  EXPECT_EQ(status_flags() & ~kAf, kSf | kPf);
}

TEST_F(AluTest, TestSetsFlagsWithoutWriting) {
  set(kEax, 0x8000);
  exec({0xA9, 0x00, 0x80});  // test ax, 0x8000
  EXPECT_EQ(reg(kEax), 0x8000u);
  EXPECT_EQ(status_flags() & ~kAf, kSf | kPf);
}

TEST_F(AluTest, IncAndDecLeaveCarryAlone) {
  set(kEax, 0xFF);
  set_flags(kCf);
  exec({0xFE, 0xC0});  // inc al
  EXPECT_EQ(reg(kEax), 0u);
  EXPECT_EQ(status_flags(), kCf | kZf | kPf | kAf);
  set_flags(0);
  exec({0xFE, 0xC8});  // dec al
  EXPECT_EQ(reg(kEax), 0xFFu);
  EXPECT_EQ(status_flags(), kSf | kPf | kAf);
}

TEST_F(AluTest, IncWordOverflow) {
  set(kEcx, 0x7FFF);
  exec({0x41});  // inc cx
  EXPECT_EQ(reg(kEcx), 0x8000u);
  EXPECT_EQ(status_flags(), kOf | kSf | kAf | kPf);
}

TEST_F(AluTest, NegSetsCarryUnlessZero) {
  set(kEax, 0);
  exec({0xF6, 0xD8});  // neg al
  EXPECT_EQ(status_flags(), kZf | kPf);
  set(kEax, 0x80);
  exec({0xF6, 0xD8});
  EXPECT_EQ(reg(kEax), 0x80u);
  EXPECT_EQ(status_flags(), kCf | kOf | kSf);
  set(kEax, 1);
  exec({0xF6, 0xD8});
  EXPECT_EQ(reg(kEax), 0xFFu);
  EXPECT_EQ(status_flags(), kCf | kSf | kPf | kAf);
}

TEST_F(AluTest, NotChangesNoFlags) {
  set(kEax, 0x1234);
  set_flags(kCf | kZf);
  exec({0xF7, 0xD0});  // not ax
  EXPECT_EQ(reg(kEax), 0xEDCBu);
  EXPECT_EQ(status_flags(), kCf | kZf);
}

TEST_F(AluTest, ArithmeticOnMemoryOperand) {
  cpu.state.seg[kDs].base = 0x2000;
  mem.write16(0x2000 + 0x10, 0x00FF);
  set(kEbx, 0x10);
  exec({0x83, 0x07, 0x01});  // add word [bx], 1
  EXPECT_EQ(mem.read16(0x2010), 0x0100u);
  EXPECT_EQ(status_flags(), kAf | kPf);
}

TEST_F(AluTest, CbwCwdSignExtend) {
  set(kEax, 0x1280);
  exec({0x98});  // cbw
  EXPECT_EQ(reg(kEax), 0xFF80u);
  exec({0x99});  // cwd
  EXPECT_EQ(reg(kEdx), 0xFFFFu);
  set(kEax, 0x8000);
  exec({0x66, 0x98});  // cwde
  EXPECT_EQ(reg(kEax), 0xFFFF8000u);
  exec({0x66, 0x99});  // cdq
  EXPECT_EQ(reg(kEdx), 0xFFFFFFFFu);
}

TEST_F(AluTest, LahfSahfRoundTripTheLowFlags) {
  set_flags(kSf | kZf | kAf | kPf | kCf | kOf);
  exec({0x9F});  // lahf
  EXPECT_EQ((reg(kEax) >> 8) & 0xFF, 0xD7u);
  set(kEax, 0x0100);                     // AH = CF only
  exec({0x9E});                          // sahf
  EXPECT_EQ(status_flags(), kCf | kOf);  // OF is not in AH and stays
}

TEST_F(AluTest, DaaAdjustsPackedBcdAddition) {
  set(kEax, 0x79);
  exec({0x04, 0x35});  // add al, 0x35 -> 0xAE
  exec({0x27});        // daa -> 0x14, CF (79 + 35 = 114)
  EXPECT_EQ(reg(kEax) & 0xFF, 0x14u);
  EXPECT_TRUE(cpu.state.flag(kCf));
  EXPECT_TRUE(cpu.state.flag(kAf));
}

TEST_F(AluTest, AaaAdjustsAxAsAWhole) {
  set(kEax, 0x000B);
  exec({0x37});  // aaa: AX + 0x106, AL &= 0x0F
  EXPECT_EQ(reg(kEax), 0x0101u);
  EXPECT_TRUE(cpu.state.flag(kCf));
  EXPECT_TRUE(cpu.state.flag(kAf));
}

TEST_F(AluTest, AamAndAadConvertBetweenBinaryAndUnpackedBcd) {
  set(kEax, 0x003F);
  exec({0xD4, 0x0A});  // aam: 63 -> AH=6, AL=3
  EXPECT_EQ(reg(kEax), 0x0603u);
  exec({0xD5, 0x0A});  // aad: back to 63
  EXPECT_EQ(reg(kEax), 0x003Fu);
  EXPECT_EQ(status_flags() & (kZf | kSf | kPf), kPf);
}

// A read-modify-write whose write faults leaves the flags it computed
// unset (found by the JIT fuzzer: the interpreter used to keep them).
TEST_F(AluTest, FaultingWriteLeavesTheFlagsAlone) {
  set(kEax, 1);
  set_flags(kCf | kZf);
  load({0x01, 0x06, 0xFF, 0xFF});  // add [0xFFFF], ax: the word crosses DS's limit
  const std::optional<GuestFault> fault = interp.execute(cpu);
  ASSERT_TRUE(fault.has_value());
  EXPECT_EQ(fault->vector, vec::kGp);
  EXPECT_EQ(status_flags(), kCf | kZf);
  EXPECT_EQ(cpu.state.eip, kCodeStart);
}

}  // namespace
}  // namespace tx86::core::testing
