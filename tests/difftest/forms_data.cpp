// Instruction forms: data movement — CMOVcc, SETcc, BSWAP, MOVZX/MOVSX,
// XCHG, LEA, MOV, XLAT, LAHF/SAHF — and the NOPs.
#include <cstdint>

#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

constexpr uint8_t kEbx = 3;

uint8_t sized(uint8_t base, unsigned size) {
  return static_cast<uint8_t>(size == 1 ? base : base | 1);
}

}  // namespace

// CMOVcc r, r/m (0F 40-4F).
bool form_cmov(Gen& g) {
  const unsigned size = g.wide_size();
  Enc e;
  const RmOperand rm = g.rm(size);
  e.opsize(size).op(0x0F).op(static_cast<uint8_t>(0x40 + g.rng.below(16))).modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

// SETcc r/m8 (0F 90-9F); the ModRM reg field is ignored, and kept 0.
bool form_setcc(Gen& g) {
  Enc e;
  e.op(0x0F).op(static_cast<uint8_t>(0x90 + g.rng.below(16))).modrm(0, g.rm(1));
  g.emit(e);
  return true;
}

// BSWAP r32 (0F C8+r); the 16-bit form is undefined and not generated.
bool form_bswap(Gen& g) {
  Enc e;
  e.op(0x0F).op(static_cast<uint8_t>(0xC8 + g.reg()));
  g.emit(e);
  return true;
}

// MOVZX/MOVSX r16/r32, r/m8 or r/m16 (0F B6 B7 BE BF).
bool form_movx(Gen& g) {
  const unsigned size = g.wide_size();
  const bool word_src = g.rng.chance(50);
  const uint8_t opcode =
      static_cast<uint8_t>((g.rng.chance(50) ? 0xB6 : 0xBE) + (word_src ? 1 : 0));
  Enc e;
  const RmOperand rm = g.rm(word_src ? 2 : 1);
  e.opsize(size).op(0x0F).op(opcode).modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

// XCHG r/m, r (86, 87; locked implicitly with memory) and XCHG eAX, r (91-97).
bool form_xchg(Gen& g) {
  const unsigned size = g.size();
  Enc e;
  if (size != 1 && g.rng.chance(30)) {
    e.opsize(size).op(static_cast<uint8_t>(0x91 + g.rng.below(7)));
  } else {
    const RmOperand rm = g.rm(size);
    if (rm.is_mem && g.rng.chance(20)) e.prefix(0xF0);
    e.opsize(size).op(sized(0x86, size)).modrm(g.reg(), rm);
  }
  g.emit(e);
  return true;
}

// LEA r16/r32 with any 32- or 16-bit (0x67) addressing form: no memory access.
bool form_lea(Gen& g) {
  const unsigned size = g.wide_size();
  Enc e;
  const bool addr16 = g.rng.chance(25);
  const RmOperand rm = random_address(g.rng, addr16);
  e.opsize(size).op(0x8D).modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

// MOV r/m, r and r, r/m (88-8B), r, imm (B0-BF), r/m, imm (C6/C7), and the
// moffs forms (A0-A3).
bool form_mov(Gen& g) {
  const unsigned size = g.size();
  Enc e;
  switch (g.rng.below(4)) {
    case 0: {
      const RmOperand rm = g.rm(size);
      e.opsize(size).op(sized(g.rng.chance(50) ? 0x88 : 0x8A, size)).modrm(g.reg(), rm);
      break;
    }
    case 1: g.mov_reg(g.reg(), size, g.value(size)); return true;
    case 2:
      e.opsize(size).op(sized(0xC6, size)).modrm(0, g.rm(size)).imm(g.value(size), size);
      break;
    default: {
      if (g.rng.chance(20)) e.prefix(0x3E);
      e.opsize(size).op(sized(g.rng.chance(50) ? 0xA0 : 0xA2, size)).imm(g.target(size), 4);
      break;
    }
  }
  g.emit(e);
  return true;
}

// XLAT (D7): AL = [EBX + AL], with EBX set up so the byte is in the window.
bool form_xlat(Gen& g) {
  if (!g.b.exact()) return false;
  g.mov_reg(kEbx, 4, g.target(1) - g.b.reg(0, 1));
  Enc e;
  e.op(0xD7);
  g.emit(e);
  return true;
}

// NOP (90, 66 90) and the hint NOPs 0F 1F /0 and PREFETCH 0F 18 /0-3, which
// take a memory operand but never access it.
bool form_nop(Gen& g) {
  Enc e;
  switch (g.rng.below(3)) {
    case 0: e.opsize(g.wide_size()).op(0x90); break;
    case 1: {
      const RmOperand rm = random_address(g.rng, false);
      e.opsize(g.wide_size()).op(0x0F).op(0x1F).modrm(0, rm);
      break;
    }
    default: {
      const RmOperand rm = random_address(g.rng, false);
      e.op(0x0F).op(0x18).modrm(static_cast<uint8_t>(g.rng.below(4)), rm);
      break;
    }
  }
  g.emit(e);
  return true;
}

bool form_lahf_sahf(Gen& g) {
  Enc e;
  e.op(g.rng.chance(50) ? 0x9F : 0x9E);
  g.emit(e);
  return true;
}

}  // namespace tx86::difftest
