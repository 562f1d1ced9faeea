// Control transfers: JMP CALL RET (near and far), Jcc, LOOP/LOOPcc, JCXZ,
// INT n, INT3, INTO, INT1, IRET, BOUND. Far transfers and IRET are the
// real-mode and virtual-8086 forms; protected-mode gates come with the
// protected-mode work.
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

void require_real_or_v86(const Cpu& cpu, const char* what) {
  if (cpu.state.protected_mode() && !cpu.state.flag(flags::kVm)) {
    throw Unimplemented{std::string("protected-mode ") + what};
  }
}

void far_call(Cpu& cpu, const DecodedInsn& insn, uint16_t sel, uint32_t offset) {
  require_real_or_v86(cpu, "far CALL");
  CpuState& s = cpu.state;
  if (insn.opsize == 2) offset &= 0xFFFF;
  // Real mode keeps the CS limit across the load, so check it up front.
  if (offset > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
  const uint32_t saved_esp = s.gpr[kEsp];
  try {
    cpu.push(s.seg[kCs].selector, insn.opsize);
    cpu.push(s.eip, insn.opsize);
  } catch (const GuestFault&) {
    s.gpr[kEsp] = saved_esp;
    throw;
  }
  cpu.far_jump(sel, offset);
}

void exec_call_far(Cpu& cpu, const DecodedInsn& insn) {
  far_call(cpu, insn, static_cast<uint16_t>(insn.imm2), insn.imm);
}

void exec_call_far_indirect(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t offset = read_mem_at(cpu, insn, 0, insn.opsize);
  const auto sel = static_cast<uint16_t>(read_mem_at(cpu, insn, insn.opsize, 2));
  far_call(cpu, insn, sel, offset);
}

void far_jmp(Cpu& cpu, const DecodedInsn& insn, uint16_t sel, uint32_t offset) {
  require_real_or_v86(cpu, "far JMP");
  if (insn.opsize == 2) offset &= 0xFFFF;
  if (offset > cpu.state.seg[kCs].limit) raise_fault(vec::kGp, 0);
  cpu.far_jump(sel, offset);
}

void exec_jmp_far(Cpu& cpu, const DecodedInsn& insn) {
  far_jmp(cpu, insn, static_cast<uint16_t>(insn.imm2), insn.imm);
}

void exec_jmp_far_indirect(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t offset = read_mem_at(cpu, insn, 0, insn.opsize);
  const auto sel = static_cast<uint16_t>(read_mem_at(cpu, insn, insn.opsize, 2));
  far_jmp(cpu, insn, sel, offset);
}

void exec_ret_far(Cpu& cpu, const DecodedInsn& insn) {
  require_real_or_v86(cpu, "far RET");
  CpuState& s = cpu.state;
  const unsigned size = insn.opsize;
  const uint32_t offset = cpu.peek_stack(0, size) & alu::mask_of(size);
  const auto sel = static_cast<uint16_t>(cpu.peek_stack(size, size));
  const uint32_t release = 2 * size + (insn.ops[0].kind == OperandKind::kImm ? insn.imm : 0);
  const uint32_t mask = s.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
  if (offset > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
  cpu.far_jump(sel, offset);
  cpu.set_stack_pointer((cpu.stack_pointer() + release) & mask);
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

void exec_int(Cpu& cpu, const DecodedInsn& insn) {
  if (cpu.state.flag(flags::kVm) && (cpu.state.eflags & flags::kIoplMask) != flags::kIoplMask) {
    raise_fault(vec::kGp, 0);
  }
  cpu.deliver_software_interrupt(static_cast<uint8_t>(insn.imm));
}

void exec_int3(Cpu& cpu, const DecodedInsn&) {
  cpu.deliver_software_interrupt(vec::kBp);
}

void exec_into(Cpu& cpu, const DecodedInsn&) {
  if (cpu.state.flag(flags::kOf)) cpu.deliver_software_interrupt(vec::kOf);
}

// INT1 (ICEBP, F1) raises #DB as a trap.
void exec_int1(Cpu& cpu, const DecodedInsn&) {
  cpu.deliver_software_interrupt(vec::kDb);
}

// Real-mode IRET (SDM "IRET", real-address mode): EIP, CS, then FLAGS.
void exec_iret(Cpu& cpu, const DecodedInsn& insn) {
  require_real_or_v86(cpu, "IRET");
  CpuState& s = cpu.state;
  if (s.flag(flags::kVm)) throw Unimplemented{"virtual-8086 IRET"};
  const unsigned size = insn.opsize;
  const uint32_t offset = cpu.peek_stack(0, size) & alu::mask_of(size);
  const auto sel = static_cast<uint16_t>(cpu.peek_stack(size, size));
  const uint32_t new_flags = cpu.peek_stack(2 * size, size);
  if (offset > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
  const uint32_t mask = s.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
  cpu.set_stack_pointer((cpu.stack_pointer() + 3 * size) & mask);
  cpu.far_jump(sel, offset);
  cpu.write_eflags(new_flags, size == 4 ? 0x00257FD5u : 0xFFFFu);
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
