#include "jit/frontend/lowering.h"

namespace tx86::jit {

using core::OperandKind;
using ir::Arg;
using ir::Op;

Arg LowerContext::reg(uint8_t r, unsigned size) {
  if (size == 1 && r >= 4) {
    const Arg full = Arg::value(b.emit(Op::kGetReg, 4, static_cast<uint8_t>(r - 4)));
    return value(Op::kExtractHigh8, 1, full);
  }
  return Arg::value(b.emit(Op::kGetReg, 4, r));
}

void LowerContext::set_reg(uint8_t r, unsigned size, Arg v) {
  if (size == 4) {
    b.emit(Op::kSetReg, 4, r, v);
    return;
  }
  const uint8_t full_reg = (size == 1 && r >= 4) ? static_cast<uint8_t>(r - 4) : r;
  const Arg old = Arg::value(b.emit(Op::kGetReg, 4, full_reg));
  Op insert = Op::kInsertLow16;
  if (size == 1) insert = r >= 4 ? Op::kInsertHigh8 : Op::kInsertLow8;
  b.emit(Op::kSetReg, 4, full_reg, value(insert, 4, old, v));
}

Arg LowerContext::offset() {
  if (has_offset_) return offset_;
  const core::MemRef& m = insn.mem;
  Arg ea{};
  auto add = [&](Arg x) { ea = ea.kind == Arg::Kind::kNone ? x : value(Op::kAdd, 4, ea, x); };
  if (m.index != core::kNoReg && (m.base != core::kNoReg || m.scale != 0)) {
    // base + index * scale + disp: one host LEA.
    const Arg base = m.base != core::kNoReg ? reg(m.base, 4) : Arg::imm(0);
    ea = Arg::value(b.emit(Op::kLea, 4, m.scale, base, reg(m.index, 4), Arg::imm(m.disp)));
  } else {
    if (m.base != core::kNoReg) add(reg(m.base, 4));
    if (m.index != core::kNoReg) add(reg(m.index, 4));  // (scale 1, no base)
    if (ea.kind == Arg::Kind::kNone) {
      ea = Arg::imm(m.disp);
    } else if (m.disp != 0) {
      ea = value(Op::kAdd, 4, ea, Arg::imm(m.disp));
    }
  }
  if (insn.addrsize == 2)
    ea = ea.is_imm() ? Arg::imm(ea.v & 0xFFFF) : value(Op::kZeroExtend, 2, ea);
  offset_ = ea;
  has_offset_ = true;
  return ea;
}

Arg LowerContext::read(int i) {
  const core::Operand& op = insn.ops[i];
  switch (op.kind) {
    case OperandKind::kGpr: return reg(op.reg, op.size);
    case OperandKind::kMem: return Arg::value(b.emit(Op::kLoad, op.size, insn.mem.seg, offset()));
    case OperandKind::kImm:
    case OperandKind::kRel:
      return Arg::imm(op.size == 4 ? insn.imm : insn.imm & ((1u << (8 * op.size)) - 1));
    default: return Arg{};
  }
}

void LowerContext::write(int i, Arg v) {
  const core::Operand& op = insn.ops[i];
  if (op.kind == OperandKind::kGpr) {
    set_reg(op.reg, op.size, v);
  } else {
    b.emit(Op::kStore, op.size, insn.mem.seg, offset(), v);
  }
}

Arg LowerContext::flags() {
  if (!has_flags_) {
    flags_ = Arg::value(b.emit(Op::kGetFlags, 4, 0));
    has_flags_ = true;
  }
  return flags_;
}

Arg LowerContext::stack_offset(Arg esp) {
  return stack32 ? esp : value(Op::kZeroExtend, 2, esp);
}

Arg LowerContext::moved_esp(Arg esp, int32_t delta) {
  const Arg moved = delta >= 0 ? value(Op::kAdd, 4, esp, Arg::imm(static_cast<uint32_t>(delta)))
                               : value(Op::kSub, 4, esp, Arg::imm(static_cast<uint32_t>(-delta)));
  return stack32 ? moved : value(Op::kInsertLow16, 4, esp, moved);
}

namespace {

// Operands the lowerings know how to read and write.
bool plain_operands(const core::DecodedInsn& insn) {
  for (const core::Operand& op : insn.ops) {
    switch (op.kind) {
      case OperandKind::kNone:
      case OperandKind::kGpr:
      case OperandKind::kMem:
      case OperandKind::kImm:
      case OperandKind::kRel:
      case OperandKind::kString: break;
      default: return false;
    }
  }
  return true;
}

}  // namespace

bool lower(LowerContext& ctx, const core::DecodedInsn& insn) {
  // LOCK (valid or #UD) and MMX/SSE (#UD/#NM checks) stay with the
  // interpreter, as does any operand kind the helpers above do not model;
  // x87 instructions run natively where lower_x87 can.
  if (insn.has(core::prefix::kLock)) return false;
  if (insn.attrs & core::attr::kX87) return lower_x87(ctx, insn);
  if (insn.attrs & (core::attr::kMmx | core::attr::kSse)) return false;
  if (!plain_operands(insn)) return false;
  return lower_alu(ctx, insn) || lower_data(ctx, insn) || lower_stack(ctx, insn) ||
         lower_branch(ctx, insn) || lower_string(ctx, insn);
}

}  // namespace tx86::jit
