// Lowering of guest instructions into IR, one file per instruction family
// (lower_*.cpp). A lowering returns false to leave the instruction to the
// interpreter (a Fallback op).
#pragma once

#include <cstdint>

#include "core/decoder/decoded_insn.h"
#include "jit/ir/ir.h"

namespace tx86::jit {

struct LowerContext {
  ir::Builder& b;
  ir::Block& block;
  uint16_t index;     // the guest instruction's index in the block
  uint32_t eip;       // its EIP
  uint32_t next_eip;  // the EIP after it
  bool ended = false;  // the lowering emitted the block's exit
};

bool lower(LowerContext& ctx, const core::DecodedInsn& insn);

}  // namespace tx86::jit
