// Lazy flags (jit/runtime/lazy_flags.h) in a block. Its last main-path
// SetFlags, when nothing but exits follows it, stores the host's capture of
// its op's flags as they are (SETO, LAHF: two instructions) and leaves the
// merge into EFLAGS to whoever reads them. So a block starts with EFLAGS'
// status bits possibly still raw: one that reads them (a Jcc on the flags
// it starts with, INC's CF, ADC, PUSHF) or runs native code that uses
// EFLAGS in CpuState (REP string fast paths, x87) merges them on entry.
// Within a block, a SetFlags of a whole EFLAGS value clears the raw word
// first if an earlier block may have left one; so does an out-of-line exit
// that writes recomputed flags.
#include <algorithm>

#include "jit/backend/x64/block_emitter.h"
#include "jit/runtime/helpers.h"

namespace tx86::jit::x64 {

namespace {

using ir::Op;

bool host_has_lahf() {
  static const bool has = asmjit::CpuInfo::host().hasFeature(asmjit::CpuFeatures::X86::kLAHFSAHF);
  return has;
}

}  // namespace

void BlockEmitter::plan_lazy_flags() {
  const size_t n = block.insts.size();
  struct Use {
    ir::Ref by;
    int arg;
  };
  std::vector<std::vector<Use>> uses(n);
  for (ir::Ref r = 0; r < n; ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    for (int k = 0; k < 3; ++k) {
      if (in.a[k].is_value()) uses[in.a[k].v].push_back({r, k});
    }
  }

  // Does the block read the status flags it starts with?
  for (ir::Ref r = 0; r < n; ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    if (in.op == Op::kRepString || in.op == Op::kX87) lazy_.materialize_at_entry = true;
    if (in.op != Op::kGetFlags) continue;
    for (const Use& u : uses[r]) {
      const ir::Inst& user = block.insts[u.by];
      const bool replaced =
          user.op == Op::kFlagsFrom && u.arg == 1 &&
          ((user.host_mask | user.zero_mask) & core::flags::kArith) == core::flags::kArith;
      if (!replaced && user.op != Op::kDfDelta) lazy_.materialize_at_entry = true;
    }
  }

  // The last main-path SetFlags, with no call after it.
  if (!host_has_lahf()) return;
  ir::Ref set = ir::kNoRef;
  for (ir::Ref r = static_cast<ir::Ref>(n); r-- > 0;) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    if (in.op == Op::kSetFlags && in.aux != ir::kSetFlagsDeferred) {
      set = r;
      break;
    }
    if (ir::info(in.op).kind == ir::Kind::kCall) return;
  }
  if (set == ir::kNoRef || !block.insts[set].a[0].is_value()) return;
  const ir::Ref from = block.insts[set].a[0].v;
  const ir::Inst& f = block.insts[from];
  if (f.op != Op::kFlagsFrom || skipped_[from]) return;
  const std::optional<uint32_t> kind = lazy_kind_of(f.host_mask, f.zero_mask);
  if (!kind) return;
  // Read only by the SetFlags and by conditions taken from the host flags.
  const std::vector<ir::Ref> conds = host_conds(from);
  for (const Use& u : uses[from]) {
    if (u.by != set && std::find(conds.begin(), conds.end(), u.by) == conds.end()) return;
  }
  // A store in the same instruction would check itself for code writes,
  // and its exit writes the flags after the instruction as a whole value.
  for (const ir::Inst& in : block.insts) {
    if (!in.dead && in.insn == block.insts[set].insn && in.op == Op::kStore) return;
  }
  // The flags it merges into: a GetFlags' are CpuState's (a FlagsFrom over
  // it keeps the bits it does not replace), any other value is stored.
  const ir::Arg& old = f.a[1];
  const bool from_state = old.is_value() && block.insts[old.v].op == Op::kGetFlags;
  if (old.is_value() && !from_state) {
    if (skipped_[old.v]) return;
    ra.extend(old.v, set);
  }
  lazy_.set = set;
  lazy_.from = from;
  lazy_.kind = *kind;
  lazy_.store_old = !from_state;
  if (from_state && uses[old.v].size() == 1) skipped_[old.v] = true;  // nothing loads it
}

