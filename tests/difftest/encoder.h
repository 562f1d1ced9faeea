// x86 machine-code encoding for the generator: prefixes, opcode, ModRM/SIB
// with displacement, immediates; and memory operands that address a chosen
// linear address from whatever the registers hold.
#pragma once

#include <cstdint>

#include "core/cpu/cpu_state.h"
#include "tests/difftest/rng.h"
#include "tests/difftest/test_case.h"

namespace tx86::difftest {

// The r/m half of a ModRM instruction: a register or a memory operand.
struct RmOperand {
  bool is_mem = false;
  uint8_t modrm = 0;  // mod and rm bits; the reg field is added by Enc::modrm
  Bytes tail;         // SIB byte and displacement
  uint8_t seg_prefix = 0;
  bool addr16 = false;  // 16-bit addressing (needs the 0x67 prefix)
};

RmOperand reg_operand(uint8_t reg);

// A memory operand whose 32-bit effective address is `ea` for the register
// values in s, in a random addressing form (disp32, base+disp, SIB with
// base, index and scale), with a random flat segment override sometimes.
RmOperand mem_operand(Rng& rng, const core::CpuState& s, uint32_t ea);
// [disp32]: needs no register value.
RmOperand absolute_operand(uint32_t ea);
// [base + disp] with the smallest displacement form; base is not ESP.
RmOperand base_disp_operand(uint8_t base, int32_t disp);
// Any addressing form with random registers and displacement, 16- or
// 32-bit, for LEA (which touches no memory).
RmOperand random_address(Rng& rng, bool addr16);

class Enc {
 public:
  Enc& prefix(uint8_t p) {
    prefixes_.push_back(p);
    return *this;
  }
  Enc& opsize(unsigned size) { return size == 2 ? prefix(0x66) : *this; }
  Enc& op(uint8_t b) {
    opcode_.push_back(b);
    return *this;
  }
  Enc& modrm(uint8_t reg_field, const RmOperand& rm) {
    rm_ = rm;
    rm_.modrm = static_cast<uint8_t>(rm.modrm | ((reg_field & 7) << 3));
    has_modrm_ = true;
    return *this;
  }
  Enc& imm(uint32_t v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i) imm_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  Bytes bytes() const;

 private:
  Bytes prefixes_;
  Bytes opcode_;
  RmOperand rm_;
  bool has_modrm_ = false;
  Bytes imm_;
};

}  // namespace tx86::difftest
