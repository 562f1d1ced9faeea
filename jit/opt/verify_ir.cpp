// The IR's rules, checked (passes.h): arguments name earlier live results
// and fill exactly the op's argument count; sizes are 1, 2 or 4; a
// FlagsFrom directly follows (among live instructions) the op whose host
// flags it reads; the block ends with its one exit.
#include <fmt/format.h>

#include "jit/opt/passes.h"

namespace tx86::jit::opt {

namespace {

bool sets_host_flags(ir::Op op) {
  switch (op) {
    case ir::Op::kAdd:
    case ir::Op::kAdc:
    case ir::Op::kSub:
    case ir::Op::kSbb:
    case ir::Op::kAnd:
    case ir::Op::kOr:
    case ir::Op::kXor:
    case ir::Op::kInc:
    case ir::Op::kDec:
    case ir::Op::kNeg:
    case ir::Op::kShl:
    case ir::Op::kRol:
    case ir::Op::kRor:
    case ir::Op::kShr:
    case ir::Op::kSar:
    case ir::Op::kImul: return true;
    default: return false;
  }
}

}  // namespace

std::string verify(const ir::Block& b) {
  ir::Ref previous = ir::kNoRef;
  ir::Ref exit = ir::kNoRef;
  for (ir::Ref r = 0; r < b.insts.size(); ++r) {
    const ir::Inst& in = b[r];
    if (in.dead) continue;
    const ir::OpInfo& oi = ir::info(in.op);
    auto fail = [&](const std::string& what) {
      return fmt::format("%{} {}: {}", r, oi.name, what);
    };
    if (exit != ir::kNoRef) return fail("after the block's exit");
    if (in.size != 1 && in.size != 2 && in.size != 4) return fail(fmt::format("size {}", in.size));
    if (in.insn >= b.guest.size()) return fail("names no guest instruction");
    for (unsigned i = 0; i < 3; ++i) {
      const ir::Arg& a = in.a[i];
      if (i >= oi.arg_count) {
        if (a.kind != ir::Arg::Kind::kNone) return fail(fmt::format("extra argument {}", i));
        continue;
      }
      if (a.kind == ir::Arg::Kind::kNone) return fail(fmt::format("missing argument {}", i));
      if (!a.is_value()) continue;
      if (a.v >= r) return fail(fmt::format("argument {} is not an earlier value", i));
      if (b[a.v].dead) return fail(fmt::format("argument {} is dead (%{})", i, a.v));
      if (!ir::info(b[a.v].op).has_result) return fail(fmt::format("argument {} has no result", i));
    }
    if (in.op == ir::Op::kFlagsFrom) {
      if (!in.a[0].is_value() || in.a[0].v != previous || !sets_host_flags(b[previous].op)) {
        return fail("does not follow its arithmetic op");
      }
    }
    if (oi.kind == ir::Kind::kExit) exit = r;
    previous = r;
  }
  if (exit == ir::kNoRef) return "the block has no exit";
  return "";
}

}  // namespace tx86::jit::opt
