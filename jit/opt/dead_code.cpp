// Dead code (passes.h): an instruction without side effects whose result
// nothing live uses. Loads stay (they may fault), as do state writes.
#include <vector>

#include "jit/opt/passes.h"

namespace tx86::jit::opt {

void eliminate_dead_code(ir::Block& b) {
  std::vector<bool> used(b.insts.size(), false);
  for (ir::Ref r = static_cast<ir::Ref>(b.insts.size()); r-- > 0;) {
    ir::Inst& in = b[r];
    if (in.dead) continue;
    const ir::Kind k = ir::info(in.op).kind;
    const bool removable = k == ir::Kind::kPure || k == ir::Kind::kReadState;
    if (removable && !used[r]) {
      in.dead = true;
      continue;
    }
    for (const ir::Arg& a : in.a) {
      if (a.is_value()) used[a.v] = true;
    }
  }
}

}  // namespace tx86::jit::opt
