#include "jit/backend/x64/block_emitter.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "jit/runtime/helpers.h"

namespace tx86::jit::x64 {

namespace {
constexpr uint32_t st(ExitStatus e) {
  return static_cast<uint32_t>(e);
}
}  // namespace

BlockEmitter::BlockEmitter(const ir::Block& b, const EmitContext& c, asmjit::CodeHolder& code,
                           Work& work)
    : a(&code), block(b), ctx(c), w_(work), direct_entry_(a.newLabel()) {
  precomputed_.assign(b.insts.size(), false);
  stubs_.clear();
  links_.clear();
}

BlockEmitter::~BlockEmitter() {
  for (Stub* stub : stubs_) stub->~Stub();
}

x86::Gp BlockEmitter::reg_or_load(const ir::Arg& arg, const x86::Gp& scratch) {
  if (arg.is_value()) return ra.use(arg.v);
  a.mov(scratch.r32(), arg.v);
  return scratch.r32();
}

void BlockEmitter::load_guest(const x86::Gp& dst, unsigned gpr) {
  if (pinned_host(gpr) >= 0) {
    a.mov(dst, pinned_reg(gpr));
  } else {
    a.mov(dst, gpr_mem(gpr));
  }
}

// A pinned guest register's value is read from its host register, without
// a copy, when nothing writes that register while the value lives: no
// SetReg of it (an exit's deferred one included: exit paths write the
// registers before the values they read) and no call, which reloads every
// pinned register.
bool BlockEmitter::reads_pinned_in_place(ir::Ref v, unsigned gpr) const {
  return pinned_holds(v, gpr, 0);
}

// Whether v, in gpr's pinned host register from index `from` on, stays
// there until its last use (reads_pinned_in_place's terms).
bool BlockEmitter::pinned_holds(ir::Ref v, unsigned gpr, uint32_t from) const {
  if (pinned_host(gpr) < 0) return false;
  const uint32_t end = ra.last_use(v);
  for (uint32_t i = from; i <= end && i < block.insts.size(); ++i) {
    const ir::Inst& in = block.insts[i];
    if (in.dead || i == v) continue;
    const bool sets = in.op == ir::Op::kSetReg && (in.aux & 7) == gpr;
    if (i < v) {
      // (a deferred one before it is written on the exits after it too)
      if (sets && (in.aux & ir::kSetRegDeferred)) return false;
      continue;
    }
    if (sets || ir::info(in.op).kind == ir::Kind::kCall) return false;
  }
  return true;
}

// A GetReg of a register not pinned, or a GetFlags, is a copy of CpuState
// that stays right while nothing on the main path writes that field (a
// SetReg of it, a SetFlags that stores EFLAGS, a call) before its last
// use: it is loaded where first used, and an exit that needs it reads the
// field (RegAlloc::def_at_home). A GetFlags that an exit's flags plan
// would run an op on is not one: the plan writes EFLAGS before its ops.
void BlockEmitter::plan_homes() {
  const size_t n = block.insts.size();
  std::vector<bool>& home = w_.home;
  home.assign(n, false);
  // Where each field is first written: per register, its first SetReg;
  // for EFLAGS and for every field (a call), the next write at or after
  // each index.
  uint32_t first_set[8];
  std::fill(std::begin(first_set), std::end(first_set), UINT32_MAX);
  std::vector<uint32_t>& next_flags = w_.next_flags_write;
  std::vector<uint32_t>& next_call = w_.next_call;
  next_flags.assign(n + 1, UINT32_MAX);
  next_call.assign(n + 1, UINT32_MAX);
  for (uint32_t i = static_cast<uint32_t>(n); i-- > 0;) {
    const ir::Inst& in = block.insts[i];
    next_flags[i] = next_flags[i + 1];
    next_call[i] = next_call[i + 1];
    if (in.dead) continue;
    if (in.op == ir::Op::kSetReg) first_set[in.aux & 7] = i;
    if (in.op == ir::Op::kSetFlags && in.aux != ir::kSetFlagsDeferred &&
        !(lazy_.set[i] && !lazy_.store_old[in.a[0].v]))
      next_flags[i] = i;
    if (ir::info(in.op).kind == ir::Kind::kCall) next_call[i] = i;
  }
  for (ir::Ref v = 0; v < n; ++v) {
    const ir::Inst& def = block.insts[v];
    if (def.dead || skipped_[v]) continue;
    const bool reg = def.op == ir::Op::kGetReg && pinned_host(def.aux) < 0;
    if (!reg && def.op != ir::Op::kGetFlags) continue;
    const uint32_t end = ra.last_use(v);
    bool ok = next_call[v + 1] > end;
    if (reg) {
      ok = ok && first_set[def.aux & 7] > end;
    } else {
      ok = ok && next_flags[v + 1] > end;
      for (const Use& u : uses_[v]) ok = ok && !flags_recomputable(block.insts[u.by]);
    }
    home[v] = ok;
  }
}

// A value that a SetReg of a pinned register stores is defined in that
// register (ADD ECX, 5 is one host ADD, not a MOV, an ADD and a MOV back)
// when nothing between the two can leave the block (which must find the
// register's old value there) or read that old value; it stays there until
// the register's next write moves it out (evict_pinned).
void BlockEmitter::plan_pinned_defs() {
  const size_t n = block.insts.size();
  for (ir::Ref s = 0; s < n; ++s) {
    const ir::Inst& set = block.insts[s];
    if (set.dead || set.op != ir::Op::kSetReg || (set.aux & ir::kSetRegDeferred) ||
        !set.a[0].is_value() || pinned_host(set.aux) < 0)
      continue;
    const ir::Ref v = set.a[0].v;
    const ir::Kind def_kind = ir::info(block.insts[v].op).kind;
    // (A load may fault, and leave: a folded page group's later one writes
    // its register only once it succeeded, emit_folded_load, and so does
    // its first one when that reads through the RAM window.)
    const PageGroup* group = page_group_of(v);
    const bool load = block.insts[v].op == ir::Op::kLoad && group != nullptr && group->folded &&
                      (group->first != v || (ctx.ram_base != 0 && !group->stores));
    if (skipped_[v] || w_.home[v] ||
        (def_kind != ir::Kind::kPure && def_kind != ir::Kind::kReadState && !load))
      continue;
    // (Nor may anything read the register's old value there: a GetReg of
    // it, as XCHG EAX, EDX has after the GetReg of the value.)
    bool quiet = true;
    for (ir::Ref i = v + 1; i < s && quiet; ++i) {
      const ir::Inst& in = block.insts[i];
      const ir::Kind kind = ir::info(in.op).kind;
      const bool this_reg =
          (in.op == ir::Op::kSetReg || in.op == ir::Op::kGetReg) && (in.aux & 7) == set.aux;
      quiet = in.dead || (!this_reg && (kind == ir::Kind::kPure || kind == ir::Kind::kReadState ||
                                        kind == ir::Kind::kWriteState));
    }
    // An instruction that stores ends with a check for code it rewrote,
    // whose exit must find the register's old value: a value that such an
    // instruction computes after its store, for a SetReg in a later one
    // (CMPXCHG [ECX] then XCHG EAX, ECX), may not go in the register.
    // (Stores between the two are in the loop above.)
    const uint32_t def_insn = block.insts[v].insn;
    for (ir::Ref i = v;
         quiet && def_insn != set.insn && i-- > 0 && block.insts[i].insn == def_insn;) {
      const ir::Op op = block.insts[i].op;
      quiet = block.insts[i].dead || (op != ir::Op::kStore && op != ir::Op::kFallback &&
                                      op != ir::Op::kRepString && op != ir::Op::kX87);
    }
    // After the SetReg, the value stays in the register until the
    // register's next write (which moves it out: evict_pinned) or a call,
    // which reloads every pinned register: none may come while it lives.
    bool no_call = true;
    for (ir::Ref i = s + 1; i <= ra.last_use(v) && i < n && no_call; ++i) {
      no_call = block.insts[i].dead || ir::info(block.insts[i].op).kind != ir::Kind::kCall;
    }
    if (quiet && no_call) ra.hint_pinned(v, pinned_host(set.aux));
  }
}

void BlockEmitter::store_guest(unsigned gpr, const x86::Gp& src) {
  if (pinned_host(gpr) >= 0) {
    if (src.id() != pinned_reg(gpr).id()) a.mov(pinned_reg(gpr), src);
  } else {
    a.mov(gpr_mem(gpr), src);
  }
}

void BlockEmitter::add_guest(unsigned gpr, const x86::Gp& src) {
  if (pinned_host(gpr) >= 0) {
    a.add(pinned_reg(gpr), src);
  } else {
    a.add(gpr_mem(gpr), src);
  }
}

void BlockEmitter::sync_icount(uint32_t done) {
  if (done > synced_) a.add(kIcount, done - synced_);
  synced_ = done;
}

void BlockEmitter::exit_with(uint32_t status, uint32_t eip, bool store_eip, uint32_t done) {
  if (store_eip) a.mov(state_dword(kOffEip), eip);
  if (done > synced_) a.add(kIcount, done - synced_);
  a.mov(x86::eax, status);
  a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
}

void BlockEmitter::run() {
  const uint32_t n = static_cast<uint32_t>(block.guest.size());
  if (ctx.jump_cache != nullptr) {
    // The checked entry, for jump-cache exits (jump_cache.h): is this the
    // block the exit meant?
    const auto miss = reinterpret_cast<uint64_t>(ctx.trampoline->jump_miss);
    a.cmp(kScratch0.r32(), block.start_eip);
    a.jne(miss);
    a.cmp(x86::ecx, ctx.context_id);
    a.jne(miss);
  }
  a.bind(direct_entry_);
  if (ctx.fs_gs_mask != 0) {
    asmjit::Label other = a.newLabel();
    if (ctx.fs_gs_mask == 0xF) {
      a.cmp(x86::byte_ptr(kState, kOffJitFsGs), ctx.fs_gs);
    } else {
      // (rax is free: the budget check below sets it.)
      a.movzx(x86::eax, x86::byte_ptr(kState, kOffJitFsGs));
      a.and_(x86::eax, ctx.fs_gs_mask);
      a.cmp(x86::eax, ctx.fs_gs & ctx.fs_gs_mask);
    }
    a.jne(other);
    add_stub([this, other] {
      a.bind(other);  // (nothing has run: the dispatcher finds the block for them)
      a.mov(kScratch0.r32(), block.start_eip);
      a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->jump_miss));
    });
  }
  // The budget: the whole block runs, or none of it.
  asmjit::Label no_budget = a.newLabel();
  a.lea(x86::rax, x86::qword_ptr(kIcount, static_cast<int32_t>(n)));
  a.cmp(x86::rax, state_qword(kOffIcountLimit));
  a.ja(no_budget);
  add_stub([this, no_budget] {
    a.bind(no_budget);
    exit_with(st(ExitStatus::kBudget), block.start_eip, true, 0);
  });

  // After a guest instruction that stores, check whether the store hit
  // translated code (self-modifying code): then leave before the next
  // instruction, whose bytes may have changed.
  plan_uses();
  plan_deferred_state();
  plan_lazy_flags();
  plan_fused_branches();
  plan_exit_captures();
  plan_page_groups();
  plan_store_checks();
  plan_narrow_inserts();
  plan_homes();
  plan_pinned_defs();
  emit_entry_materialize();
  uint32_t current = 0;
  bool stored = false;
  for (ir::Ref r = 0; r < block.insts.size(); ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    if (in.insn != current) {
      if (stored && self_checked_[current] == ir::kNoRef) emit_code_modified_check(current + 1);
      current = in.insn;
      stored = false;
    }
    const ir::Kind kind = ir::info(in.op).kind;
    if (kind == ir::Kind::kCall || kind == ir::Kind::kBranch || kind == ir::Kind::kExit) {
      bool pending = deferred_.kind != ir::Arg::Kind::kNone;
      for (const ir::Arg& d : deferred_regs_) pending = pending || d.kind != ir::Arg::Kind::kNone;
      if (pending) throw std::logic_error("jit: deferred state reaches a main-path observer");
    }
    ra.begin_instruction(r);
    if (kind == ir::Kind::kCall) ra.spill_caller_saved();
    if (!skipped_[r]) emit(r, in);
    stored = stored || in.op == ir::Op::kStore || in.op == ir::Op::kFallback ||
             in.op == ir::Op::kRepString || in.op == ir::Op::kX87;
    ra.end_instruction(r);
  }
  // Out-of-line code; stubs may add stubs.
  for (size_t i = 0; i < stubs_.size(); ++i) stubs_[i]->emit();
}

