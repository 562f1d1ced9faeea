// Instruction forms: MMX (the Pentium MMX set; the SSE additions and the
// 66-prefixed XMM forms are #UD on tx86's CPU and are not generated). The
// x87 forms mix in, so the aliasing of MMi with the x87 registers, the tag
// word and TOP are compared after each instruction.
#include <cstdint>

#include "tests/difftest/fp_values.h"
#include "tests/difftest/gen_context.h"

namespace tx86::difftest {

namespace {

// 0F xx, MMX destination register, MMX register or m64 source.
constexpr uint8_t kBinary[] = {
    0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x74, 0x75, 0x76, 0xD1, 0xD2,
    0xD3, 0xD5, 0xD8, 0xD9, 0xDB, 0xDC, 0xDD, 0xDF, 0xE1, 0xE2, 0xE5, 0xE8, 0xE9, 0xEB,
    0xEC, 0xED, 0xEF, 0xF1, 0xF2, 0xF3, 0xF5, 0xF8, 0xF9, 0xFA, 0xFC, 0xFD, 0xFE,
};
// PUNPCKLBW/WD/DQ: an m32 source.
constexpr uint8_t kUnpackLow[] = {0x60, 0x61, 0x62};
// Shifts by an MMX register or m64 count.
constexpr uint8_t kShiftByReg[] = {0xD1, 0xD2, 0xD3, 0xE1, 0xE2, 0xF1, 0xF2, 0xF3};

uint8_t mm(Gen& g) {
  return static_cast<uint8_t>(g.rng.below(8));
}

uint64_t edge64(Gen& g) {
  static constexpr uint64_t kEdges[] = {0,
                                        ~uint64_t{0},
                                        0x8000800080008000ull,
                                        0x7FFF7FFF7FFF7FFFull,
                                        0x8080808080808080ull,
                                        0x7F7F7F7F7F7F7F7Full,
                                        0x0000FFFF0000FFFFull,
                                        0x80000000FFFFFFFFull};
  return g.rng.chance(30) ? g.rng.pick<uint64_t>(kEdges) : g.rng.next();
}

void plant64(Gen& g, uint32_t addr, uint64_t v) {
  g.mov_mem(addr, 4, static_cast<uint32_t>(v));
  g.mov_mem(addr + 4, 4, static_cast<uint32_t>(v >> 32));
}

void emit_op(Gen& g, uint8_t opcode, uint8_t reg, const RmOperand& rm) {
  Enc e;
  e.op(0x0F).op(opcode).modrm(reg, rm);
  g.emit(e);
}

// A shift count: usually within or just past the lane widths.
uint64_t count(Gen& g) {
  static constexpr uint8_t kCounts[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65};
  if (g.rng.chance(15)) return g.rng.next();
  return g.rng.chance(70) ? g.rng.pick<uint8_t>(kCounts) : g.rng.below(80);
}

}  // namespace

// The two-operand arithmetic, logic, compare, pack and unpack instructions.
bool form_mmx_binary(Gen& g) {
  const bool low = g.rng.chance(10);
  const uint8_t opcode = low ? g.rng.pick<uint8_t>(kUnpackLow) : g.rng.pick<uint8_t>(kBinary);
  if (g.rng.chance(50)) {
    emit_op(g, opcode, mm(g), reg_operand(mm(g)));
    return true;
  }
  const uint32_t addr = g.target(8);
  if (g.rng.chance(60)) plant64(g, addr, edge64(g));
  emit_op(g, opcode, mm(g), g.mem(addr));
  return true;
}

// Shifts: by an immediate (0F 71-73 /2 /4 /6), or by a count in an MMX
// register or memory.
bool form_mmx_shift(Gen& g) {
  if (g.rng.chance(50)) {
    static constexpr uint16_t kForms[] = {0x7102, 0x7104, 0x7106, 0x7202,
                                          0x7204, 0x7206, 0x7302, 0x7306};
    const uint16_t f = g.rng.pick<uint16_t>(kForms);
    Enc e;
    e.op(0x0F)
        .op(static_cast<uint8_t>(f >> 8))
        .modrm(static_cast<uint8_t>(f & 7), reg_operand(mm(g)));
    e.imm(static_cast<uint32_t>(count(g)) & 0xFF, 1);
    g.emit(e);
    return true;
  }
  const uint8_t opcode = g.rng.pick<uint8_t>(kShiftByReg);
  const uint32_t addr = g.target(8);
  plant64(g, addr, count(g));
  if (g.rng.chance(50)) {
    const uint8_t src = mm(g);
    emit_op(g, 0x6F, src, g.mem(addr));  // MOVQ the count into a register
    emit_op(g, opcode, mm(g), reg_operand(src));
  } else {
    emit_op(g, opcode, mm(g), g.mem(addr));
  }
  return true;
}

// MOVD and MOVQ in every direction, and EMMS.
bool form_mmx_move(Gen& g) {
  switch (g.rng.below(7)) {
    case 0: emit_op(g, 0x6E, mm(g), g.rm(4)); break;          // MOVD mm, r/m32
    case 1: emit_op(g, 0x7E, mm(g), g.rm(4, bit(4))); break;  // MOVD r/m32, mm
    case 2: {
      const uint32_t addr = g.target(8);
      if (g.rng.chance(60)) plant64(g, addr, edge64(g));
      emit_op(g, 0x6F, mm(g), g.mem(addr));  // MOVQ mm, m64
      break;
    }
    case 3: emit_op(g, 0x6F, mm(g), reg_operand(mm(g))); break;  // MOVQ mm, mm
    case 4: emit_op(g, 0x7F, mm(g), g.mem(g.target(8))); break;  // MOVQ m64, mm
    case 5: emit_op(g, 0x7F, mm(g), reg_operand(mm(g))); break;  // MOVQ mm, mm (7F)
    default: {
      Enc e;
      e.op(0x0F).op(0x77);  // EMMS
      g.emit(e);
    }
  }
  return true;
}

}  // namespace tx86::difftest
