// asmjit's x86 Assembler with a short path for the instruction forms the
// backend emits most: MOV, the ALU ops, shifts by a constant, TEST, LEA
// and MOVZX r, r16 on 32- and 64-bit registers, immediates and [base +
// index*scale + disp] operands (seven in ten instructions of a Linux
// boot). asmjit's encoder is general (any form, any operand) and cost
// about 210 host instructions an instruction, a sixth of the time a block
// took to translate. Anything else (labels, absolute and RIP-relative
// addresses, other sizes, prefixes) goes on to asmjit as before. The bytes
// are the ones asmjit makes (tests/unit/jit/fast_assembler_test.cpp
// compares them).
#pragma once

#include <asmjit/x86.h>

namespace tx86::jit::x64 {

class FastAssembler : public asmjit::x86::Assembler {
 public:
  using asmjit::x86::Assembler::Assembler;

  asmjit::Error _emit(asmjit::InstId id, const asmjit::Operand_& o0, const asmjit::Operand_& o1,
                      const asmjit::Operand_& o2, const asmjit::Operand_* ext) override;
};

}  // namespace tx86::jit::x64
