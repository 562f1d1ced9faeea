// The mode bits of a block's key: what its translation assumed of the CPU
// (code and stack size, protected or V86 mode, CPL, and which segments are
// flat or plain). A block runs only where they are the same.
#pragma once

#include <cstdint>

#include "core/cpu/cpu.h"

namespace tx86::jit {

// flat: segments translated code uses with no checks (base 0, limit 4 GiB);
// plain: segments that need only an inline limit check.
uint32_t block_mode(const core::Cpu& cpu, uint8_t& flat, uint8_t& plain);

inline uint32_t block_mode(const core::Cpu& cpu) {
  uint8_t flat = 0;
  uint8_t plain = 0;
  return block_mode(cpu, flat, plain);
}

}  // namespace tx86::jit
