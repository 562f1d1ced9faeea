// Optimization passes over a block's IR, run in this order by
// optimize(): forward guest state (GetReg/GetFlags answered from the value
// last read or written; SetReg/SetFlags dropped when a later one overwrites
// them before anything could observe the state), drop flag computations
// that a later one overwrites, fold constants, remove dead code. Passes
// only mark instructions dead and rewrite arguments; they never reorder, so
// a FlagsFrom still follows its op.
//
// Observers of the guest state in CpuState: a Fallback (the interpreter
// reads and writes all of it), an op that may fault (the fault must see the
// state before its instruction), and the block's exit.
#pragma once

#include <string>

#include "jit/ir/ir.h"

namespace tx86::jit::opt {

void forward_state(ir::Block& b);
void eliminate_dead_flags(ir::Block& b);
void fold_constants(ir::Block& b);
void eliminate_dead_code(ir::Block& b);

struct PassOptions {
  bool forward_state = true;
  bool dead_flags = true;
  bool fold_constants = true;
  bool dead_code = true;
};
void optimize(ir::Block& b, const PassOptions& options = {});

// Checks the IR's rules (ops.inc, ir.h); returns "" or what is wrong.
std::string verify(const ir::Block& b);

}  // namespace tx86::jit::opt
