// Instruction forms: the ALU, shifts and rotates, multiply and divide, BCD
// adjustments, flag instructions, CBW/CWD.
#include <cstdint>

#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

constexpr uint8_t kEax = 0;
constexpr uint8_t kEcx = 1;
constexpr uint8_t kEdx = 2;
constexpr uint8_t kEsp = 4;
constexpr uint8_t kLock = 0xF0;

// Opcode byte for an operation whose low bit selects byte (0) or word/dword (1).
uint8_t sized(uint8_t base, unsigned size) {
  return static_cast<uint8_t>(size == 1 ? base : base | 1);
}

void maybe_lock(Gen& g, Enc& e, const RmOperand& rm) {
  if (rm.is_mem && g.rng.chance(20)) e.prefix(kLock);
}

int64_t sign_extend(uint64_t v, unsigned bits) {
  if (bits == 64) return static_cast<int64_t>(v);
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (m << 1) - 1;
  return static_cast<int64_t>(v ^ m) - static_cast<int64_t>(m);
}

// The dividend of DIV/IDIV of `size`: AX, DX:AX or EDX:EAX.
uint64_t dividend(const Gen& g, unsigned size) {
  if (size == 1) return g.b.reg(kEax, 2);
  if (size == 2) return (uint64_t{g.b.reg(kEdx, 2)} << 16) | g.b.reg(kEax, 2);
  return (uint64_t{g.b.reg(kEdx, 4)} << 32) | g.b.reg(kEax, 4);
}

// Whether DIV/IDIV would complete without #DE.
bool divides(bool is_signed, unsigned size, uint64_t n, uint32_t d) {
  const unsigned bits = 8 * size;
  if (!is_signed) {
    const uint64_t dd = d & ((uint64_t{1} << bits) - 1);
    return dd != 0 && n / dd <= (uint64_t{1} << bits) - 1;
  }
  const int64_t sn = sign_extend(n, 2 * bits);
  const int64_t sd = sign_extend(d, bits);
  if (sd == 0) return false;
  const int64_t max = (int64_t{1} << (bits - 1)) - 1;
  if (sd == -1) return sn >= -max && sn <= max + 1 && -sn <= max && -sn >= -max - 1;
  const int64_t q = sn / sd;
  return q >= -max - 1 && q <= max;
}

}  // namespace

bool form_alu(Gen& g) {
  const uint8_t op = static_cast<uint8_t>(g.rng.below(8));  // ADD OR ADC SBB AND SUB XOR CMP
  const unsigned size = g.size();
  const bool to_reg = g.rng.chance(50);
  const RmOperand rm = g.rm(size);
  Enc e;
  if (!to_reg && op != 7) maybe_lock(g, e, rm);
  e.opsize(size)
      .op(sized(static_cast<uint8_t>(op * 8 + (to_reg ? 2 : 0)), size))
      .modrm(g.reg(), rm);
  g.emit(e);
  return true;
}

bool form_alu_imm(Gen& g) {
  const uint8_t op = static_cast<uint8_t>(g.rng.below(8));
  const unsigned size = g.size();
  const uint32_t imm = g.value(size);
  Enc e;
  switch (g.rng.below(3)) {
    case 0:  // AL/eAX, imm
      e.opsize(size).op(sized(static_cast<uint8_t>(op * 8 + 4), size)).imm(imm, size);
      break;
    case 1: {  // 80 /op ib (82 is its 32-bit-mode alias), 81 /op iz
      const RmOperand rm = g.rm(size);
      if (op != 7) maybe_lock(g, e, rm);
      const uint8_t opcode = size == 1 ? (g.rng.chance(10) ? 0x82 : 0x80) : 0x81;
      e.opsize(size).op(opcode).modrm(op, rm).imm(imm, size);
      break;
    }
    default: {  // 83 /op ib, sign-extended
      const unsigned wsize = g.wide_size();
      const RmOperand rm = g.rm(wsize);
      if (op != 7) maybe_lock(g, e, rm);
      e.opsize(wsize).op(0x83).modrm(op, rm).imm(g.value(1), 1);
      break;
    }
  }
  g.emit(e);
  return true;
}

bool form_test(Gen& g) {
  const unsigned size = g.size();
  Enc e;
  switch (g.rng.below(3)) {
    case 0: {
      const RmOperand rm = g.rm(size);
      e.opsize(size).op(sized(0x84, size)).modrm(g.reg(), rm);
      break;
    }
    case 1: e.opsize(size).op(sized(0xA8, size)).imm(g.value(size), size); break;
    default: e.opsize(size).op(sized(0xF6, size)).modrm(0, g.rm(size)).imm(g.value(size), size);
  }
  g.emit(e);
  return true;
}

// NOT NEG (F6/F7 /2 /3), INC DEC (FE/FF /0 /1, and 40+r / 48+r).
bool form_unary(Gen& g) {
  const unsigned size = g.size();
  Enc e;
  if (size != 1 && g.rng.chance(25)) {
    const uint8_t opcode = g.rng.chance(50) ? 0x40 : 0x48;  // INC / DEC
    e.opsize(size).op(static_cast<uint8_t>(opcode + g.reg()));
  } else {
    const RmOperand rm = g.rm(size);
    maybe_lock(g, e, rm);
    if (g.rng.chance(50)) {
      e.opsize(size).op(sized(0xF6, size)).modrm(static_cast<uint8_t>(2 + g.rng.below(2)), rm);
    } else {
      e.opsize(size).op(sized(0xFE, size)).modrm(static_cast<uint8_t>(g.rng.below(2)), rm);
    }
  }
  g.emit(e);
  return true;
}