void BlockEmitter::plan_store_checks() {
  const size_t n = block.guest.size();
  self_checked_.assign(n, ir::kNoRef);
  std::vector<bool>& bad = w_.store_bad;
  std::vector<ir::Ref>& store = w_.store_of;
  bad.assign(n, false);
  store.assign(n, ir::kNoRef);
  for (ir::Ref r = 0; r < block.insts.size(); ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    const uint32_t i = in.insn;
    if (in.op == ir::Op::kStore) {
      bad[i] = bad[i] || store[i] != ir::kNoRef;  // one store only
      store[i] = r;
      continue;
    }
    if (store[i] == ir::kNoRef) {
      bad[i] = bad[i] || in.op == ir::Op::kFallback || in.op == ir::Op::kRepString ||
               in.op == ir::Op::kX87;
      continue;
    }
    // After the store: only writes of values the store's stub can reach
    // (defined before it).
    const bool state_write = in.op == ir::Op::kSetReg || in.op == ir::Op::kSetFlags;
    const bool known = in.a[0].is_imm() || (in.a[0].is_value() && in.a[0].v < store[i]);
    bad[i] = bad[i] || !state_write || !known;
  }
  // (The last instruction has no check after it: the block ends there.)
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!bad[i] && store[i] != ir::kNoRef) self_checked_[i] = store[i];
  }
}

