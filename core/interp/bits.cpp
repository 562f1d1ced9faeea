// BT BTS BTR BTC, BSF BSR, SHLD SHRD, XADD, CMPXCHG, CMPXCHG8B (SDM Vol. 2).
//
// Undefined flags, and the values this model gives them:
// - BT*: OF SF AF PF are left unchanged (ZF is architecturally unchanged).
// - BSF/BSR: CF OF SF AF PF are left unchanged.
// - SHLD/SHRD: AF is cleared; OF (defined for a count of 1) uses the
//   sign-change formula for every count. A 16-bit count above 16 is
//   undefined (result and flags); this model shifts the 48-bit value
//   dest:src:dest, as Bochs models P6-family parts. (AMD parts shift
//   dest:src:src, i.e. rotate src, and clear CF.)
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

using alu::mask_of;
using alu::sign_of;

enum class BitOp : uint8_t { kTest, kSet, kReset, kComplement };

template <BitOp kOp>
uint32_t apply_bit(uint32_t v, uint32_t bit) {
  switch (kOp) {
    case BitOp::kSet: return v | bit;
    case BitOp::kReset: return v & ~bit;
    case BitOp::kComplement: return v ^ bit;
    default: return v;
  }
}

// A register offset with a memory operand is signed and selects a word or
// dword beyond the operand: EA + size * (offset >> log2(bits)) (SDM "BT",
// "bit base" addressing). The address wraps at the address size.
template <BitOp kOp>
void exec_bit(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.ops[0].size;
  const unsigned bits = 8 * size;
  const uint32_t raw = read_operand(cpu, insn, 1);
  uint32_t value = 0;
  uint32_t offset = 0;  // memory operand's offset, when the operand is memory
  if (insn.ops[0].kind == OperandKind::kMem && insn.ops[1].kind == OperandKind::kGpr) {
    const auto signed_off = static_cast<int32_t>(alu::sign_extend(raw, size));
    const int32_t unit = signed_off >> (size == 2 ? 4 : 5);  // arithmetic shift
    offset = effective_offset(s, insn) + static_cast<uint32_t>(unit) * size;
    if (insn.addrsize == 2) offset &= 0xFFFF;
    value = cpu.read(insn.mem.seg, offset, size);
  } else if (insn.ops[0].kind == OperandKind::kMem) {
    offset = effective_offset(s, insn);
    value = cpu.read(insn.mem.seg, offset, size);
  } else {
    value = read_operand(cpu, insn, 0);
  }
  const uint32_t bit = 1u << (raw & (bits - 1));
  s.set_flag(flags::kCf, (value & bit) != 0);
  if constexpr (kOp == BitOp::kTest) return;
  const uint32_t result = apply_bit<kOp>(value, bit);
  if (insn.ops[0].kind == OperandKind::kMem) {
    cpu.write(insn.mem.seg, offset, size, result);
  } else {
    write_operand(cpu, insn, 0, result);
  }
}

// A zero source sets ZF and leaves the destination unchanged (Intel
// documents it as undefined; real parts and AMD leave it).
template <bool kReverse>
void exec_bit_scan(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t src = read_operand(cpu, insn, 1);
  if (src == 0) {
    cpu.state.set_flag(flags::kZf, true);
    return;
  }
  cpu.state.set_flag(flags::kZf, false);
  const unsigned index = kReverse ? 31u - __builtin_clz(src) : __builtin_ctz(src);
  write_operand(cpu, insn, 0, index);
}

struct ShiftResult {
  uint32_t value;
  bool cf;
};

ShiftResult double_shift_left(uint32_t dest, uint32_t src, unsigned c, unsigned size) {
  if (size == 2) {
    const uint64_t x = (uint64_t{dest} << 32) | (uint64_t{src} << 16) | dest;
    return {static_cast<uint32_t>((x << c) >> 32) & 0xFFFF, ((x >> (48 - c)) & 1) != 0};
  }
  const uint64_t x = (uint64_t{dest} << 32) | src;
  return {static_cast<uint32_t>((x << c) >> 32), ((dest >> (32 - c)) & 1) != 0};
}

ShiftResult double_shift_right(uint32_t dest, uint32_t src, unsigned c, unsigned size) {
  if (size == 2) {
    const uint64_t x = (uint64_t{dest} << 32) | (uint64_t{src} << 16) | dest;
    return {static_cast<uint32_t>(x >> c) & 0xFFFF, ((x >> (c - 1)) & 1) != 0};
  }
  const uint64_t x = (uint64_t{src} << 32) | dest;
  return {static_cast<uint32_t>(x >> c), ((dest >> (c - 1)) & 1) != 0};
}

