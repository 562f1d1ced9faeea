// Lazy flags (jit/runtime/lazy_flags.h) in a block. A main-path SetFlags
// whose flags only exits (and interpreter calls, which merge them) see
// before the next one stores the host's capture of its op's flags as they
// are (SETO, LAHF: two instructions) and leaves the merge into EFLAGS to
// whoever reads them. So a block starts with EFLAGS' status bits possibly
// still raw: one that reads them (a Jcc on the flags it starts with, INC's
// CF, ADC, PUSHF) or runs native code that uses EFLAGS in CpuState (REP
// string fast paths, x87) merges them on entry. A SetFlags of a whole
// EFLAGS value clears the raw word if an earlier SetFlags or block may have
// left one; so does an out-of-line exit that writes recomputed flags.
#include <algorithm>

#include "jit/backend/x64/block_emitter.h"
#include "jit/runtime/helpers.h"

namespace tx86::jit::x64 {

namespace {

using ir::Op;

}  // namespace

void BlockEmitter::plan_lazy_flags() {
  const size_t n = block.insts.size();
  lazy_.set.assign(n, false);
  lazy_.kind.assign(n, -1);
  lazy_.store_old.assign(n, false);
  lazy_.materialize_at_entry = false;
  fused_.assign(n, false);

  lazy_.carry_at_entry = false;
  lazy_.carry_on_exits = false;
  lazy_.carry_readers.clear();
  // Which status flags the block reads of those it starts with? CF alone
  // (INC or DEC merging into them, ADC) is common at a loop's head, whose
  // back edge left the compare's flags raw: that one bit is merged, on
  // entry, and the rest stay raw.
  uint32_t read = 0;
  for (ir::Ref r = 0; r < n; ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    if (in.op == Op::kRepString || in.op == Op::kX87) read |= core::flags::kArith;
    if (in.op != Op::kGetFlags) continue;
    for (const Use& u : uses_[r]) {
      const ir::Inst& user = block.insts[u.by];
      if (user.op == Op::kFlagsFrom && u.arg == 1) {
        const uint32_t kept = core::flags::kArith & ~(user.host_mask | user.zero_mask);
        if (kept == core::flags::kCf) lazy_.carry_readers.push_back(u.by);
        read |= kept;
      } else if ((user.op == Op::kAdc || user.op == Op::kSbb) && u.arg == 2) {
        read |= core::flags::kCf;
        lazy_.carry_readers.push_back(ir::kNoRef);
      } else if (user.op != Op::kDfDelta) {
        read |= core::flags::kArith;
      }
    }
  }
  lazy_.carry_at_entry = read == core::flags::kCf;
  lazy_.materialize_at_entry = read != 0 && !lazy_.carry_at_entry;

  // Each main-path SetFlags, up to the next one.
  if (!host_has_lahf()) return;
  ir::Ref set = ir::kNoRef;
  for (ir::Ref r = 0; r <= n; ++r) {
    const bool next = r == n || (!block.insts[r].dead && block.insts[r].op == Op::kSetFlags &&
                                 block.insts[r].aux != ir::kSetFlagsDeferred);
    if (!next) continue;
    if (set != ir::kNoRef && lazy_eligible(set, static_cast<ir::Ref>(r))) {
      lazy_.set[set] = true;
    }
    set = static_cast<ir::Ref>(r);
  }
}

// A SetFlags stores raw flags when its FlagsFrom is of a kind the capture
// encodes and is read by nothing but it and conditions taken from the host
// flags, and nothing before the next SetFlags (`next_set`) reads EFLAGS in
// CpuState but an interpreter call (which merges them itself).
bool BlockEmitter::lazy_eligible(ir::Ref set, ir::Ref next_set) {
  const ir::Inst& s = block.insts[set];
  if (!s.a[0].is_value()) return false;
  const ir::Ref from = s.a[0].v;
  const ir::Inst& f = block.insts[from];
  if (f.op != Op::kFlagsFrom || skipped_[from]) return false;
  const std::optional<uint32_t> kind = lazy_kind_of(f.host_mask, f.zero_mask);
  if (!kind) return false;
  const std::vector<ir::Ref>& conds = host_conds(from);
  for (const Use& u : uses_[from]) {
    if (u.by != set && std::find(conds.begin(), conds.end(), u.by) == conds.end()) return false;
  }
  for (ir::Ref r = set + 1; r < next_set && r < block.insts.size(); ++r) {
    const ir::Inst& in = block.insts[r];
    if (!in.dead && (in.op == Op::kRepString || in.op == Op::kX87)) return false;
  }
  // A store in the same instruction would check itself for code writes,
  // and its exit writes the flags after the instruction as a whole value.
  for (const ir::Inst& in : block.insts) {
    if (!in.dead && in.insn == s.insn && in.op == Op::kStore) return false;
  }
  // The flags it merges into: a GetFlags' are CpuState's (a FlagsFrom over
  // it keeps the bits it does not replace), any other value is stored.
  const ir::Arg& old = f.a[1];
  const bool from_state = old.is_value() && block.insts[old.v].op == Op::kGetFlags;
  if (old.is_value() && !from_state) {
    if (skipped_[old.v]) return false;
    ra.extend(old.v, set);
  }
  lazy_.kind[from] = static_cast<int>(*kind);
  lazy_.store_old[from] = !from_state;
  if (from_state && uses_[old.v].size() == 1) skipped_[old.v] = true;  // nothing loads it
  return true;
}

// A conditional exit on lazily captured flags branches on the host's flags
// themselves: the capture (SETO, LAHF, MOVZX, LEA) leaves them as the op
// set them, and so do the moves of the state writes between.
void BlockEmitter::plan_fused_branches() {
  for (ir::Ref r = 0; r < block.insts.size(); ++r) {
    if (lazy_.kind[r] >= 0) fuse_branches_on(r);
  }
}

void BlockEmitter::fuse_branches_on(ir::Ref r) {
  const uint32_t insn = block.insts[r].insn;
  for (const ir::Inst& in : block.insts) {
    if (in.dead || in.insn != insn) continue;
    const ir::Kind kind = ir::info(in.op).kind;
    // (A store would be followed by a check for code writes, a call
    // clobbers the flags.)
    if (in.op == Op::kStore || kind == ir::Kind::kCall) return;
  }
  const std::vector<ir::Ref>& conds = host_conds(r);
  for (const ir::Ref c : conds) {
    if (uses_[c].size() != 1) continue;
    const ir::Ref user = uses_[c][0].by;
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

// A compare and its branch out of the block (CMP, JB to elsewhere, block
// goes on): the flags are captured on the exit's path alone when nothing
// on the main path needs them in CpuState before the next SetFlags but
// out-of-line exits (faults, stores into code), which recompute them as
// for a deferred SetFlags. That takes SETO, LAHF, MOVZX, LEA and a store
// off every iteration of a loop that stays.
void BlockEmitter::plan_exit_captures() {
  const size_t n = block.insts.size();
  exit_captured_.assign(n, false);
  captures_.assign(n, ir::kNoRef);
  for (ir::Ref set = 0; set < n; ++set) {
    if (!lazy_.set[set]) continue;
    const ir::Ref from = block.insts[set].a[0].v;
    const ir::Inst& f = block.insts[from];
    const ir::Inst& op = block.insts[f.a[0].v];
    if (!flags_recomputable(op)) continue;
    ir::Ref exit = ir::kNoRef;
    for (const ir::Ref c : host_conds(from)) {
      if (!fused_[c]) continue;
      const ir::Ref user = uses_[c][0].by;
      if (block.insts[user].op == Op::kSideExit && user > set) exit = user;
    }
    if (exit == ir::kNoRef) continue;
    ir::Ref next = set + 1;
    while (next < n && (block.insts[next].dead || block.insts[next].op != Op::kSetFlags ||
                        block.insts[next].aux == ir::kSetFlagsDeferred)) {
      ++next;
    }
    if (next >= n || next < exit) continue;  // the block's end needs them
    bool quiet = true;
    for (ir::Ref r = exit + 1; r < next && quiet; ++r) {
      const ir::Inst& in = block.insts[r];
      const ir::Kind kind = ir::info(in.op).kind;
      quiet = in.dead ||
              (kind != ir::Kind::kCall && kind != ir::Kind::kBranch && kind != ir::Kind::kExit);
    }
    if (!quiet) continue;
    exit_captured_[from] = true;
    captures_[exit] = from;
    // What the recomputation reads lives until the next SetFlags.
    keep_flags_operands(f.a[0].v, next);
    // (Merged over CpuState's flags, it needs no value: add_plan_steps.)
    if (lazy_.store_old[from] && f.a[1].is_value()) ra.extend(f.a[1].v, next);
  }
  plan_carry_on_exits();
}

// A loop's DEC whose flags only its exit captures (DEC EDX, JZ out, ...,
// back): the CF it keeps is merged on that exit's path, and on the paths
// that recompute its flags, from the raw word still there (the flags the
// block started with), not on every entry.
// So is an INC whose flags only faults after it see (INC EBX, XOR CL,
// [EBX - 1]: deferred, remat_), which recompute them.
void BlockEmitter::plan_carry_on_exits() {
  if (!lazy_.carry_at_entry) return;
  for (const ir::Ref from : lazy_.carry_readers) {
    if (from == ir::kNoRef) return;
    if (!remat_[from] && (!exit_captured_[from] || lazy_.store_old[from])) return;
  }
  lazy_.carry_at_entry = false;
  lazy_.carry_on_exits = true;
}

// Whether FlagsFrom `from`, merged into CpuState's EFLAGS, needs CF taken
// from the raw word first (plan_carry_on_exits).
bool BlockEmitter::carry_from_raw_word(ir::Ref from) const {
  return lazy_.carry_on_exits && std::find(lazy_.carry_readers.begin(), lazy_.carry_readers.end(),
                                           from) != lazy_.carry_readers.end();
}

// EFLAGS.CF = the raw word's, when there is one that replaced CF (kinds 0
// and 1, the capture's bit 8); the raw word stays and still holds the
// rest. Clobbers kScratch1 and the host flags.
void BlockEmitter::emit_carry_from_raw_word() {
  static_assert((kLazyKinds[0].host & core::flags::kCf) != 0 &&
                (kLazyKinds[1].host & core::flags::kCf) != 0 &&
                (kLazyKinds[2].host & core::flags::kCf) == 0);
  asmjit::Label done = a.newLabel();
  a.mov(kScratch1.r32(), state_dword(kOffLazyFlags));
  a.test(kScratch1.r32(), kScratch1.r32());
  a.jz(done);
  a.cmp(kScratch1.r32(), 2 << 16);
  a.jae(done);
  a.shr(kScratch1.r32(), 8);
  a.and_(kScratch1.r32(), core::flags::kCf);
  a.and_(state_dword(kOffEflags), ~core::flags::kCf);
  a.or_(state_dword(kOffEflags), kScratch1.r32());
  a.bind(done);
}

// On the exit's path, with the host flags still the op's: what
// emit_lazy_capture and emit_lazy_set do on the main path.
void BlockEmitter::emit_exit_capture(ir::Ref from) {
  if (lazy_.store_old[from]) {
    load_operand(kScratch1.r32(), operand_now(block.insts[from].a[1]));
    a.mov(state_dword(kOffEflags), kScratch1.r32());
  }
  capture_host_flags();
  if (carry_from_raw_word(from)) emit_carry_from_raw_word();
  if (lazy_.kind[from] != 0) a.add(kScratch0.r32(), lazy_.kind[from] << 16);
  a.mov(state_dword(kOffLazyFlags), kScratch0.r32());
}

// On entry, when the raw word is set: the whole merge (the trampoline's
// stub), or only CF's bit (carry_at_entry).
void BlockEmitter::emit_entry_materialize() {
  const bool carry = lazy_.carry_at_entry;
  if (!carry && !lazy_.materialize_at_entry) return;
  asmjit::Label raw = a.newLabel();
  asmjit::Label back = a.newLabel();
  a.cmp(state_dword(kOffLazyFlags), 0);
  a.jne(raw);
  a.bind(back);
  add_stub([this, raw, back, carry] {
    a.bind(raw);  // (nothing is live yet)
    if (!carry) {
      a.call(reinterpret_cast<uint64_t>(ctx.trampoline->materialize));
      a.jmp(back);
      return;
    }
    emit_carry_from_raw_word();
    a.jmp(back);
  });
  if (!carry) lazy_maybe_set_ = false;
}

// SETO and LAHF, kept in AX's layout; the kind goes in bits 16 and up.
void BlockEmitter::emit_lazy_capture(ir::Ref r) {
  const bool save = !ra.is_free(x86::rax);
  if (save) a.mov(kScratch1, x86::rax);
  capture_host_flags();
  if (save) a.mov(x86::rax, kScratch1);
  if (capture_stays_in_scratch(r)) {
    if (lazy_.kind[r] != 0) a.lea(kScratch0.r32(), x86::dword_ptr(kScratch0, lazy_.kind[r] << 16));
    in_scratch_ = r;
    return;
  }
  const x86::Gp dst = ra.def(r);
  a.lea(dst, x86::dword_ptr(kScratch0, lazy_.kind[r] << 16));
}

// Whether nothing between capture r and its SetFlags uses r10 (only moves
// of guest state and conditions already taken): the SetFlags stores it
// from there, and r needs no register.
bool BlockEmitter::capture_stays_in_scratch(ir::Ref r) const {
  for (ir::Ref i = r + 1; i < block.insts.size(); ++i) {
    const ir::Inst& in = block.insts[i];
    if (in.dead || skipped_[i]) continue;
    if (in.op == Op::kSetFlags) return lazy_.set[i] && in.a[0].is_value() && in.a[0].v == r;
    const bool moves = in.op == Op::kSetReg || in.op == Op::kGetReg || in.op == Op::kGetFlags ||
                       (in.op == Op::kCond && (precomputed_[i] || fused_[i]));
    if (!moves) return false;
  }
  return false;
}

void BlockEmitter::capture_host_flags() {
  a.seto(x86::al);
  a.lahf();
  a.movzx(kScratch0.r32(), x86::ax);
}

void BlockEmitter::emit_lazy_set(const ir::Inst& in) {
  const ir::Ref from = in.a[0].v;
  const ir::Arg& old = block.insts[from].a[1];
  if (lazy_.store_old[from]) {
    if (old.is_imm()) {
      a.mov(state_dword(kOffEflags), old.v);
    } else {
      a.mov(state_dword(kOffEflags), ra.use(old.v));
    }
  }
  if (in.a[0].v == in_scratch_) {
    a.mov(state_dword(kOffLazyFlags), kScratch0.r32());
  } else {
    a.mov(state_dword(kOffLazyFlags), ra.use(in.a[0].v));
  }
  lazy_maybe_set_ = true;
}

void BlockEmitter::clear_lazy_flags() {
  if (!lazy_maybe_set_) return;
  a.mov(state_dword(kOffLazyFlags), 0);
  lazy_maybe_set_ = false;
}

}  // namespace tx86::jit::x64