bool BlockEmitter::store_checks_itself(ir::Ref store) const {
  return self_checked_[block.insts[store].insn] == store;
}

ExitState BlockEmitter::state_after_instruction(ir::Ref store) const {
  ExitState state = deferred_state();
  const uint32_t insn = block.insts[store].insn;
  for (ir::Ref r = store + 1; r < block.insts.size(); ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.insn != insn) break;
    if (in.dead) continue;
    if (in.op == ir::Op::kSetReg) {
      const auto gpr = static_cast<uint8_t>(in.aux & 7);
      state.regs.erase_if([gpr](const ExitState::Reg& x) { return x.gpr == gpr; });
      state.regs.push_back(ExitState::Reg{gpr, operand_now(in.a[0])});
    } else if (in.op == ir::Op::kSetFlags) {
      state.steps.clear();
      add_plan_steps(in.a[0], state);
    }
  }
  return state;
}

void BlockEmitter::emit_code_modified_check(uint32_t next_insn) {
  asmjit::Label modified = a.newLabel();
  a.cmp(x86::byte_ptr(kState, kOffCodeModified), 0);
  a.jne(modified);
  add_code_modified_exit(modified, next_insn, synced_, deferred_state());
}

void BlockEmitter::add_code_modified_exit(const asmjit::Label& at, uint32_t next_insn,
                                          uint32_t synced_here, const ExitState& state) {
  const uint32_t eip = block.guest[next_insn].eip;
  add_stub([this, at, synced_here, eip, next_insn, state] {
    a.bind(at);
    emit_exit_state(state);
    a.mov(x86::byte_ptr(kState, kOffCodeModified), 0);
    a.mov(state_dword(kOffEip), eip);
    if (next_insn > synced_here) a.add(kIcount, next_insn - synced_here);
    a.mov(x86::eax, st(ExitStatus::kInvalidated));
    a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
  });
}