// ROL ROR RCL RCR SHL SHR SAR (/6 is an undocumented SHL alias: not used),
// by 1 (D0/D1), by CL (D2/D3) or by imm8 (C0/C1).
bool form_shift(Gen& g) {
  static constexpr uint8_t kOps[] = {0, 1, 2, 3, 4, 5, 7};
  const uint8_t op = g.rng.pick<uint8_t>(kOps);
  const unsigned size = g.size();
  const unsigned how = g.rng.below(3);
  if (how == 1 && g.rng.chance(50)) g.mov_reg(kEcx, 1, g.count());  // mov cl, count
  const RmOperand rm = g.rm(size, bit(kEcx));
  Enc e;
  if (how == 0) e.opsize(size).op(sized(0xD0, size)).modrm(op, rm);
  if (how == 1) e.opsize(size).op(sized(0xD2, size)).modrm(op, rm);
  if (how == 2) e.opsize(size).op(sized(0xC0, size)).modrm(op, rm).imm(g.count(), 1);
  g.emit(e);
  return true;
}

// MUL IMUL (F6/F7 /4 /5), IMUL r, r/m (0F AF), IMUL r, r/m, imm (69, 6B).
bool form_mul(Gen& g) {
  Enc e;
  switch (g.rng.below(4)) {
    case 0: {
      const unsigned size = g.size();
      const RmOperand rm = g.rm(size);
      e.opsize(size).op(sized(0xF6, size)).modrm(static_cast<uint8_t>(4 + g.rng.below(2)), rm);
      break;
    }
    case 1: {
      const unsigned size = g.wide_size();
      const RmOperand rm = g.rm(size);
      e.opsize(size).op(0x0F).op(0xAF).modrm(g.reg(), rm);
      break;
    }
    case 2: {
      const unsigned size = g.wide_size();
      const RmOperand rm = g.rm(size);
      e.opsize(size).op(0x69).modrm(g.reg(), rm).imm(g.value(size), size);
      break;
    }
    default: {
      const unsigned size = g.wide_size();
      const RmOperand rm = g.rm(size);
      e.opsize(size).op(0x6B).modrm(g.reg(), rm).imm(g.value(1), 1);
      break;
    }
  }
  g.emit(e);
  return true;
}

// DIV IDIV (F6/F7 /6 /7) with a divisor chosen so that no #DE is raised:
// the current one if it works, else a random one that does, else the
// dividend is first made small (MOV of the high half, or CBW/CWD/CDQ).
bool form_div(Gen& g) {
  if (!g.b.exact()) return false;
  const bool is_signed = g.rng.chance(50);
  const unsigned size = g.size();
  const uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;

  // The divisor: a register outside the dividend, or the window.
  uint8_t dreg = g.reg();
  const bool in_dividend = size == 1 ? (dreg == 0 || dreg == 4) : (dreg == kEax || dreg == kEdx);
  const bool use_mem = in_dividend || dreg == kEsp || g.rng.chance(40);
  const uint32_t addr = g.target(size);
  uint32_t d = use_mem ? g.b.read_mem(addr, size) : g.b.reg(dreg, size);

  if (!divides(is_signed, size, dividend(g, size), d)) {
    bool found = false;
    for (int i = 0; i < 24 && !found; ++i) {
      if (i < 12) {
        d = g.value(size);
      } else {
        const uint32_t shift = g.rng.below(32);
        d = g.rng.u32() >> shift;
      }
      d &= mask;
      found = divides(is_signed, size, dividend(g, size), d);
    }
    if (!found) {
      if (is_signed) {
        Enc ext;  // CBW / CWD / CDQ: the dividend becomes the sign-extended low half
        ext.opsize(size == 4 ? 4 : 2).op(size == 1 ? 0x98 : 0x99);
        g.emit(ext);
      } else {
        g.mov_reg(size == 1 ? 4 : kEdx, size, g.rng.below(4));  // AH / DX / EDX
      }
      do {
        d = g.value(size) | 4;
      } while (!divides(is_signed, size, dividend(g, size), d));
    }
    if (use_mem) {
      g.mov_mem(addr, size, d);
    } else {
      g.mov_reg(dreg, size, d);
    }
  }
  const uint32_t protect = bit(kEax) | bit(kEdx);
  const RmOperand rm = use_mem ? g.mem(addr, protect) : reg_operand(dreg);
  Enc e;
  e.opsize(size).op(sized(0xF6, size)).modrm(is_signed ? 7 : 6, rm);
  g.emit(e);
  return true;
}

// DAA DAS AAA AAS AAM AAD (valid in 32-bit code).
bool form_bcd(Gen& g) {
  static constexpr uint8_t kSimple[] = {0x27, 0x2F, 0x37, 0x3F};
  Enc e;
  if (g.rng.chance(65)) {
    e.op(g.rng.pick<uint8_t>(kSimple));
  } else {
    uint8_t base = g.rng.chance(60) ? 10 : g.rng.u8();
    const bool aam = g.rng.chance(50);
    if (aam && base == 0) base = 16;  // AAM 0 is #DE
    e.op(aam ? 0xD4 : 0xD5).imm(base, 1);
  }
  g.emit(e);
  return true;
}

// CLC STC CMC CLD STD, and SALC (D6: undocumented, on every Intel and AMD part).
bool form_flag_op(Gen& g) {
  static constexpr uint8_t kOps[] = {0xF8, 0xF9, 0xF5, 0xFC, 0xFD, 0xF5, 0xD6};
  Enc e;
  e.op(g.rng.pick<uint8_t>(kOps));
  g.emit(e);
  return true;
}

// CBW/CWDE (98) and CWD/CDQ (99).
bool form_convert(Gen& g) {
  Enc e;
  e.opsize(g.wide_size()).op(g.rng.chance(50) ? 0x98 : 0x99);
  g.emit(e);
  return true;
}

}  // namespace tx86::difftest
