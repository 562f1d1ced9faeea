#include "jit/opt/passes.h"

namespace tx86::jit::opt {

void optimize(ir::Block& b, const PassOptions& options) {
  if (options.forward_state) forward_state(b);
  if (options.dead_flags) eliminate_dead_flags(b);
  if (options.fold_constants) fold_constants(b);
  if (options.dead_code) eliminate_dead_code(b);
}

}  // namespace tx86::jit::opt
