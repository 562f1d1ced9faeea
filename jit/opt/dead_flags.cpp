// Flag computations that a later one overwrites (passes.h). A FlagsFrom
// merges its op's flags into an older flags value; when it replaces every
// bit that the older value's own FlagsFrom produced, it can merge into the
// value before that instead, and the older computation (often a whole CMP)
// dies unless something else reads it.
#include "jit/opt/passes.h"

namespace tx86::jit::opt {

void eliminate_dead_flags(ir::Block& b) {
  for (ir::Ref r = 0; r < b.insts.size(); ++r) {
    ir::Inst& in = b[r];
    if (in.dead || in.op != ir::Op::kFlagsFrom) continue;
    const uint32_t covers = in.host_mask | in.zero_mask;
    while (in.a[1].is_value()) {
      const ir::Inst& older = b[in.a[1].v];
      if (older.op != ir::Op::kFlagsFrom) break;
      if (((older.host_mask | older.zero_mask) & ~covers) != 0) break;
      in.a[1] = older.a[1];
    }
  }
}

}  // namespace tx86::jit::opt