// A conditional exit on the lazily captured flags branches on the host's
// flags themselves: the capture (SETO, LAHF, MOVZX, LEA) leaves them as the
// op set them, and so do the moves of the state writes between.
void BlockEmitter::plan_fused_branches() {
  fused_.assign(block.insts.size(), false);
  const ir::Ref r = lazy_.from;
  if (r == ir::kNoRef) return;
  const uint32_t insn = block.insts[r].insn;
  for (const ir::Inst& in : block.insts) {
    if (in.dead || in.insn != insn) continue;
    const ir::Kind kind = ir::info(in.op).kind;
    // (A store would be followed by a check for code writes, a call
    // clobbers the flags.)
    if (in.op == Op::kStore || kind == ir::Kind::kCall) return;
  }
  const std::vector<ir::Ref> conds = host_conds(r);
  for (const ir::Ref c : conds) {
    ir::Ref user = ir::kNoRef;
    unsigned users = 0;
    for (ir::Ref u = c + 1; u < block.insts.size(); ++u) {
      const ir::Inst& in = block.insts[u];
      if (in.dead) continue;
      for (const ir::Arg& arg : in.a) {
        if (arg.is_value() && arg.v == c) {
          user = u;
          ++users;
        }
      }
    }
    if (users != 1) continue;
    const ir::Inst& exit = block.insts[user];
    if ((exit.op != Op::kExitCond && exit.op != Op::kSideExit) || !exit.a[0].is_value() ||
        exit.a[0].v != c) {
      continue;
    }
    bool moves_only = true;
    for (ir::Ref u = r + 1; u < user && moves_only; ++u) {
      const ir::Inst& in = block.insts[u];
      if (in.dead || skipped_[u]) continue;
      const bool precomputed_cond =
          in.op == Op::kCond && std::find(conds.begin(), conds.end(), u) != conds.end();
      moves_only = in.op == Op::kSetReg || in.op == Op::kSetFlags || in.op == Op::kGetReg ||
                   in.op == Op::kGetFlags || precomputed_cond;
    }
    if (moves_only) fused_[c] = true;
  }
}

void BlockEmitter::emit_entry_materialize() {
  if (!lazy_.materialize_at_entry) return;
  asmjit::Label raw = a.newLabel();
  asmjit::Label back = a.newLabel();
  a.cmp(state_dword(kOffLazyFlags), 0);
  a.jne(raw);
  a.bind(back);
  add_stub([this, raw, back] {
    a.bind(raw);  // (nothing is live yet)
    a.mov(x86::rdi, kState);
    a.call(reinterpret_cast<uint64_t>(&helper_materialize_flags));
    a.jmp(back);
  });
  lazy_maybe_set_ = false;
}

// SETO and LAHF, kept in AX's layout; the kind goes in bits 16 and up.
void BlockEmitter::emit_lazy_capture(ir::Ref r) {
  const bool save = !ra.is_free(x86::rax);
  if (save) a.mov(kScratch1, x86::rax);
  a.seto(x86::al);
  a.lahf();
  a.movzx(kScratch0.r32(), x86::ax);
  if (save) a.mov(x86::rax, kScratch1);
  const x86::Gp dst = ra.def(r);
  a.lea(dst, x86::dword_ptr(kScratch0, static_cast<int32_t>(lazy_.kind << 16)));
}

void BlockEmitter::emit_lazy_set(const ir::Inst& in) {
  const ir::Arg& old = block.insts[lazy_.from].a[1];
  if (lazy_.store_old) {
    if (old.is_imm()) {
      a.mov(state_dword(kOffEflags), old.v);
    } else {
      a.mov(state_dword(kOffEflags), ra.use(old.v));
    }
  }
  a.mov(state_dword(kOffLazyFlags), ra.use(in.a[0].v));
  lazy_maybe_set_ = true;
}

void BlockEmitter::clear_lazy_flags() {
  if (!lazy_maybe_set_) return;
  a.mov(state_dword(kOffLazyFlags), 0);
  lazy_maybe_set_ = false;
}

}  // namespace tx86::jit::x64
