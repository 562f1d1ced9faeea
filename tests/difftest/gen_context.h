// Internal to the generator: what each instruction form's function gets —
// the random source, the sequence being built (with its predicted state),
// and helpers for operands and set-up instructions.
#pragma once

#include <cstdint>

#include "tests/difftest/encoder.h"
#include "tests/difftest/rng.h"
#include "tests/difftest/seq_builder.h"

namespace tx86::difftest {

class Gen {
 public:
  Gen(Rng& r, SeqBuilder& sb) : rng(r), b(sb) {}

  Rng& rng;
  SeqBuilder& b;

  unsigned size() { return kSizes[rng.below(3)]; }  // 1, 2 or 4
  unsigned wide_size() { return rng.chance(50) ? 2u : 4u; }
  uint8_t reg() { return static_cast<uint8_t>(rng.below(8)); }
  // An edge value (0, 1, 0x7F, 0x80, ...) or a random one, of size bytes.
  uint32_t value(unsigned size);
  // A shift or bit count: edges around 0, 1, the operand widths and the mask.
  uint8_t count();
  // An address of size bytes inside the window.
  uint32_t target(unsigned size);

  // A memory operand with effective address ea. May first emit a MOV that
  // points a base register near ea; that register is never in `protect`
  // (a bit mask of register numbers) nor ESP.
  RmOperand mem(uint32_t ea, uint32_t protect = 0);
  // A register or memory operand of size bytes.
  RmOperand rm(unsigned size, uint32_t protect = 0);

  // Set-up instructions.
  void mov_reg(uint8_t r, unsigned size, uint32_t v);
  void mov_mem(uint32_t addr, unsigned size, uint32_t v);

  // Appends the instruction to the sequence, now and then behind a
  // redundant flat segment prefix (ignored, or overriding DS with a segment
  // of the same base).
  void emit(const Enc& enc);

 private:
  static constexpr unsigned kSizes[3] = {1, 2, 4};
};

inline uint32_t bit(uint8_t reg) {
  return 1u << reg;
}

// The instruction forms; each emits one instruction (after any set-up) or
// returns false when it cannot be generated in the current state.
using Form = bool (*)(Gen&);

bool form_alu(Gen& g);
bool form_alu_imm(Gen& g);
bool form_test(Gen& g);
bool form_unary(Gen& g);
bool form_shift(Gen& g);
bool form_mul(Gen& g);
bool form_div(Gen& g);
bool form_bcd(Gen& g);
bool form_flag_op(Gen& g);
bool form_convert(Gen& g);

bool form_bit_test(Gen& g);
bool form_bit_scan(Gen& g);
bool form_double_shift(Gen& g);
bool form_xadd(Gen& g);
bool form_cmpxchg(Gen& g);
bool form_cmpxchg8b(Gen& g);
bool form_string(Gen& g);
bool form_cmov(Gen& g);
bool form_setcc(Gen& g);
bool form_bswap(Gen& g);
bool form_movx(Gen& g);
bool form_xchg(Gen& g);
bool form_lea(Gen& g);
bool form_mov(Gen& g);
bool form_xlat(Gen& g);
bool form_lahf_sahf(Gen& g);
bool form_nop(Gen& g);

bool form_x87_load(Gen& g);
bool form_x87_arith_mem(Gen& g);
bool form_x87_arith_reg(Gen& g);
bool form_x87_store(Gen& g);
bool form_x87_unary(Gen& g);
bool form_x87_stack(Gen& g);
bool form_x87_compare(Gen& g);
bool form_x87_fcmov(Gen& g);
bool form_x87_control(Gen& g);
bool form_x87_env(Gen& g);
bool form_mmx_binary(Gen& g);
bool form_mmx_shift(Gen& g);
bool form_mmx_move(Gen& g);

// A last instruction that faults: #DE (DIV/IDIV by zero or overflow, AAM 0)
// or #UD (UD2, CMPXCHG8B with a register operand, and with lock_ud a LOCK
// prefix on a register destination or a non-lockable instruction).
void form_fault(Gen& g, bool lock_ud);

}  // namespace tx86::difftest