void BlockEmitter::emit_exit_if(const ir::Arg& cond, uint32_t target, uint32_t done,
                                ir::Ref capture) {
  if (cond.is_imm() && cond.v == 0) return;
  asmjit::Label stay = a.newLabel();
  if (cond.is_value() && fused_[cond.v]) {
    // Jcc's condition numbers: odd ones are the even ones negated.
    a.j(static_cast<x86::CondCode>(block.insts[cond.v].aux ^ 1u), stay);
    if (capture != ir::kNoRef) emit_exit_capture(capture);
  } else if (cond.is_value()) {
    const x86::Gp c = ra.use(cond.v);
    a.test(c, c);
    a.jz(stay);
  }
  const uint32_t saved = synced_;
  emit_exit_direct(target, done);
  a.bind(stay);
  synced_ = saved;  // (the code after an always-taken exit is unreachable, but emitted)
}

void BlockEmitter::emit_exit_direct(uint32_t target, uint32_t done) {
  const uint32_t n = done;
  sync_icount(n);
  const uint32_t lin_page = (ctx.cs_base + target) & ~0xFFFu;
  if (lin_page != ctx.link_page) {
    emit_jump_cache_exit(ir::Arg::imm(target));
    return;
  }
  // A patchable jmp rel32, first aimed at its stub, which asks the
  // dispatcher to link it to the target block.
  asmjit::Label jump = a.newLabel();
  asmjit::Label stub = a.newLabel();
  a.bind(jump);
  a.long_().jmp(stub);
  links_.push_back(LinkLabels{jump, stub, target, false, {}, {}, {}});
  add_stub([this, jump, stub, target, n] {
    a.bind(stub);
    a.mov(state_dword(kOffEip), target);
    a.lea(x86::rdx, x86::ptr(jump));
    a.mov(x86::eax, st(ExitStatus::kLink));
    a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
    (void)n;
  });
}

