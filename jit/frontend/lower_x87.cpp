// x87 instructions that translated code runs natively (X87, emit_x87.cpp):
// every form computed on the host's x87 (core/fpu/x87_forms.h), FCOMI and
// FCMOVcc included (their EFLAGS go through CpuState), FNSTSW AX, FNSTCW
// and FLDCW; memory forms with 32-bit addresses. The other control
// instructions (FLDENV, FRSTOR, FNSAVE, ...) stay with the interpreter,
// which keeps the state in CpuState (the Fallback syncs it first).
#include "core/fpu/x87_forms.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

bool lower_x87(LowerContext& c, const core::DecodedInsn& insn) {
  using core::X87Kind;
  const core::X87Form f = core::x87_form(insn.opcode, insn.modrm);
  if (f.kind != X87Kind::kHost && f.kind != X87Kind::kFnstswAx && f.kind != X87Kind::kFnstcw &&
      f.kind != X87Kind::kFldcw) {
    return false;
  }
  if (insn.modrm < 0xC0 && insn.addrsize != 4) return false;
  c.b.emit(ir::Op::kX87, 4, 0);
  return true;
}

}  // namespace tx86::jit