// SHLD/SHRD dest, src, count: the count (imm8 or CL) is masked to 5 bits;
// a masked count of 0 changes nothing, flags included.
template <bool kRight>
void exec_double_shift(Cpu& cpu, const DecodedInsn& insn) {
  const unsigned count = read_operand(cpu, insn, 2) & 0x1F;
  const uint32_t dest = read_operand(cpu, insn, 0);
  if (count == 0) return;
  const unsigned size = insn.ops[0].size;
  const uint32_t src = read_operand(cpu, insn, 1);
  const ShiftResult r = kRight ? double_shift_right(dest, src, count, size)
                               : double_shift_left(dest, src, count, size);
  write_operand(cpu, insn, 0, r.value);
  const bool of = ((dest ^ r.value) & sign_of(size)) != 0;
  alu::set_status(cpu.state.eflags, flags::kArith,
                  alu::szp(r.value, size) | (r.cf ? flags::kCf : 0) | (of ? flags::kOf : 0));
}

// XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP. With both operands the
// same register, DEST is written last and wins; a memory destination is
// written first so that a fault leaves the register untouched.
void exec_xadd(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t dest = read_operand(cpu, insn, 0);
  const uint32_t src = read_operand(cpu, insn, 1);
  const uint32_t sum = alu::add(cpu.state.eflags, dest, src, 0, insn.ops[0].size);
  if (insn.ops[0].kind == OperandKind::kMem) {
    write_operand(cpu, insn, 0, sum);
    write_operand(cpu, insn, 1, dest);
  } else {
    write_operand(cpu, insn, 1, dest);
    write_operand(cpu, insn, 0, sum);
  }
}

// CMPXCHG: flags as CMP accumulator, DEST. On failure the accumulator gets
// DEST and DEST is written back unchanged (the locked cycle always writes,
// so a read-only destination faults either way).
void exec_cmpxchg(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const unsigned size = insn.ops[0].size;
  const uint32_t dest = read_operand(cpu, insn, 0);
  const uint32_t acc = s.reg(kEax, size);
  alu::sub(s.eflags, acc, dest, 0, size);
  if (s.flag(flags::kZf)) {
    write_operand(cpu, insn, 0, read_operand(cpu, insn, 1));
  } else {
    write_operand(cpu, insn, 0, dest);
    s.set_reg(kEax, size, dest);
  }
}

// CMPXCHG8B m64: compares EDX:EAX with m64; equal stores ECX:EBX, else
// loads EDX:EAX (and writes m64 back). Only ZF changes.
void exec_cmpxchg8b(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const uint32_t off = effective_offset(s, insn);
  const uint8_t seg = insn.mem.seg;
  const auto wrap = [&](uint32_t o) { return insn.addrsize == 2 ? o & 0xFFFF : o; };
  const uint32_t lo = cpu.read(seg, off, 4);
  const uint32_t hi = cpu.read(seg, wrap(off + 4), 4);
  // Both halves are checked for writing (segment and page) before either
  // is stored: the processor's locked read-modify-write faults with
  // nothing written.
  cpu.probe_write(seg, off, 4);
  cpu.probe_write(seg, wrap(off + 4), 4);
  const bool equal = lo == s.gpr[kEax] && hi == s.gpr[kEdx];
  const uint32_t new_lo = equal ? s.gpr[kEbx] : lo;
  const uint32_t new_hi = equal ? s.gpr[kEcx] : hi;
  cpu.write(seg, off, 4, new_lo);
  cpu.write(seg, wrap(off + 4), 4, new_hi);
  if (!equal) {
    s.gpr[kEax] = lo;
    s.gpr[kEdx] = hi;
  }
  s.set_flag(flags::kZf, equal);
}

}  // namespace

void register_bits(HandlerTable& t) {
  set(t, Mnemonic::kBt, exec_bit<BitOp::kTest>);
  set(t, Mnemonic::kBts, exec_bit<BitOp::kSet>);
  set(t, Mnemonic::kBtr, exec_bit<BitOp::kReset>);
  set(t, Mnemonic::kBtc, exec_bit<BitOp::kComplement>);
  set(t, Mnemonic::kBsf, exec_bit_scan<false>);
  set(t, Mnemonic::kBsr, exec_bit_scan<true>);
  set(t, Mnemonic::kShld, exec_double_shift<false>);
  set(t, Mnemonic::kShrd, exec_double_shift<true>);
  set(t, Mnemonic::kXadd, exec_xadd);
  set(t, Mnemonic::kCmpxchg, exec_cmpxchg);
  set(t, Mnemonic::kCmpxchg8b, exec_cmpxchg8b);
}

}  // namespace tx86::core::interp