void BlockEmitter::exit_fault(uint32_t insn, uint32_t synced_here, const ExitState& state) {
  emit_exit_state(state);
  a.mov(state_dword(kOffEip), block.guest[insn].eip);
  if (insn > synced_here) a.add(kIcount, insn - synced_here);
  a.mov(x86::eax, st(ExitStatus::kFault));
  a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
}

// A near branch beyond the CS limit: #GP(0) on the branch.
void BlockEmitter::emit_check_eip(const ir::Inst& in) {
  asmjit::Label beyond = a.newLabel();
  if (in.a[0].is_imm()) {
    if (in.a[0].v <= ctx.cs_limit) return;
    a.jmp(beyond);
  } else {
    if (ctx.cs_limit == 0xFFFFFFFFu) return;
    a.cmp(ra.use(in.a[0].v), ctx.cs_limit);
    a.ja(beyond);
  }
  const uint32_t insn = in.insn;
  const uint32_t synced_here = synced();
  ExitState state = deferred_state();
  add_stub([this, beyond, insn, synced_here, state] {
    a.bind(beyond);
    emit_exit_state(state);  // (before the call clobbers what it reads)
    a.mov(x86::rdi, kState);
    a.mov(x86::esi, 13);  // #GP
    a.xor_(x86::edx, x86::edx);
    a.call(reinterpret_cast<uint64_t>(&helper_raise));
    exit_fault(insn, synced_here, ExitState{});
  });
}

// Every IR value is dead at an exit, so rax, rcx and rdx are free here.
void BlockEmitter::emit_jump_cache_exit(const ir::Arg& target) {
  if (target.is_imm()) {
    if (ctx.jump_cache == nullptr) {
      a.mov(state_dword(kOffEip), target.v);
      a.mov(x86::eax, st(ExitStatus::kNext));
      a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
      return;
    }
    // Index, load, jump: the checks come after the jump (jump_cache.h).
    const uint32_t lin = ctx.cs_base + target.v;  // the slot is known now
    a.mov(kScratch0.r32(), target.v);
    a.mov(x86::ecx, ctx.context_id);
    a.mov(x86::rax, reinterpret_cast<uint64_t>(ctx.jump_cache + JumpCache::index(lin)));
    a.jmp(x86::qword_ptr(x86::rax));
    return;
  }
  a.mov(kScratch0.r32(), ra.use(target.v));
  emit_indirect_exit_scratch0();
}

void BlockEmitter::emit_indirect_exit_scratch0() {
  if (ctx.link_page != 0xFFFFFFFFu) {
    emit_inline_cache_exit();
  } else {
    emit_jump_cache_exit_scratch0();
  }
}

