// Instruction forms: the x87 FPU. Operands come from fp_values.h, planted
// in the window by MOVs just before the instruction that reads them; the
// stores write into the window, which the checker compares at the end.
// FNSTENV and FNSAVE images have their instruction and data pointer fields
// cleared right after (the host stores its own CS and, on some parts,
// deprecated zeros there); the pointers have their own unit tests.
#include <cstdint>

#include "tests/difftest/fp_values.h"
#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

void plant(Gen& g, uint32_t addr, const uint8_t* bytes, unsigned n) {
  for (unsigned i = 0; i < n;) {
    const unsigned size = n - i >= 4 ? 4 : n - i >= 2 ? 2 : 1;
    uint32_t v = 0;
    for (unsigned k = 0; k < size; ++k) v |= uint32_t{bytes[i + k]} << (8 * k);
    g.mov_mem(addr + i, size, v);
    i += size;
  }
}

void plant_u64(Gen& g, uint32_t addr, uint64_t v, unsigned n) {
  uint8_t b[8];
  for (unsigned i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  plant(g, addr, b, n);
}

// The memory operand of a real of 4, 8 or 10 bytes, usually planted.
uint32_t real_operand(Gen& g, unsigned bytes) {
  const uint32_t addr = g.target(bytes);
  if (g.rng.chance(80)) {
    if (bytes == 4) plant_u64(g, addr, fp32_value(g.rng), 4);
    if (bytes == 8) plant_u64(g, addr, fp64_value(g.rng), 8);
    if (bytes == 10) {
      const Fp80 v = fp80_value(g.rng);
      plant(g, addr, v.data(), 10);
    }
  }
  return addr;
}

uint32_t int_operand(Gen& g, unsigned bytes) {
  const uint32_t addr = g.target(bytes);
  if (g.rng.chance(80)) plant_u64(g, addr, int_value(g.rng, bytes), bytes);
  return addr;
}

void emit_mem(Gen& g, uint8_t esc, unsigned reg, uint32_t addr, uint8_t prefix = 0) {
  Enc e;
  if (prefix != 0) e.prefix(prefix);
  e.op(esc).modrm(static_cast<uint8_t>(reg), g.mem(addr));
  g.emit(e);
}

void emit_reg(Gen& g, uint8_t esc, unsigned modrm) {
  Enc e;
  e.op(esc).op(static_cast<uint8_t>(modrm));
  g.emit(e);
}

unsigned sti(Gen& g) {
  return g.rng.below(8);
}

}  // namespace

// FLD m32/m64/m80, FILD m16/m32/m64, FBLD m80.
bool form_x87_load(Gen& g) {
  switch (g.rng.below(7)) {
    case 0: emit_mem(g, 0xD9, 0, real_operand(g, 4)); break;
    case 1: emit_mem(g, 0xDD, 0, real_operand(g, 8)); break;
    case 2: emit_mem(g, 0xDB, 5, real_operand(g, 10)); break;
    case 3: emit_mem(g, 0xDF, 0, int_operand(g, 2)); break;
    case 4: emit_mem(g, 0xDB, 0, int_operand(g, 4)); break;
    case 5: emit_mem(g, 0xDF, 5, int_operand(g, 8)); break;
    default: {
      const uint32_t addr = g.target(10);
      const Fp80 v = bcd_value(g.rng);
      plant(g, addr, v.data(), 10);
      emit_mem(g, 0xDF, 4, addr);
    }
  }
  return true;
}

// FADD FMUL FCOM FCOMP FSUB FSUBR FDIV FDIVR with m32/m64 reals and
// m16/m32 integers (D8 DC DE DA /0-7).
bool form_x87_arith_mem(Gen& g) {
  const unsigned op = g.rng.below(8);
  switch (g.rng.below(4)) {
    case 0: emit_mem(g, 0xD8, op, real_operand(g, 4)); break;
    case 1: emit_mem(g, 0xDC, op, real_operand(g, 8)); break;
    case 2: emit_mem(g, 0xDA, op, int_operand(g, 4)); break;
    default: emit_mem(g, 0xDE, op, int_operand(g, 2)); break;
  }
  return true;
}

// The register forms: ST(0) op ST(i) (D8), ST(i) op ST(0) (DC), and the
// popping ones (DE), with FCOM2/FCOMP3/FCOMP5 and FCOMPP.
bool form_x87_arith_reg(Gen& g) {
  const unsigned row = g.rng.below(8);
  switch (g.rng.below(3)) {
    case 0: emit_reg(g, 0xD8, 0xC0 | row << 3 | sti(g)); break;
    case 1: emit_reg(g, 0xDC, 0xC0 | row << 3 | sti(g)); break;
    default:
      if (row == 3) {
        emit_reg(g, 0xDE, 0xD9);  // FCOMPP; the rest of the row is reserved
      } else {
        emit_reg(g, 0xDE, 0xC0 | row << 3 | sti(g));
      }
  }
  return true;
}

// FST/FSTP m32/m64, FSTP m80, FIST/FISTP m16/m32, FISTP m64, FBSTP.
bool form_x87_store(Gen& g) {
  const bool pop = g.rng.chance(50);
  switch (g.rng.below(8)) {
    case 0: emit_mem(g, 0xD9, pop ? 3 : 2, g.target(4)); break;
    case 1: emit_mem(g, 0xDD, pop ? 3 : 2, g.target(8)); break;
    case 2: emit_mem(g, 0xDB, 7, g.target(10)); break;
    case 3: emit_mem(g, 0xDF, pop ? 3 : 2, g.target(2)); break;
    case 4: emit_mem(g, 0xDB, pop ? 3 : 2, g.target(4)); break;
    case 5: emit_mem(g, 0xDF, 7, g.target(8)); break;
    default: emit_mem(g, 0xDF, 6, g.target(10)); break;
  }
  return true;
}

