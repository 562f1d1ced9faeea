// Replacing values during a forward pass: a pass records that an
// instruction's result is now another value (or an immediate) and marks the
// instruction dead; every later argument is rewritten when the pass reaches
// its instruction.
#pragma once

#include <vector>

#include "jit/ir/ir.h"

namespace tx86::jit::opt {

class Rewriter {
 public:
  explicit Rewriter(const ir::Block& b) : with_(b.insts.size()), replaced_(b.insts.size(), false) {}

  // `with` must already be rewritten (an argument of the instruction being
  // visited, or an immediate).
  void replace(ir::Block& b, ir::Ref r, ir::Arg with) {
    with_[r] = with;
    replaced_[r] = true;
    b[r].dead = true;
  }

  void rewrite_args(ir::Inst& in) const {
    for (ir::Arg& a : in.a) {
      if (a.is_value() && replaced_[a.v]) a = with_[a.v];
    }
  }

 private:
  std::vector<ir::Arg> with_;
  std::vector<bool> replaced_;
};

// Whether two arguments are the same value or immediate.
inline bool same_arg(const ir::Arg& x, const ir::Arg& y) {
  return x.kind == y.kind && x.v == y.v;
}

}  // namespace tx86::jit::opt