// Returns and indirect jumps mostly go where they went last time. The
// cache starts out sending every exit to its stub, which asks the
// dispatcher to fill it: the dispatcher writes the EIP into the compare,
// points the jne at the jump-cache path and links the jmp to the target's
// block (or, for a target in another page, to the jump-cache path too).
// Unlinking points the jmp back at the stub, which fills it again.
void BlockEmitter::emit_inline_cache_exit() {
  LinkLabels l{a.newLabel(), a.newLabel(), 0, true, a.newLabel(), a.newLabel(), a.newLabel()};
  a.bind(l.ic_cmp);
  a.db(0x41);  // cmp r10d, imm32 (the long form, for patching)
  a.db(0x81);
  a.db(0xFA);
  a.dd(0);
  a.bind(l.ic_jne);
  a.long_().jne(l.stub);
  a.bind(l.jump);
  a.long_().jmp(l.stub);
  a.bind(l.ic_generic);
  emit_jump_cache_exit_scratch0();
  links_.push_back(l);
  add_stub([this, l] {
    a.bind(l.stub);
    a.mov(state_dword(kOffEip), kScratch0.r32());
    a.lea(x86::rdx, x86::ptr(l.jump));
    a.mov(x86::eax, st(ExitStatus::kLink));
    a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
  });
}

// The exit for the EIP in kScratch0.
void BlockEmitter::emit_jump_cache_exit_scratch0() {
  if (ctx.jump_cache == nullptr) {
    a.mov(state_dword(kOffEip), kScratch0.r32());
    a.mov(x86::eax, st(ExitStatus::kNext));
    a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
    return;
  }
  x86::Gp lin = kScratch0.r32();
  if (ctx.cs_base != 0) {
    lin = kScratch1.r32();
    a.lea(lin, x86::dword_ptr(kScratch0, static_cast<int32_t>(ctx.cs_base)));
  }
  a.imul(x86::eax, lin, JumpCache::kHashMul);
  a.shr(x86::eax, 32 - JumpCache::kBits);
  a.mov(x86::rdx, reinterpret_cast<uint64_t>(ctx.jump_cache));
  a.mov(x86::ecx, ctx.context_id);
  a.jmp(x86::qword_ptr(x86::rdx, x86::rax, 3));
}

// A side exit to an EIP in a value. The exit is out of line: it may use
// any register, the code that goes on may not lose any.
void BlockEmitter::emit_exit_if_indirect(const ir::Arg& cond, const ir::Arg& target,
                                         uint32_t done) {
  if (cond.is_imm() && cond.v == 0) return;
  asmjit::Label leave = a.newLabel();
  const x86::Gp t = target.is_value() ? ra.use(target.v) : x86::Gp{};
  if (cond.is_value()) {
    const x86::Gp c = ra.use(cond.v);
    a.test(c, c);
    a.jnz(leave);
  } else {
    a.jmp(leave);
  }
  const uint32_t synced_here = synced_;
  const uint32_t imm = target.is_imm() ? target.v : 0;
  add_stub([this, leave, t, imm, done, synced_here] {
    a.bind(leave);
    if (done > synced_here) a.add(kIcount, done - synced_here);
    if (t.isValid()) {
      a.mov(kScratch0.r32(), t.r32());
    } else {
      a.mov(kScratch0.r32(), imm);
    }
    emit_jump_cache_exit_scratch0();
  });
}

void BlockEmitter::emit_fallback(const ir::Inst& in) {
  sync_icount(in.insn);
  emit_fallback_call(in, in.aux & ir::kFallbackMayRepeat);
  lazy_maybe_set_ = false;  // the helper merged them
}

void BlockEmitter::emit_fallback_call(const ir::Inst& in, bool may_repeat) {
  const ir::GuestInsn& g = block.guest[in.insn];
  for (const PinnedGpr& p : kPinned) a.mov(gpr_mem(p.guest), pinned_reg(p.guest));
  a.mov(state_qword(kOffIcount), kIcount);  // (the interpreter counts, and reads the time)
  a.mov(x86::rdi, kState);
  if (in.aux & ir::kFallbackFetch) {
    a.mov(x86::rsi, reinterpret_cast<uint64_t>(&g));
    a.call(reinterpret_cast<uint64_t>(&helper_fallback_fetch));
  } else {
    a.mov(x86::rsi, reinterpret_cast<uint64_t>(&g.decoded));
    a.mov(x86::edx, g.eip);
    a.mov(x86::ecx, static_cast<uint32_t>(block.guest.size()) - in.insn);
    a.call(may_repeat ? reinterpret_cast<uint64_t>(&helper_fallback_rep)
                      : reinterpret_cast<uint64_t>(&helper_fallback));
  }
  for (const PinnedGpr& p : kPinned) a.mov(pinned_reg(p.guest), gpr_mem(p.guest));
  a.mov(kIcount, state_qword(kOffIcount));
  asmjit::Label failed = a.newLabel();
  a.test(x86::eax, x86::eax);
  a.jnz(failed);
  add_stub([this, failed] {
    a.bind(failed);  // eax: the status; the helper left EIP on the instruction
    a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
  });
  if (may_repeat) {
    // A REP step that did not finish: the dispatcher runs it again (after
    // any interrupt), as the interpreter would. It counts as one step.
    asmjit::Label again = a.newLabel();
    const uint32_t next = g.eip + g.decoded.length;
    a.cmp(state_dword(kOffEip), block.code32 ? next : next & 0xFFFFu);
    a.jne(again);
    const uint32_t done = in.insn + 1;
    const uint32_t synced_here = synced();
    add_stub([this, again, done, synced_here] {
      a.bind(again);
      a.add(kIcount, done - synced_here);
      a.mov(x86::eax, st(ExitStatus::kNext));
      a.jmp(reinterpret_cast<uint64_t>(ctx.trampoline->epilogue));
    });
  }
}