// D9 E0-FF: FCHS FABS FTST FXAM, the constants, the transcendental and
// other one-operand instructions, FINCSTP and FDECSTP.
bool form_x87_unary(Gen& g) {
  static constexpr uint8_t kValid[] = {0xE0, 0xE1, 0xE4, 0xE5, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC,
                                       0xED, 0xEE, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6,
                                       0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF};
  emit_reg(g, 0xD9, g.rng.pick<uint8_t>(kValid));
  return true;
}

// FLD ST(i), FXCH, FST/FSTP ST(i), FFREE, FFREEP and the undocumented
// aliases FSTP1, FXCH4, FXCH7, FSTP8, FSTP9.
bool form_x87_stack(Gen& g) {
  static constexpr uint16_t kRows[] = {0xD9C0, 0xD9C8, 0xDDD0, 0xDDD8, 0xDDC0, 0xDFC0,
                                       0xD9D8, 0xDDC8, 0xDFC8, 0xDFD0, 0xDFD8, 0xD9C0};
  const uint16_t row = g.rng.pick<uint16_t>(kRows);
  emit_reg(g, static_cast<uint8_t>(row >> 8), (row & 0xFF) | sti(g));
  return true;
}

// FCOM/FCOMP ST(i), FUCOM/FUCOMP, FUCOMPP, FCOMI/FUCOMI and their popping
// forms (which set EFLAGS).
bool form_x87_compare(Gen& g) {
  static constexpr uint16_t kRows[] = {0xD8D0, 0xD8D8, 0xDDE0, 0xDDE8, 0xDBF0,
                                       0xDBE8, 0xDFF0, 0xDFE8, 0xDBF0, 0xDFE8};
  if (g.rng.chance(8)) {
    emit_reg(g, 0xDA, 0xE9);  // FUCOMPP
    return true;
  }
  const uint16_t row = g.rng.pick<uint16_t>(kRows);
  emit_reg(g, static_cast<uint8_t>(row >> 8), (row & 0xFF) | sti(g));
  return true;
}

// FCMOVcc ST(0), ST(i) (DA/DB C0-DF), after the flags came from anywhere.
bool form_x87_fcmov(Gen& g) {
  emit_reg(g, g.rng.chance(50) ? 0xDA : 0xDB, 0xC0 | g.rng.below(32));
  return true;
}

// FNSTSW AX/m16, FNSTCW, FLDCW, FNCLEX, FNINIT, FENI/FDISI/FSETPM, FNOP
// and FWAIT.
bool form_x87_control(Gen& g) {
  switch (g.rng.below(11)) {
    case 0:
    case 1: emit_reg(g, 0xDF, 0xE0); break;
    case 2: emit_mem(g, 0xDD, 7, g.target(2)); break;
    case 3: emit_mem(g, 0xD9, 7, g.target(2)); break;
    case 4:
    case 5: {
      const uint32_t addr = g.target(2);
      g.mov_mem(addr, 2, control_word(g.rng));
      emit_mem(g, 0xD9, 5, addr);
      break;
    }
    case 6: emit_reg(g, 0xDB, 0xE2); break;
    case 7: emit_reg(g, 0xDB, g.rng.chance(20) ? 0xE3 : 0xE2); break;
    case 8: {
      static constexpr uint8_t kNops[] = {0xE0, 0xE1, 0xE4};
      emit_reg(g, 0xDB, g.rng.pick<uint8_t>(kNops));
      break;
    }
    case 9: emit_reg(g, 0xD9, 0xD0); break;
    default: {
      Enc e;
      e.op(0x9B);
      g.emit(e);
    }
  }
  return true;
}

// FNSTENV then FLDENV, or FNSAVE then FRSTOR, of one image in the window,
// 32- or 16-bit, with the pointers cleared and now and then the control,
// status or tag word or a register rewritten in between.
bool form_x87_env(Gen& g) {
  const bool save = g.rng.chance(50);
  const bool op16 = g.rng.chance(30);
  const unsigned env = op16 ? 14 : 28;
  const unsigned size = save ? env + 80 : env;
  const uint32_t addr = g.target(size);
  const uint8_t prefix = op16 ? 0x66 : 0;
  emit_mem(g, save ? 0xDD : 0xD9, 6, addr, prefix);
  const unsigned word = op16 ? 2 : 4;
  for (unsigned i = 3; i < 7; ++i) g.mov_mem(addr + i * word, word, 0);
  if (g.rng.chance(30)) g.mov_mem(addr, 2, control_word(g.rng));
  if (g.rng.chance(30)) {
    // Condition codes, TOP, and exception flags that are usually masked.
    g.mov_mem(addr + word, 2, g.rng.u32() & (g.rng.chance(80) ? 0x7F00u : 0x7F7Fu));
  }
  if (g.rng.chance(30)) g.mov_mem(addr + 2 * word, 2, g.rng.u32());
  if (save && g.rng.chance(40)) {
    const Fp80 v = fp80_value(g.rng);
    plant(g, addr + env + 10 * g.rng.below(8), v.data(), 10);
  }
  if (save && g.rng.chance(50)) emit_reg(g, 0xD9, 0xE8);  // FLD1 into the FNINIT state
  emit_mem(g, save ? 0xDD : 0xD9, 4, addr, prefix);
  return true;
}

}  // namespace tx86::difftest
