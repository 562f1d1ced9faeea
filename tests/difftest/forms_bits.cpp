// Instruction forms: BT BTS BTR BTC, BSF BSR, SHLD SHRD, XADD, CMPXCHG,
// CMPXCHG8B, and the string instructions.
#include <algorithm>
#include <cstdint>

#include "core/cpu/registers.h"
#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

constexpr uint8_t kEax = 0;
constexpr uint8_t kEcx = 1;
constexpr uint8_t kEdx = 2;
constexpr uint8_t kEbx = 3;
constexpr uint8_t kEsp = 4;
constexpr uint8_t kEsi = 6;
constexpr uint8_t kEdi = 7;
constexpr uint8_t kLock = 0xF0;

uint8_t sized(uint8_t base, unsigned size) {
  return static_cast<uint8_t>(size == 1 ? base : base | 1);
}

void maybe_lock(Gen& g, Enc& e, const RmOperand& rm) {
  if (rm.is_mem && g.rng.chance(25)) e.prefix(kLock);
}

}  // namespace

// BT/BTS/BTR/BTC r/m, reg (0F A3 AB B3 BB) and r/m, imm8 (0F BA /4-/7). A
// register offset into memory is signed and reaches beyond the operand: the
// displacement is chosen so that the word or dword it selects is in the window.
bool form_bit_test(Gen& g) {
  const uint8_t op = static_cast<uint8_t>(g.rng.below(4));
  const unsigned size = g.wide_size();
  Enc e;
  if (g.rng.chance(35)) {
    const RmOperand rm = g.rm(size);
    if (op != 0) maybe_lock(g, e, rm);
    e.opsize(size).op(0x0F).op(0xBA).modrm(static_cast<uint8_t>(4 + op), rm).imm(g.count(), 1);
    g.emit(e);
    return true;
  }
  static constexpr uint8_t kRegForm[] = {0xA3, 0xAB, 0xB3, 0xBB};
  uint8_t r = g.reg();
  RmOperand rm;
  if (g.rng.chance(40)) {
    rm = reg_operand(g.reg());
  } else {
    if (!g.b.exact() || g.rng.chance(40)) {
      // A small signed bit offset, set up explicitly.
      if (r == kEsp) r = kEbx;
      g.mov_reg(r, size, static_cast<uint32_t>(static_cast<int32_t>(g.rng.below(2048)) - 1024));
    }
    const uint32_t raw = g.b.reg(r, size);
    const int32_t offset = size == 2 ? static_cast<int16_t>(raw) : static_cast<int32_t>(raw);
    const int32_t unit = offset >> (size == 2 ? 4 : 5);
    const uint32_t ea = g.target(size) - static_cast<uint32_t>(unit) * size;
    rm = g.mem(ea, bit(r));
  }
  if (op != 0) maybe_lock(g, e, rm);
  e.opsize(size).op(0x0F).op(kRegForm[op]).modrm(r, rm);
  g.emit(e);
  return true;
}