void BlockEmitter::emit(ir::Ref r, const ir::Inst& in) {
  using ir::Op;
  const uint32_t n = static_cast<uint32_t>(block.guest.size());
  switch (in.op) {
    case Op::kGetReg:
      if (reads_pinned_in_place(r, in.aux)) {
        ra.bind_pinned(r, pinned_host(in.aux));
      } else if (w_.home[r]) {
        ra.def_at_home(r, kOffGpr + 4 * static_cast<int32_t>(in.aux));
      } else {
        load_guest(ra.def(r), in.aux);
      }
      break;
    case Op::kSetReg:
      // (A value computed in this pinned register, plan_pinned_defs, may
      // live on past the register's next write: it moves out first. A
      // deferred write is done by exits, which must find it elsewhere too.)
      if (pinned_host(in.aux & 7) >= 0) {
        ra.evict_pinned(pinned_host(in.aux & 7), r, in.a[0].is_value() ? in.a[0].v : ir::kNoRef);
      }
      if (in.aux & ir::kSetRegDeferred) {
        deferred_regs_[in.aux & 7] = in.a[0];
        break;
      }
      deferred_regs_[in.aux] = ir::Arg{};
      if (in.a[0].is_value()) {
        const ir::Ref v = in.a[0].v;
        store_guest(in.aux, ra.use(v));
        // A value read on after it went into a pinned register is read
        // there: its own register is free for others (fewer spills).
        if (ra.lives_after(v, r) && pinned_holds(v, in.aux, r + 1))
          ra.move_to_pinned(v, pinned_host(in.aux));
      } else if (pinned_host(in.aux) >= 0) {
        a.mov(pinned_reg(in.aux), in.a[0].v);
      } else {
        a.mov(gpr_mem(in.aux), in.a[0].v);
      }
      break;
    case Op::kGetFlags:
      if (w_.home[r]) {
        ra.def_at_home(r, kOffEflags);
      } else {
        a.mov(ra.def(r), state_dword(kOffEflags));
      }
      break;
    case Op::kSetFlags:
      if (in.aux == ir::kSetFlagsDeferred) {
        deferred_ = in.a[0];
        break;
      }
      deferred_ = ir::Arg{};
      if (lazy_.set[r]) {
        if (!exit_captured_[in.a[0].v]) emit_lazy_set(in);  // (else on the exit's path)
        break;
      }
      if (in.a[0].is_imm()) {
        a.mov(state_dword(kOffEflags), in.a[0].v);
      } else {
        a.mov(state_dword(kOffEflags), ra.use(in.a[0].v));
      }
      clear_lazy_flags();
      break;
    case Op::kFlagsFrom: emit_flags_from(r, in); break;
    case Op::kCond:
      if (!precomputed_[r]) emit_cond(r, in);
      break;
    case Op::kLoad: emit_load(r, in); break;
    case Op::kStore: emit_store(r, in); break;
    case Op::kCheckEip: emit_check_eip(in); break;
    case Op::kGuardCode: emit_guard_code(in); break;
    case Op::kFallback: emit_fallback(in); break;
    case Op::kRepString: emit_rep_string(in); break;
    case Op::kX87: emit_x87(in); break;
    case Op::kExitDirect: emit_exit_direct(in.a[0].v, n); break;
    case Op::kSideExit:
      emit_exit_if(in.a[0], in.a[1].v, in.insn + 1u, captures_[r]);
      // On the main path the captured flags are CpuState's nowhere: until
      // the next SetFlags, an exit recomputes them.
      if (captures_[r] != ir::kNoRef) deferred_ = ir::Arg::value(captures_[r]);
      break;
    case Op::kSideExitIndirect: emit_exit_if_indirect(in.a[0], in.a[1], in.insn + 1u); break;
    case Op::kExitCond:
      if (in.a[0].is_imm()) {  // decided at translation (constants folded)
        emit_exit_direct(in.a[0].v != 0 ? in.a[1].v : in.a[2].v, n);
        break;
      }
      emit_exit_if(in.a[0], in.a[1].v, n);
      emit_exit_direct(in.a[2].v, n);
      break;
    case Op::kExitIndirect:
      sync_icount(n);
      emit_jump_cache_exit(in.a[0]);
      break;
    case Op::kExitToDispatcher: exit_with(st(ExitStatus::kNext), 0, false, n); break;
    case Op::kExitStateEip:
      sync_icount(n);
      a.mov(kScratch0.r32(), state_dword(kOffEip));
      emit_indirect_exit_scratch0();
      break;
    default: emit_alu(r, in); break;
  }
}

