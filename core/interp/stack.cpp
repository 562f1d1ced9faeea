// PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE.
//
// Each instruction checks every stack access it needs before committing, so
// a fault leaves ESP and the destination as they were (precise exceptions).
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

uint32_t stack_mask(const CpuState& s) {
  return s.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
}

// A segment register pushed with a 32-bit operand size is zero-extended.
void exec_push(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t v = read_operand(cpu, insn, 0);
  cpu.push(v & alu::mask_of(insn.opsize), insn.opsize);
}

void exec_pop(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const Operand& dst = insn.ops[0];
  if (dst.kind == OperandKind::kSeg) {
    const auto sel = static_cast<uint16_t>(cpu.peek_stack(0, insn.opsize));
    cpu.load_segment(dst.reg, sel);
    cpu.set_stack_pointer((cpu.stack_pointer() + insn.opsize) & stack_mask(s));
    if (dst.reg == kSs) s.interrupt_shadow = s.debug_shadow = true;
    return;
  }
  // POP to memory computes the address with the incremented ESP (SDM "POP").
  const uint32_t saved_esp = s.gpr[kEsp];
  const uint32_t v = cpu.pop(insn.opsize);
  try {
    write_operand(cpu, insn, 0, v);
  } catch (const GuestFault&) {
    s.gpr[kEsp] = saved_esp;
    throw;
  }
}

void exec_pusha(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.opsize;
  const uint32_t saved_esp = s.gpr[kEsp];
  const uint32_t sp_value = s.reg(kEsp, size);
  try {
    for (uint8_t r = kEax; r <= kEdi; ++r) cpu.push(r == kEsp ? sp_value : s.reg(r, size), size);
  } catch (const GuestFault&) {
    s.gpr[kEsp] = saved_esp;
    throw;
  }
}

void exec_popa(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.opsize;
  uint32_t values[8];
  for (int i = 0; i < 8; ++i) values[i] = cpu.peek_stack(static_cast<uint32_t>(i * size), size);
  // Stack order is EDI ESI EBP (skipped ESP) EBX EDX ECX EAX.
  for (int i = 0; i < 8; ++i) {
    const auto r = static_cast<uint8_t>(kEdi - i);
    if (r != kEsp) s.set_reg(r, size, values[i]);
  }
  cpu.set_stack_pointer((cpu.stack_pointer() + 8 * size) & stack_mask(s));
}

// PUSHF stores EFLAGS with VM and RF cleared.
void exec_pushf(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  if (s.flag(flags::kVm) && cpu.iopl() < 3) raise_fault(vec::kGp, 0);
  cpu.push(s.eflags & ~(flags::kVm | flags::kRf) & alu::mask_of(insn.opsize), insn.opsize);
}

// POPF (SDM "POPF"): IOPL changes only at CPL 0, IF only when CPL <= IOPL;
// VM, VIP and VIF never change and RF is cleared.
void exec_popf(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned iopl = cpu.iopl();
  if (s.flag(flags::kVm) && iopl < 3) raise_fault(vec::kGp, 0);
  const uint32_t v = cpu.peek_stack(0, insn.opsize);
  uint32_t mask = insn.opsize == 4 ? 0x00257FD5u : 0x7FD5u;
  const unsigned cpl = cpu.cpl();
  if (cpl > 0) mask &= ~flags::kIoplMask;
  if (cpl > iopl) mask &= ~flags::kIf;
  cpu.set_stack_pointer((cpu.stack_pointer() + insn.opsize) & stack_mask(s));
  cpu.write_eflags(v, mask | flags::kRf);
  s.eflags &= ~flags::kRf;
}

// ENTER size, level (SDM "ENTER"): push the frame pointer, copy level-1
// outer frame pointers, push the new frame pointer, then allocate size bytes.
void exec_enter(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.opsize;
  const uint32_t alloc = insn.imm & 0xFFFF;
  const unsigned level = insn.imm2 & 31;
  const uint32_t mask = stack_mask(s);
  const uint32_t saved_esp = s.gpr[kEsp];
  const uint32_t saved_ebp = s.gpr[kEbp];
  try {
    cpu.push(s.reg(kEbp, size), size);
    const uint32_t frame = cpu.stack_pointer();
    if (level > 0) {
      uint32_t bp = s.gpr[kEbp] & mask;
      for (unsigned i = 1; i < level; ++i) {
        bp = (bp - size) & mask;
        cpu.push(cpu.read(kSs, bp, size), size);
      }
      cpu.push(frame, size);
    }
    // The allocation is checked by touching the new top of stack.
    const uint32_t new_sp = (cpu.stack_pointer() - alloc) & mask;
    if (alloc != 0) cpu.linear_address(kSs, new_sp, 1, Access::kWrite);
    s.set_reg(kEbp, size, frame);
    cpu.set_stack_pointer(new_sp);
  } catch (const GuestFault&) {
    s.gpr[kEsp] = saved_esp;
    s.gpr[kEbp] = saved_ebp;
    throw;
  }
}

void exec_leave(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const uint32_t mask = stack_mask(s);
  const uint32_t frame = s.gpr[kEbp] & mask;
  const uint32_t v = cpu.read(kSs, frame, insn.opsize);
  cpu.set_stack_pointer((frame + insn.opsize) & mask);
  s.set_reg(kEbp, insn.opsize, v);
}

}  // namespace

void register_stack(HandlerTable& t) {
  set(t, Mnemonic::kPush, exec_push);
  set(t, Mnemonic::kPop, exec_pop);
  set(t, Mnemonic::kPusha, exec_pusha);
  set(t, Mnemonic::kPopa, exec_popa);
  set(t, Mnemonic::kPushf, exec_pushf);
  set(t, Mnemonic::kPopf, exec_popf);
  set(t, Mnemonic::kEnter, exec_enter);
  set(t, Mnemonic::kLeave, exec_leave);
}

}  // namespace tx86::core::interp
