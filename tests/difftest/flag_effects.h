// What an instruction does to the status flags, per the SDM's "Flags
// Affected": the flags it reads, the ones it writes with defined values, and
// the ones it leaves undefined. Counts (shifts) come from the state before
// the instruction.
#pragma once

#include <cstdint>

#include "core/cpu/cpu_state.h"
#include "core/decoder/decoded_insn.h"

namespace tx86::difftest {

struct FlagEffects {
  uint32_t read = 0;
  uint32_t written = 0;    // with values the SDM defines
  uint32_t undefined = 0;  // left undefined by the SDM
};

FlagEffects flag_effects(const core::DecodedInsn& insn, const core::CpuState& before);

// The flags a condition code (Jcc/SETcc/CMOVcc low nibble) tests.
uint32_t condition_flags(uint8_t cc);

}  // namespace tx86::difftest