// BSF/BSR r, r/m (0F BC, 0F BD), often with a zero or one-bit source.
bool form_bit_scan(Gen& g) {
  const unsigned size = g.wide_size();
  const bool reverse = g.rng.chance(50);
  const unsigned special = g.rng.below(4);  // 0: zero source, 1: one bit set
  uint32_t v = 0;
  if (special == 1) v = 1u << g.rng.below(8 * size);
  RmOperand rm;
  if (g.rng.chance(50)) {
    uint8_t src = g.reg();
    if (special < 2 && src != kEsp) g.mov_reg(src, size, v);
    rm = reg_operand(src);
  } else {
    const uint32_t addr = g.target(size);
    if (special < 2) g.mov_mem(addr, size, v);
    rm = g.mem(addr);
  }
  Enc e;
  e.opsize(size).op(0x0F).op(reverse ? 0xBD : 0xBC).modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

// SHLD/SHRD r/m, r, imm8 (0F A4, AC) or CL (0F A5, AD). A 16-bit count
// above 16 gives an undefined result: such counts are not generated.
bool form_double_shift(Gen& g) {
  const unsigned size = g.wide_size();
  const bool right = g.rng.chance(50);
  const bool by_cl = g.rng.chance(50);
  const auto valid = [&](uint32_t c) { return size == 4 || (c & 0x1F) <= 16; };
  uint8_t imm = g.count();
  while (!valid(imm)) imm = g.count();
  if (by_cl && (!g.b.exact() || !valid(g.b.reg(kEcx, 1)) || g.rng.chance(30))) {
    g.mov_reg(kEcx, 1, imm);
  }
  const RmOperand rm = g.rm(size, bit(kEcx));
  Enc e;
  e.opsize(size).op(0x0F).op(static_cast<uint8_t>((right ? 0xAC : 0xA4) + (by_cl ? 1 : 0)));
  e.modrm(g.reg(), rm);
  if (!by_cl) e.imm(imm, 1);
  g.emit(e);
  return true;
}

// XADD r/m, r (0F C0, C1).
bool form_xadd(Gen& g) {
  const unsigned size = g.size();
  const RmOperand rm = g.rm(size);
  Enc e;
  maybe_lock(g, e, rm);
  e.opsize(size).op(0x0F).op(sized(0xC0, size)).modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

// CMPXCHG r/m, r (0F B0, B1); half the time the accumulator is first set
// equal to the destination so that the exchange happens.
bool form_cmpxchg(Gen& g) {
  const unsigned size = g.size();
  const bool equal = g.rng.chance(50);
  RmOperand rm;
  if (g.rng.chance(50)) {
    const uint8_t r = g.reg();
    if (equal) g.mov_reg(kEax, size, g.b.reg(r, size));
    rm = reg_operand(r);
  } else {
    const uint32_t addr = g.target(size);
    if (equal) g.mov_reg(kEax, size, g.b.read_mem(addr, size));
    rm = g.mem(addr, bit(kEax));
  }
  Enc e;
  maybe_lock(g, e, rm);
  e.opsize(size).op(0x0F).op(sized(0xB0, size)).modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

// CMPXCHG8B m64 (0F C7 /1); half the time EDX:EAX is first set to m64.
bool form_cmpxchg8b(Gen& g) {
  const uint32_t addr = g.target(8);
  if (g.rng.chance(50)) {
    g.mov_reg(kEax, 4, g.b.read_mem(addr, 4));
    g.mov_reg(kEdx, 4, g.b.read_mem(addr + 4, 4));
  }
  const RmOperand rm = g.mem(addr, bit(kEax) | bit(kEdx) | bit(kEcx) | bit(kEbx));
  Enc e;
  maybe_lock(g, e, rm);
  e.op(0x0F).op(0xC7).modrm(1, rm);
  g.emit(e);
  return true;
}

// MOVS CMPS STOS LODS SCAS, without a prefix, with REP/REPE (F3) and, for
// CMPS/SCAS, REPNE (F2). ESI, EDI and a small ECX are set up first so that
// every element is inside the window in the direction DF gives.
bool form_string(Gen& g) {
  static constexpr uint8_t kOps[] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};  // MOVS CMPS STOS LODS SCAS
  const uint8_t base = g.rng.pick<uint8_t>(kOps);
  const bool compares = base == 0xA6 || base == 0xAE;
  const bool uses_si = base == 0xA4 || base == 0xA6 || base == 0xAC;
  const bool uses_di = base != 0xAC;
  const unsigned size = g.size();
  const unsigned rep = g.rng.below(compares ? 3 : 2);  // 0 none, 1 F3, 2 F2
  const unsigned n = rep != 0 ? g.rng.below(9) : 1;

  if (g.rng.chance(15)) {
    Enc flip;
    flip.op(g.rng.chance(50) ? 0xFC : 0xFD);  // CLD / STD
    g.emit(flip);
  }
  const bool down = g.b.state().flag(core::flags::kDf);
  const uint32_t span = std::max(n, 1u) * size;
  const auto start = [&]() {
    const uint32_t first = DT_WINDOW + (down ? span - size : 0);
    return first + g.rng.below(DT_WINDOW_SIZE - span + 1);
  };
  const uint32_t si = start();
  if (uses_si) g.mov_reg(kEsi, 4, si);
  // Comparing a region with itself matches all the way (REPE runs out ECX).
  if (uses_di) g.mov_reg(kEdi, 4, compares && uses_si && g.rng.chance(25) ? si : start());
  if (base == 0xAE && g.rng.chance(30)) {
    g.mov_reg(kEax, size, g.b.read_mem(g.b.reg(kEdi, 4), size));
  }
  if (rep != 0) g.mov_reg(kEcx, 4, n);

  Enc e;
  if (rep == 1) e.prefix(0xF3);
  if (rep == 2) e.prefix(0xF2);
  if (uses_si && g.rng.chance(20)) e.prefix(g.rng.chance(50) ? 0x26 : 0x36);  // flat ES/SS source
  e.opsize(size).op(sized(base, size));
  g.emit(e);
  return true;
}

}  // namespace tx86::difftest
