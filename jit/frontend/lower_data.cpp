// MOV LEA MOVZX MOVSX XCHG BSWAP CBW/CWDE CWD/CDQ SETcc CMOVcc, the flag
// instructions CLC STC CMC CLD STD LAHF SAHF, CLI where it needs no IOPL
// check, and the NOPs.
#include "core/cpu/registers.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

namespace {

using core::Mnemonic;
using core::OperandKind;
using ir::Arg;
using ir::Op;
namespace fl = core::flags;

ir::Arg condition(LowerContext& c, uint8_t cc) {
  return Arg::value(c.b.emit(Op::kCond, 4, cc, c.flags()));
}

// The status flags LAHF and SAHF move between EFLAGS and AH.
constexpr uint32_t kAhFlags = fl::kSf | fl::kZf | fl::kAf | fl::kPf | fl::kCf;

bool lower_flag_op(LowerContext& c, Op op, uint32_t bits) {
  c.b.emit(Op::kSetFlags, 4, 0, c.value(op, 4, c.flags(), Arg::imm(bits)));
  return true;
}

}  // namespace

bool lower_data(LowerContext& c, const core::DecodedInsn& insn) {
  switch (insn.mnemonic) {
    case Mnemonic::kMov: c.write(0, c.read(1)); return true;
    case Mnemonic::kLea:
      if (insn.ops[1].kind != OperandKind::kMem) return false;  // #UD
      c.set_reg(insn.ops[0].reg, insn.ops[0].size, c.offset());
      return true;
    case Mnemonic::kMovzx:
    case Mnemonic::kMovsx: {
      const unsigned from = insn.ops[1].size;
      const Arg v = c.read(1);
      const Op ext = insn.mnemonic == Mnemonic::kMovzx ? Op::kZeroExtend : Op::kSignExtend;
      c.write(0, from == 4 ? v : c.value(ext, from, v));
      return true;
    }
    case Mnemonic::kXchg: {
      const Arg a = c.read(0);
      const Arg b = c.read(1);
      c.write(0, b);
      c.write(1, a);
      return true;
    }
    case Mnemonic::kBswap: {
      const uint8_t r = insn.ops[0].reg;
      if (insn.opsize == 2) {  // undefined (SDM): the interpreter's model clears it
        c.set_reg(r, 2, Arg::imm(0));
        return true;
      }
      // [b3 b2 b1 b0]: ROR 8 gives [b0 b3 b2 b1], ROL 8 [b2 b1 b0 b3].
      const Arg v = c.reg(r, 4);
      const Arg odd =
          c.value(Op::kAnd, 4, c.value(Op::kRor, 4, v, Arg::imm(8)), Arg::imm(0xFF00FF00));
      const Arg even =
          c.value(Op::kAnd, 4, c.value(Op::kRol, 4, v, Arg::imm(8)), Arg::imm(0x00FF00FF));
      c.set_reg(r, 4, c.value(Op::kOr, 4, odd, even));
      return true;
    }
    case Mnemonic::kCbw: {
      const unsigned half = insn.opsize / 2;
      c.set_reg(core::kEax, insn.opsize, c.value(Op::kSignExtend, half, c.reg(core::kEax, half)));
      return true;
    }
    case Mnemonic::kCwd: {
      const unsigned size = insn.opsize;
      const Arg sign = c.value(Op::kSar, size, c.reg(core::kEax, size), Arg::imm(8 * size - 1));
      c.set_reg(core::kEdx, size, sign);
      return true;
    }
    case Mnemonic::kSetcc: c.write(0, condition(c, insn.condition())); return true;
    case Mnemonic::kCmovcc: {
      // The source is read (and may fault) whatever the condition.
      const Arg v = c.read(1);
      const Arg cond = condition(c, insn.condition());
      const Arg old = c.reg(insn.ops[0].reg, 4);
      c.set_reg(insn.ops[0].reg, insn.ops[0].size, c.value(Op::kSelect, 4, cond, v, old));
      return true;
    }
    case Mnemonic::kClc: return lower_flag_op(c, Op::kAnd, ~fl::kCf);
    case Mnemonic::kStc: return lower_flag_op(c, Op::kOr, fl::kCf);
    case Mnemonic::kCmc: return lower_flag_op(c, Op::kXor, fl::kCf);
    case Mnemonic::kLahf: {
      // AH = SF ZF 0 AF 0 PF 1 CF
      const Arg status = c.value(Op::kAnd, 4, c.flags(), Arg::imm(kAhFlags));
      c.set_reg(core::kAh, 1, c.value(Op::kOr, 4, status, Arg::imm(fl::kReserved1)));
      return true;
    }
    case Mnemonic::kSahf: {
      const Arg kept = c.value(Op::kAnd, 4, c.flags(), Arg::imm(~kAhFlags));
      const Arg from_ah = c.value(Op::kAnd, 4, c.reg(core::kAh, 1), Arg::imm(kAhFlags));
      c.b.emit(Op::kSetFlags, 4, 0, c.value(Op::kOr, 4, kept, from_ah));
      return true;
    }
    case Mnemonic::kCld: return lower_flag_op(c, Op::kAnd, ~fl::kDf);
    case Mnemonic::kStd: return lower_flag_op(c, Op::kOr, fl::kDf);
    case Mnemonic::kCli:  // (STI also holds interrupts off for an instruction)
      return c.iopl_free && lower_flag_op(c, Op::kAnd, ~fl::kIf);
    case Mnemonic::kNop:
    case Mnemonic::kHintNop: return true;
    default: return false;
  }
}

}  // namespace tx86::jit
