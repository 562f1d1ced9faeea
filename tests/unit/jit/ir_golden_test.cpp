// Golden IR: for a few small blocks, the IR after the passes must be this
// exact listing. A change to lowering or to a pass that alters one shows up
// here as a diff to read, not as a silent slowdown.
#include <gtest/gtest.h>

#include <string>

#include "jit/frontend/translator.h"
#include "jit/opt/passes.h"
#include "tests/difftest/tx86_machine.h"

namespace tx86::jit {
namespace {

// The block at the start of `code`, in 32-bit flat protected mode (the
// differential tester's machine), after the passes.
std::string optimized_ir(const difftest::Bytes& code) {
  difftest::Tx86Machine m;
  difftest::TestCase c;
  c.insns.push_back(code);
  m.load(c);
  ir::Block block;
  uint32_t page = 0;
  EXPECT_TRUE(translate_block(m.cpu(), TranslateOptions{}, block, page));
  opt::optimize(block);
  EXPECT_EQ(opt::verify(block), "");
  return ir::dump(block);
}

TEST(IrGolden, CompareAndBranchKeepsOnlyTheFlagsTheBranchReads) {
  // add eax, ebx; cmp eax, 10; jne +0: the ADD's flags are overwritten by
  // the CMP before anything reads them, so only the CMP's are computed. The
  // JNE leaves through a side exit and the block goes on to the HLT the
  // machine puts after the code.
  EXPECT_EQ(optimized_ir({0x01, 0xD8, 0x83, 0xF8, 0x0A, 0x75, 0x00}),
            "%0 = GetReg eax\n"
            "%1 = GetReg ebx\n"
            "%2 = GetFlags\n"
            "%3 = Add.4 %0, %1\n"
            "SetReg eax %3\n"
            "%9 = Sub.4 %3, #a\n"
            "%10 = FlagsFrom %9, %2 host=8d5 zero=000\n"
            "SetFlags %10\n"
            "%13 = Cond cc5 %10\n"
            "SideExit %13, #20000007\n"
            "Fallback insn 3\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, RegistersAreForwardedAndConstantsFolded) {
  // mov ecx, 5; mov edx, ecx; shl edx, 2, then the HLT the machine puts
  // after the code (an interpreter call). EDX's copy of ECX is never
  // stored; the shift stays for its flags.
  EXPECT_EQ(optimized_ir({0xB9, 0x05, 0x00, 0x00, 0x00, 0x89, 0xCA, 0xC1, 0xE2, 0x02}),
            "SetReg ecx #5\n"
            "%4 = GetFlags\n"
            "%5 = Shl.4 #5, #2\n"
            "%6 = FlagsFrom %5, %4 host=8c5 zero=010\n"
            "SetReg edx %5\n"
            "SetFlags %6\n"
            "Fallback insn 3\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, AShiftByClWhoseFlagsTheNextAddOverwritesComputesNone) {
  // shl eax, cl; add ebx, eax: a count of 0 would leave the flags as they
  // were, so the shift's are a Select of its own and the old; the ADD
  // replaces every status flag, so it merges into the flags before the
  // shift and none of the shift's survive.
  EXPECT_EQ(optimized_ir({0xD3, 0xE0, 0x01, 0xC3}),
            "%0 = GetReg eax\n"
            "%1 = GetReg ecx\n"
            "%2 = And.4 %1, #1f\n"
            "%3 = GetFlags\n"
            "%4 = Shl.4 %0, %2\n"
            "SetReg eax %4\n"
            "%14 = GetReg ebx\n"
            "%17 = Add.4 %14, %4\n"
            "%18 = FlagsFrom %17, %3 host=8d5 zero=000\n"
            "SetReg ebx %17\n"
            "SetFlags %18\n"
            "Fallback insn 2\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, AStringStepReadsDirectionFromTheFlagsTheDecLeftAlone) {
  // dec ecx; js +1; lodsb: LODSB's step reads DF, which DEC does not
  // change, so it reads the flags the block started with, and the DEC's
  // stay with the branch and the exits (not merged into a whole EFLAGS).
  EXPECT_EQ(optimized_ir({0x49, 0x78, 0x01, 0xAC}),
            "%0 = GetReg ecx\n"
            "%1 = GetFlags\n"
            "%2 = Dec.4 %0\n"
            "%3 = FlagsFrom %2, %1 host=8d4 zero=000\n"
            "SetReg ecx %2\n"
            "SetFlags %3\n"
            "%7 = Cond cc8 %3\n"
            "SideExit %7, #20000004\n"
            "%9 = GetReg esi\n"
            "%10 = Load.1 ds %9\n"
            "%11 = GetReg eax\n"
            "%12 = InsertLow8.4 %11, %10\n"
            "SetReg eax %12\n"
            "%16 = DfDelta.1 %1\n"
            "%17 = Add.4 %9, %16\n"
            "SetReg esi %17\n"
            "Fallback insn 3\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, PushAndPopGoThroughTheStackSegment) {
  // push ebx; pop ecx: the pop reads the pushed slot, and ESP's two moves
  // cancel out. Only the pop's load (if it faulted) would see the pushed
  // ESP: that write is deferred to the load's fault exit.
  EXPECT_EQ(optimized_ir({0x53, 0x59}),
            "%0 = GetReg ebx\n"
            "%1 = GetReg esp\n"
            "%2 = Sub.4 %1, #4\n"
            "Store.4 ss %2, %0\n"
            "SetReg esp %2 deferred\n"
            "%6 = Load.4 ss %2\n"
            "SetReg esp %1\n"
            "SetReg ecx %6\n"
            "Fallback insn 2\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, ScaledIndexAddressesAreOneLea) {
  // mov eax, [ebx + esi*4 + 8]; mov edx, [edi*8 + 0x1000]: each effective
  // address with a scaled index is a single Lea (one host LEA).
  EXPECT_EQ(optimized_ir({0x8B, 0x44, 0xB3, 0x08, 0x8B, 0x14, 0xFD, 0x00, 0x10, 0x00, 0x00}),
            "%0 = GetReg ebx\n"
            "%1 = GetReg esi\n"
            "%2 = Lea.4 %0, %1, #8 scale=4\n"
            "%3 = Load.4 ds %2\n"
            "SetReg eax %3\n"
            "%5 = GetReg edi\n"
            "%6 = Lea.4 #0, %5, #1000 scale=8\n"
            "%7 = Load.4 ds %6\n"
            "SetReg edx %7\n"
            "Fallback insn 2\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, MovzxFromMemoryIsTheLoadAlone) {
  // movzx ecx, word [eax]; movzx edx, byte [eax]: a narrow load's value is
  // zero-extended already, so no ZeroExtend is left.
  EXPECT_EQ(optimized_ir({0x0F, 0xB7, 0x08, 0x0F, 0xB6, 0x10}),
            "%0 = GetReg eax\n"
            "%1 = Load.2 ds %0\n"
            "SetReg ecx %1\n"
            "%5 = Load.1 ds %0\n"
            "SetReg edx %5\n"
            "Fallback insn 2\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, MovzxOfAByteJustComputedIsThatByte) {
  // mov ecx, esi; xor cl, [ebx]; movzx ecx, cl (a CRC table index): the
  // XOR's byte is zero-extended already, and the insertion into ECX's low
  // byte that the MOVZX reads back goes away.
  EXPECT_EQ(optimized_ir({0x89, 0xF1, 0x32, 0x0B, 0x0F, 0xB6, 0xC9}),
            "%0 = GetReg esi\n"
            "SetReg ecx %0 deferred\n"
            "%3 = GetReg ebx\n"
            "%4 = Load.1 ds %3\n"
            "%5 = GetFlags\n"
            "%6 = Xor.1 %0, %4\n"
            "%7 = FlagsFrom %6, %5 host=8c5 zero=010\n"
            "SetFlags %7\n"
            "SetReg ecx %6\n"
            "Fallback insn 3\n"
            "ExitToDispatcher\n");
}

TEST(IrGolden, DirectJumpsOnThePageAreFollowed) {
  // jmp +2; ud2 (jumped over); add eax, ebx; cmp eax, 10, then the HLT:
  // one block without the UD2, and the ADD's flags are dead.
  EXPECT_EQ(optimized_ir({0xEB, 0x02, 0x0F, 0x0B, 0x01, 0xD8, 0x83, 0xF8, 0x0A}),
            "%0 = GetReg eax\n"
            "%1 = GetReg ebx\n"
            "%2 = GetFlags\n"
            "%3 = Add.4 %0, %1\n"
            "SetReg eax %3\n"
            "%9 = Sub.4 %3, #a\n"
            "%10 = FlagsFrom %9, %2 host=8d5 zero=000\n"
            "SetFlags %10\n"
            "Fallback insn 3\n"
            "ExitToDispatcher\n");
}

}  // namespace
}  // namespace tx86::jit
