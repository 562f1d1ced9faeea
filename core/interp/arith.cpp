// ADD ADC SUB SBB CMP AND OR XOR TEST INC DEC NEG NOT, CBW/CWDE, CWD/CDQ.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

template <auto Op, bool kWriteBack = true>
void binary(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t a = read_operand(cpu, insn, 0);
  const uint32_t b = read_operand(cpu, insn, 1);
  const uint32_t r = Op(cpu.state.eflags, a, b, insn.ops[0].size);
  if constexpr (kWriteBack) write_operand(cpu, insn, 0, r);
}

uint32_t op_add(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::add(f, a, b, 0, s);
}
uint32_t op_adc(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::add(f, a, b, (f & flags::kCf) ? 1 : 0, s);
}
uint32_t op_sub(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::sub(f, a, b, 0, s);
}
uint32_t op_sbb(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::sub(f, a, b, (f & flags::kCf) ? 1 : 0, s);
}
uint32_t op_and(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::logic(f, a & b, s);
}
uint32_t op_or(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::logic(f, a | b, s);
}
uint32_t op_xor(uint32_t& f, uint32_t a, uint32_t b, unsigned s) {
  return alu::logic(f, a ^ b, s);
}

void exec_inc(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t a = read_operand(cpu, insn, 0);
  write_operand(cpu, insn, 0, alu::inc(cpu.state.eflags, a, insn.ops[0].size));
}

void exec_dec(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t a = read_operand(cpu, insn, 0);
  write_operand(cpu, insn, 0, alu::dec(cpu.state.eflags, a, insn.ops[0].size));
}

// NEG: 0 - x, with CF = (x != 0).
void exec_neg(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t a = read_operand(cpu, insn, 0);
  write_operand(cpu, insn, 0, alu::sub(cpu.state.eflags, 0, a, 0, insn.ops[0].size));
}

void exec_not(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, ~read_operand(cpu, insn, 0));
}

void exec_cbw(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  if (insn.opsize == 2) {
    s.set_reg16(kEax, static_cast<uint16_t>(alu::sign_extend(s.reg8(kAl), 1)));
  } else {
    s.gpr[kEax] = alu::sign_extend(s.reg16(kEax), 2);
  }
}

void exec_cwd(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  if (insn.opsize == 2) {
    s.set_reg16(kEdx, (s.gpr[kEax] & 0x8000) ? 0xFFFF : 0);
  } else {
    s.gpr[kEdx] = (s.gpr[kEax] & 0x80000000u) ? 0xFFFFFFFFu : 0;
  }
}

}  // namespace

void register_arith(HandlerTable& t) {
  set(t, Mnemonic::kAdd, binary<op_add>);
  set(t, Mnemonic::kAdc, binary<op_adc>);
  set(t, Mnemonic::kSub, binary<op_sub>);
  set(t, Mnemonic::kSbb, binary<op_sbb>);
  set(t, Mnemonic::kCmp, binary<op_sub, false>);
  set(t, Mnemonic::kAnd, binary<op_and>);
  set(t, Mnemonic::kOr, binary<op_or>);
  set(t, Mnemonic::kXor, binary<op_xor>);
  set(t, Mnemonic::kTest, binary<op_and, false>);
  set(t, Mnemonic::kInc, exec_inc);
  set(t, Mnemonic::kDec, exec_dec);
  set(t, Mnemonic::kNeg, exec_neg);
  set(t, Mnemonic::kNot, exec_not);
  set(t, Mnemonic::kCbw, exec_cbw);
  set(t, Mnemonic::kCwd, exec_cwd);
}

}  // namespace tx86::core::interp
