// MUL IMUL DIV IDIV (SDM Vol. 2). MUL/IMUL define only CF and OF; this model
// sets SF, ZF and PF from the low half of the product and clears AF. DIV and
// IDIV leave every flag unchanged (all are undefined).
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

using alu::mask_of;
using alu::sign_extend;

void set_mul_flags(CpuState& s, uint32_t low, unsigned size, bool overflow) {
  const uint32_t of = overflow ? (flags::kCf | flags::kOf) : 0;
  alu::set_status(s.eflags, flags::kArith, alu::szp(low, size) | of);
}

// The double-width accumulator AX, DX:AX or EDX:EAX as a 64-bit value.
uint64_t read_wide_acc(const CpuState& s, unsigned size) {
  if (size == 1) return s.reg16(kEax);
  if (size == 2) return (uint64_t{s.reg16(kEdx)} << 16) | s.reg16(kEax);
  return (uint64_t{s.gpr[kEdx]} << 32) | s.gpr[kEax];
}

void write_wide_acc(CpuState& s, unsigned size, uint64_t v) {
  if (size == 1) {
    s.set_reg16(kEax, static_cast<uint16_t>(v));
  } else if (size == 2) {
    s.set_reg16(kEax, static_cast<uint16_t>(v));
    s.set_reg16(kEdx, static_cast<uint16_t>(v >> 16));
  } else {
    s.gpr[kEax] = static_cast<uint32_t>(v);
    s.gpr[kEdx] = static_cast<uint32_t>(v >> 32);
  }
}

void exec_mul(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.ops[0].size;
  const uint64_t src = read_operand(cpu, insn, 0);
  const uint64_t p = (s.reg(kEax, size) & mask_of(size)) * src;
  write_wide_acc(s, size, p);
  set_mul_flags(s, static_cast<uint32_t>(p), size, (p >> (8 * size)) != 0);
}

void exec_imul1(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.ops[0].size;
  const int64_t a = static_cast<int32_t>(sign_extend(s.reg(kEax, size), size));
  const int64_t b = static_cast<int32_t>(sign_extend(read_operand(cpu, insn, 0), size));
  const int64_t p = a * b;
  write_wide_acc(s, size, static_cast<uint64_t>(p));
  const auto low = static_cast<uint32_t>(p) & mask_of(size);
  const bool overflow = static_cast<int64_t>(static_cast<int32_t>(sign_extend(low, size))) != p;
  set_mul_flags(s, low, size, overflow);
}

// IMUL r, r/m and IMUL r, r/m, imm: a truncated signed product.
void exec_imul(Cpu& cpu, const DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  const bool three = insn.ops[2].kind != OperandKind::kNone;
  const int64_t a = static_cast<int32_t>(sign_extend(read_operand(cpu, insn, three ? 1 : 0), size));
  const int64_t b = static_cast<int32_t>(sign_extend(read_operand(cpu, insn, three ? 2 : 1), size));
  const int64_t p = a * b;
  const auto low = static_cast<uint32_t>(p) & mask_of(size);
  const bool overflow = static_cast<int64_t>(static_cast<int32_t>(sign_extend(low, size))) != p;
  write_operand(cpu, insn, 0, low);
  set_mul_flags(cpu.state, low, size, overflow);
}

// Quotient in AL/AX/EAX, remainder in AH/DX/EDX.
void write_div_result(CpuState& s, unsigned size, uint32_t q, uint32_t r) {
  if (size == 1) {
    s.set_reg16(kEax, static_cast<uint16_t>((q & 0xFF) | ((r & 0xFF) << 8)));
  } else {
    s.set_reg(kEax, size, q);
    s.set_reg(kEdx, size, r);
  }
}

void exec_div(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.ops[0].size;
  const uint64_t divisor = read_operand(cpu, insn, 0);
  if (divisor == 0) raise_fault(vec::kDe);
  const uint64_t dividend = read_wide_acc(s, size);
  const uint64_t q = dividend / divisor;
  if (q > mask_of(size)) raise_fault(vec::kDe);
  write_div_result(s, size, static_cast<uint32_t>(q), static_cast<uint32_t>(dividend % divisor));
}

void exec_idiv(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.ops[0].size;
  const int64_t divisor = static_cast<int32_t>(sign_extend(read_operand(cpu, insn, 0), size));
  if (divisor == 0) raise_fault(vec::kDe);
  const uint64_t raw = read_wide_acc(s, size);
  const unsigned bits = 16 * size;  // width of the dividend
  const int64_t dividend = bits == 64 ? static_cast<int64_t>(raw)
                                      : static_cast<int64_t>(raw << (64 - bits)) >> (64 - bits);
  // INT64_MIN / -1 would overflow the host division; its quotient cannot fit anyway.
  if (dividend == INT64_MIN && divisor == -1) raise_fault(vec::kDe);
  const int64_t q = dividend / divisor;
  const int64_t r = dividend % divisor;
  const int64_t max = (int64_t{1} << (8 * size - 1)) - 1;
  if (q > max || q < -max - 1) raise_fault(vec::kDe);
  write_div_result(s, size, static_cast<uint32_t>(q), static_cast<uint32_t>(r));
}

}  // namespace

void register_muldiv(HandlerTable& t) {
  set(t, Mnemonic::kMul, exec_mul);
  set(t, Mnemonic::kImul1, exec_imul1);
  set(t, Mnemonic::kImul, exec_imul);
  set(t, Mnemonic::kDiv, exec_div);
  set(t, Mnemonic::kIdiv, exec_idiv);
}

}  // namespace tx86::core::interp