void EmitScratchDeleter::operator()(EmitScratch* scratch) const {
  delete scratch;
}

EmitScratchPtr make_emit_scratch() {
  return EmitScratchPtr(new EmitScratch);
}

EmittedBlock emit_block(const ir::Block& block, const EmitContext& ctx) {
  // Assemble where the arena's next block will start (CodeArena::allocate
  // rounds up to 16), so that jumps to the epilogue and the helpers encode
  // as rel32 from there, and copy that. Should the block land elsewhere, it
  // is assembled again at its address. (It used to be assembled twice, the
  // first time only to learn its size: a third of the translation time.)
  EmittedBlock out;
  EmitScratchPtr own_scratch = ctx.scratch == nullptr ? make_emit_scratch() : nullptr;
  EmitScratch& scratch = ctx.scratch != nullptr ? *ctx.scratch : *own_scratch;
  scratch.tlb_slots.clear();
  EmitContext pass_ctx = ctx;
  pass_ctx.tlb_slots = ctx.use_tlb_slots ? &scratch.tlb_slots : nullptr;
  const auto next_start =
      reinterpret_cast<uint64_t>(ctx.arena->base() + ((ctx.arena->used() + 15) & ~size_t{15}));
  for (int pass = 0; pass < 2; ++pass) {
    asmjit::CodeHolder code;
    const uint64_t base = pass == 0 ? next_start : reinterpret_cast<uint64_t>(out.start);
    code.init(asmjit::Environment::host(), base);
    BlockEmitter e(block, pass_ctx, code, scratch.work);
    e.run();
    code.flatten();
    code.relocateToBase(base);
    const size_t size = code.codeSize();
    if (pass == 0) {
      out.start = ctx.arena->allocate(size);
      if (out.start == nullptr) return EmittedBlock{};
      if (reinterpret_cast<uint64_t>(out.start) != base) {
        // (Room for the second assembly to grow: rel8 and rel32 choices differ.)
        out.start = ctx.arena->allocate(size + 64);
        if (out.start == nullptr) return EmittedBlock{};
        continue;
      }
    }
    code.copyFlattenedData(ctx.arena->writable(out.start), size);
    out.size = size;
    out.code = out.start + code.labelOffset(e.direct_entry());
    for (const BlockEmitter::LinkLabels& l : e.links()) {
      EmittedBlock::Link link{out.start + code.labelOffset(l.jump),
                              out.start + code.labelOffset(l.stub), l.target};
      if (l.indirect) {
        link.ic_cmp = out.start + code.labelOffset(l.ic_cmp);
        link.ic_jne = out.start + code.labelOffset(l.ic_jne);
        link.ic_generic = out.start + code.labelOffset(l.ic_generic);
      }
      out.links.push_back(link);
    }
    break;
  }
  return out;
}

}  // namespace tx86::jit::x64
