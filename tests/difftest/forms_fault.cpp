// The faulting instructions some sequences end with: the host reports the
// signal, tx86 the exception vector, and the checker compares both and the
// state at the fault.
#include <cstdint>

#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

constexpr uint8_t kEax = 0;
constexpr uint8_t kEcx = 1;
constexpr uint8_t kEdx = 2;
constexpr uint8_t kEbx = 3;

uint8_t sized(uint8_t base, unsigned size) {
  return static_cast<uint8_t>(size == 1 ? base : base | 1);
}

// A divisor register outside the dividend (AX, DX:AX or EDX:EAX) and ESP.
uint8_t divisor_register(Gen& g, unsigned size) {
  static constexpr uint8_t kByte[] = {1, 2, 3, 5, 6, 7};  // CL DL BL CH DH BH
  static constexpr uint8_t kWide[] = {kEcx, kEbx, 5, 6, 7};
  return size == 1 ? g.rng.pick<uint8_t>(kByte) : g.rng.pick<uint8_t>(kWide);
}

void divide_by_zero(Gen& g) {
  const unsigned size = g.size();
  const bool is_signed = g.rng.chance(50);
  Enc e;
  if (g.rng.chance(50)) {
    const uint8_t r = divisor_register(g, size);
    g.mov_reg(r, size, 0);
    e.opsize(size).op(sized(0xF6, size)).modrm(is_signed ? 7 : 6, reg_operand(r));
  } else {
    const uint32_t addr = g.target(size);
    g.mov_mem(addr, size, 0);
    const RmOperand rm = g.mem(addr, bit(kEax) | bit(kEdx));
    e.opsize(size).op(sized(0xF6, size)).modrm(is_signed ? 7 : 6, rm);
  }
  g.emit(e);
}

// A quotient too large: the high half of the dividend at least the divisor
// (unsigned), or the most negative dividend divided by -1 (signed).
void divide_overflow(Gen& g) {
  const unsigned size = g.size();
  const uint8_t r = divisor_register(g, size);
  const uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
  Enc e;
  if (g.rng.chance(50)) {
    const uint32_t d = 1 + g.rng.below(mask < 1000 ? mask : 1000);
    g.mov_reg(size == 1 ? 4 : kEdx, size, d + g.rng.below(mask - d + 1));  // AH / DX / EDX
    g.mov_reg(r, size, d);
    e.opsize(size).op(sized(0xF6, size)).modrm(6, reg_operand(r));
  } else {
    g.mov_reg(kEax, size, (mask >> 1) + 1);  // 0x80, 0x8000, 0x80000000
    Enc ext;                                 // CBW / CWD / CDQ
    ext.opsize(size == 4 ? 4 : 2).op(size == 1 ? 0x98 : 0x99);
    g.emit(ext);
    g.mov_reg(r, size, mask);  // -1
    e.opsize(size).op(sized(0xF6, size)).modrm(7, reg_operand(r));
  }
  g.emit(e);
}

// LOCK where it is not allowed (SDM "LOCK"): a register destination, or an
// instruction that cannot be locked (CMP, TEST, MOV, BT, ...).
void bad_lock(Gen& g) {
  const unsigned size = g.size();
  Enc e;
  e.prefix(0xF0);
  switch (g.rng.below(4)) {
    case 0:  // ADD..XOR r/m, r with a register destination
      e.opsize(size).op(sized(static_cast<uint8_t>(8 * g.rng.below(7)), size));
      e.modrm(g.reg(), reg_operand(g.reg()));
      break;
    case 1: {  // CMP r/m, r to memory
      const RmOperand rm = g.mem(g.target(size));
      e.opsize(size).op(sized(0x38, size)).modrm(g.reg(), rm);
      break;
    }
    case 2: {  // MOV r/m, r to memory
      const RmOperand rm = g.mem(g.target(size));
      e.opsize(size).op(sized(0x88, size)).modrm(g.reg(), rm);
      break;
    }
    default: {  // BT m, imm8
      const unsigned wsize = g.wide_size();
      const RmOperand rm = g.mem(g.target(wsize));
      e.opsize(wsize).op(0x0F).op(0xBA).modrm(4, rm).imm(g.count(), 1);
      break;
    }
  }
  g.emit(e);
}

}  // namespace

void form_fault(Gen& g, bool lock_ud) {
  Enc e;
  switch (g.rng.below(lock_ud ? 6 : 5)) {
    case 0: divide_by_zero(g); return;
    case 1:
      if (g.b.exact()) {
        divide_overflow(g);
      } else {
        divide_by_zero(g);
      }
      return;
    case 2: e.op(0xD4).imm(0, 1); break;                                // AAM 0
    case 3: e.op(0x0F).op(0x0B); break;                                 // UD2
    case 4: e.op(0x0F).op(0xC7).modrm(1, reg_operand(g.reg())); break;  // CMPXCHG8B reg
    default: bad_lock(g); return;
  }
  g.emit(e);
}

}  // namespace tx86::difftest
