// PUSH (register, immediate, memory), PUSHF, POP register, LEAVE. The stack
// pointer is ESP or SP by the stack size the block was translated for;
// pushes store first and move ESP after, so a faulting store changes nothing.
#include "core/cpu/registers.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

namespace {

using core::Mnemonic;
using core::OperandKind;
using ir::Arg;
using ir::Op;

bool lower_push(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.opsize;
  const Arg v = c.read(0);  // PUSH ESP pushes the value before the push
  const Arg esp = c.reg(core::kEsp, 4);
  const Arg moved = c.moved_esp(esp, -static_cast<int32_t>(size));
  c.b.emit(Op::kStore, static_cast<uint8_t>(size), core::kSs, c.stack_offset(moved), v);
  c.b.emit(Op::kSetReg, 4, core::kEsp, moved);
  return true;
}

bool lower_pop(LowerContext& c, const core::DecodedInsn& insn) {
  if (insn.ops[0].kind != OperandKind::kGpr) return false;  // memory: ESP-relative subtleties
  const unsigned size = insn.opsize;
  const Arg esp = c.reg(core::kEsp, 4);
  const Arg v =
      Arg::value(c.b.emit(Op::kLoad, static_cast<uint8_t>(size), core::kSs, c.stack_offset(esp)));
  c.b.emit(Op::kSetReg, 4, core::kEsp, c.moved_esp(esp, static_cast<int32_t>(size)));
  c.set_reg(insn.ops[0].reg, size, v);  // POP ESP: the loaded value wins
  return true;
}

// PUSHF outside virtual-8086 mode (where IOPL decides, at run time): EFLAGS
// without VM and RF.
bool lower_pushf(LowerContext& c, const core::DecodedInsn& insn) {
  if (c.v86) return false;
  const unsigned size = insn.opsize;
  const Arg v = c.value(Op::kAnd, 4, c.flags(), Arg::imm(~(core::flags::kVm | core::flags::kRf)));
  const Arg esp = c.reg(core::kEsp, 4);
  const Arg moved = c.moved_esp(esp, -static_cast<int32_t>(size));
  c.b.emit(Op::kStore, static_cast<uint8_t>(size), core::kSs, c.stack_offset(moved), v);
  c.b.emit(Op::kSetReg, 4, core::kEsp, moved);
  return true;
}

// LEAVE: ESP = EBP (by the stack size), then POP EBP.
bool lower_leave(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.opsize;
  const Arg ebp = c.reg(core::kEbp, 4);
  const Arg esp_old = c.reg(core::kEsp, 4);
  const Arg top = c.stack32 ? ebp : c.value(Op::kInsertLow16, 4, esp_old, ebp);
  const Arg v =
      Arg::value(c.b.emit(Op::kLoad, static_cast<uint8_t>(size), core::kSs, c.stack_offset(top)));
  c.b.emit(Op::kSetReg, 4, core::kEsp, c.moved_esp(top, static_cast<int32_t>(size)));
  c.set_reg(core::kEbp, size, v);
  return true;
}

}  // namespace

bool lower_stack(LowerContext& c, const core::DecodedInsn& insn) {
  switch (insn.mnemonic) {
    case Mnemonic::kPush: return lower_push(c, insn);
    case Mnemonic::kPop: return lower_pop(c, insn);
    case Mnemonic::kLeave: return lower_leave(c, insn);
    case Mnemonic::kPushf: return lower_pushf(c, insn);
    default: return false;
  }
}

}  // namespace tx86::jit
