// The memory images of the x87 state: FSTENV/FLDENV (14 or 28 bytes),
// FSAVE/FRSTOR (the environment plus ST(0)-ST(7), 94 or 108 bytes) in the
// four layouts of SDM Vol. 1, Figures 8-9 to 8-12, and FXSAVE/FXRSTOR's
// 512-byte area (Vol. 2, FXSAVE, Table 3-53).
#pragma once

#include <cstdint>

#include "core/fpu/fpu_state.h"

namespace tx86::core {

struct EnvLayout {
  bool op32 = true;        // 28-byte environment (else 14)
  bool protected_ = true;  // selector:offset pointers (else 20/32-bit linear)

  unsigned env_bytes() const { return op32 ? 28 : 14; }
  unsigned save_bytes() const { return env_bytes() + 80; }
};

// FLDCW and the loads of a whole environment keep these control-word bits;
// bit 6 reads as 1 (checked on the host: FLDCW 0 stores back 0x0040).
inline uint16_t control_word_from(uint16_t v) {
  return static_cast<uint16_t>((v & 0x1F3Fu) | 0x0040u);
}

void store_env(const FpuState& f, EnvLayout layout, uint8_t* out);
void load_env(FpuState& f, EnvLayout layout, const uint8_t* in);
// The registers follow the environment in ST order, 10 bytes each.
void store_registers(const FpuState& f, uint8_t* out);
void load_registers(FpuState& f, const uint8_t* in);

// The FXSAVE area is 512 bytes; the x87 and MMX state is its first 160.
inline constexpr unsigned kFxsaveBytes = 512;
inline constexpr unsigned kFxsaveX87Bytes = 160;
void store_fxsave(const FpuState& f, uint8_t* out);
void load_fxsave(FpuState& f, const uint8_t* in);

}  // namespace tx86::core
