// Control transfers: JMP CALL RET (near and far), Jcc, LOOP/LOOPcc, JCXZ,
// INT n, INT3, INTO, INT1, IRET, BOUND. The far forms and IRET are Cpu
// operations (core/cpu/far_transfer.cpp), shared with the JIT.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

// A near branch target must lie inside CS (SDM: #GP(0) before any effect).
void branch_to(Cpu& cpu, const DecodedInsn& insn, uint32_t target) {
  if (insn.opsize == 2) target &= 0xFFFF;
  if (target > cpu.state.seg[kCs].limit) raise_fault(vec::kGp, 0);
  cpu.state.eip = target;
}

uint32_t relative_target(const Cpu& cpu, const DecodedInsn& insn) {
  return cpu.state.eip + insn.imm;
}

void exec_jmp(Cpu& cpu, const DecodedInsn& insn) {
  branch_to(cpu, insn, relative_target(cpu, insn));
}

void exec_jmp_indirect(Cpu& cpu, const DecodedInsn& insn) {
  branch_to(cpu, insn, read_operand(cpu, insn, 0));
}

void exec_jcc(Cpu& cpu, const DecodedInsn& insn) {
  if (alu::condition(cpu.state.eflags, insn.condition())) {
    branch_to(cpu, insn, relative_target(cpu, insn));
  }
}

void call_near(Cpu& cpu, const DecodedInsn& insn, uint32_t target) {
  if (insn.opsize == 2) target &= 0xFFFF;
  if (target > cpu.state.seg[kCs].limit) raise_fault(vec::kGp, 0);
  cpu.push(cpu.state.eip, insn.opsize);
  cpu.state.eip = target;
}

void exec_call(Cpu& cpu, const DecodedInsn& insn) {
  call_near(cpu, insn, relative_target(cpu, insn));
}

void exec_call_indirect(Cpu& cpu, const DecodedInsn& insn) {
  call_near(cpu, insn, read_operand(cpu, insn, 0));
}

void exec_ret(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  uint32_t target = cpu.peek_stack(0, insn.opsize);
  if (insn.opsize == 2) target &= 0xFFFF;
  if (target > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
  const uint32_t release = insn.opsize + (insn.ops[0].kind == OperandKind::kImm ? insn.imm : 0);
  const uint32_t mask = s.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
  cpu.set_stack_pointer((cpu.stack_pointer() + release) & mask);
  s.eip = target;
}

void exec_call_far(Cpu& cpu, const DecodedInsn& insn) {
  cpu.far_call(static_cast<uint16_t>(insn.imm2), insn.imm, insn.opsize);
}

void exec_call_far_indirect(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t offset = read_mem_at(cpu, insn, 0, insn.opsize);
  const auto sel = static_cast<uint16_t>(read_mem_at(cpu, insn, insn.opsize, 2));
  cpu.far_call(sel, offset, insn.opsize);
}

void exec_jmp_far(Cpu& cpu, const DecodedInsn& insn) {
  cpu.far_jump(static_cast<uint16_t>(insn.imm2), insn.imm, insn.opsize);
}

void exec_jmp_far_indirect(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t offset = read_mem_at(cpu, insn, 0, insn.opsize);
  const auto sel = static_cast<uint16_t>(read_mem_at(cpu, insn, insn.opsize, 2));
  cpu.far_jump(sel, offset, insn.opsize);
}

void exec_ret_far(Cpu& cpu, const DecodedInsn& insn) {
  const bool has_imm = insn.ops[0].kind == OperandKind::kImm;
  cpu.far_return(insn.opsize, has_imm ? static_cast<uint16_t>(insn.imm) : 0);
}

// LOOP, LOOPE, LOOPNE and JCXZ count in CX or ECX by the address size.
void exec_loop(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned asize = insn.addrsize;
  const uint32_t count = (s.reg(kEcx, asize) - 1) & alu::mask_of(asize);
  bool take = count != 0;
  if (insn.mnemonic == Mnemonic::kLoope) take = take && s.flag(flags::kZf);
  if (insn.mnemonic == Mnemonic::kLoopne) take = take && !s.flag(flags::kZf);
  if (take) branch_to(cpu, insn, relative_target(cpu, insn));
  s.set_reg(kEcx, asize, count);
}

void exec_jcxz(Cpu& cpu, const DecodedInsn& insn) {
  if (cpu.state.reg(kEcx, insn.addrsize) == 0) branch_to(cpu, insn, relative_target(cpu, insn));
}

// INT n in virtual-8086 mode is IOPL-sensitive; INT3 and INTO are not
// (they still need a DPL 3 gate).
void exec_int(Cpu& cpu, const DecodedInsn& insn) {
  if (cpu.state.flag(flags::kVm) && cpu.iopl() != 3) raise_fault(vec::kGp, 0);
  cpu.deliver_software_interrupt(static_cast<uint8_t>(insn.imm));
}

void exec_int3(Cpu& cpu, const DecodedInsn&) {
  cpu.deliver_software_interrupt(vec::kBp);
}

void exec_into(Cpu& cpu, const DecodedInsn&) {
  if (cpu.state.flag(flags::kOf)) cpu.deliver_software_interrupt(vec::kOf);
}

// INT1 (ICEBP, F1) raises #DB as a trap, without the gate DPL check.
void exec_int1(Cpu& cpu, const DecodedInsn&) {
  cpu.deliver_software_interrupt(vec::kDb, EventKind::kIcebp);
}

void exec_iret(Cpu& cpu, const DecodedInsn& insn) {
  cpu.iret(insn.opsize);
}

// BOUND r, m: signed bounds check, #BR (a fault) when outside.
void exec_bound(Cpu& cpu, const DecodedInsn& insn) {
  const unsigned size = insn.opsize;
  const auto index = static_cast<int32_t>(alu::sign_extend(read_operand(cpu, insn, 0), size));
  const auto lower = static_cast<int32_t>(alu::sign_extend(read_mem_at(cpu, insn, 0, size), size));
  const auto upper =
      static_cast<int32_t>(alu::sign_extend(read_mem_at(cpu, insn, size, size), size));
  if (index < lower || index > upper) raise_fault(vec::kBr);
}

}  // namespace

void register_control(HandlerTable& t) {
  set(t, Mnemonic::kJmp, exec_jmp);
  set(t, Mnemonic::kJmpIndirect, exec_jmp_indirect);
  set(t, Mnemonic::kJcc, exec_jcc);
  set(t, Mnemonic::kCall, exec_call);
  set(t, Mnemonic::kCallIndirect, exec_call_indirect);
  set(t, Mnemonic::kRet, exec_ret);
  set(t, Mnemonic::kCallFar, exec_call_far);
  set(t, Mnemonic::kCallFarIndirect, exec_call_far_indirect);
  set(t, Mnemonic::kJmpFar, exec_jmp_far);
  set(t, Mnemonic::kJmpFarIndirect, exec_jmp_far_indirect);
  set(t, Mnemonic::kRetFar, exec_ret_far);
  set(t, Mnemonic::kLoop, exec_loop);
  set(t, Mnemonic::kLoope, exec_loop);
  set(t, Mnemonic::kLoopne, exec_loop);
  set(t, Mnemonic::kJcxz, exec_jcxz);
  set(t, Mnemonic::kInt, exec_int);
  set(t, Mnemonic::kInt3, exec_int3);
  set(t, Mnemonic::kInto, exec_into);
  set(t, Mnemonic::kInt1, exec_int1);
  set(t, Mnemonic::kIret, exec_iret);
  set(t, Mnemonic::kBound, exec_bound);
}

}  // namespace tx86::core::interp
