// Guest-state forwarding and dead state writes (passes.h).
#include <array>
#include <optional>
#include <vector>

#include "jit/opt/passes.h"
#include "jit/opt/rewriter.h"

namespace tx86::jit::opt {

namespace {

using ir::Arg;
using ir::Kind;
using ir::Op;

bool observes_state(const ir::Inst& in) {
  const Kind k = ir::info(in.op).kind;
  return k == Kind::kMemory || k == Kind::kCall || k == Kind::kBranch || k == Kind::kExit;
}

}  // namespace

void forward_state(ir::Block& b) {
  // Forward: the value each register (and EFLAGS) holds, while known.
  Rewriter rw(b);
  std::array<std::optional<Arg>, 8> regs;
  std::optional<Arg> flags;
  for (ir::Ref r = 0; r < b.insts.size(); ++r) {
    ir::Inst& in = b[r];
    if (in.dead) continue;
    rw.rewrite_args(in);
    switch (in.op) {
      case Op::kGetReg:
        if (regs[in.aux]) {
          rw.replace(b, r, *regs[in.aux]);
        } else {
          regs[in.aux] = Arg::value(r);
        }
        break;
      case Op::kSetReg: regs[in.aux & 7] = in.a[0]; break;
      case Op::kGetFlags:
        if (flags) {
          rw.replace(b, r, *flags);
        } else {
          flags = Arg::value(r);
        }
        break;
      case Op::kSetFlags: flags = in.a[0]; break;
      default:
        if (ir::info(in.op).kind == Kind::kCall) {  // the interpreter may change anything
          regs.fill(std::nullopt);
          flags.reset();
        }
        break;
    }
  }

  // Backward: a write overwritten before anything observes the state. The
  // end of a guest instruction that stores observes it too: the block
  // leaves there if the store hit translated code. Those ends and the ops
  // that may fault observe the state only on their out-of-line exits, so a
  // SetFlags or SetReg that only they observe before the next one is
  // deferred: the backend writes its value on those exits alone, and need
  // not compute (flags) or store it on the main path (ir::kSetFlagsDeferred,
  // ir::kSetRegDeferred).
  std::vector<bool> stores(b.guest.size(), false);
  for (const ir::Inst& in : b.insts) {
    if (!in.dead && in.op == Op::kStore) stores[in.insn] = true;
  }
  std::array<bool, 8> reg_overwritten{};       // before any observer
  std::array<bool, 8> reg_overwritten_hard{};  // before any observer on the main path
  bool flags_overwritten = false;              // before any observer
  bool flags_overwritten_hard = false;         // before any observer on the main path
  uint32_t current = UINT32_MAX;
  for (ir::Ref r = static_cast<ir::Ref>(b.insts.size()); r-- > 0;) {
    ir::Inst& in = b[r];
    if (in.dead) continue;
    if (in.insn != current) {
      current = in.insn;
      if (stores[current]) {
        reg_overwritten.fill(false);
        flags_overwritten = false;
      }
    }
    if (observes_state(in)) {
      reg_overwritten.fill(false);
      flags_overwritten = false;
      if (ir::info(in.op).kind != Kind::kMemory) {
        reg_overwritten_hard.fill(false);
        flags_overwritten_hard = false;
      }
      continue;
    }
    switch (in.op) {
      case Op::kSetReg:
        if (reg_overwritten[in.aux]) {
          in.dead = true;
        } else if (reg_overwritten_hard[in.aux]) {
          in.aux |= ir::kSetRegDeferred;
        }
        reg_overwritten[in.aux & 7] = reg_overwritten_hard[in.aux & 7] = true;
        break;
      case Op::kGetReg: reg_overwritten[in.aux] = reg_overwritten_hard[in.aux] = false; break;
      case Op::kSetFlags:
        if (flags_overwritten) {
          in.dead = true;
        } else if (flags_overwritten_hard) {
          in.aux = ir::kSetFlagsDeferred;
        }
        flags_overwritten = flags_overwritten_hard = true;
        break;
      case Op::kGetFlags: flags_overwritten = flags_overwritten_hard = false; break;
      default: break;
    }
  }
}

}  // namespace tx86::jit::opt
