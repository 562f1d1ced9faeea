#include "jit/frontend/lowering.h"

namespace tx86::jit {

bool lower(LowerContext& ctx, const core::DecodedInsn& insn) {
  (void)ctx;
  (void)insn;
  return false;
}

}  // namespace tx86::jit
