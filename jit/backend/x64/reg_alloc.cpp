#include "jit/backend/x64/reg_alloc.h"

#include <stdexcept>
#include <string>

namespace tx86::jit::x64 {

namespace {
// Allocation order: caller-saved first, callee-saved for values that live
// across calls. rsp, r10, r11 (scratch), r14 (kIcount) and r15 (state) are
// never handed out.
// RAX last: the flag capture (LAHF) needs it and saves it when it is taken.
constexpr int kCallerSaved[] = {1, 2, 6, 7, 8, 9, 0};  // rcx rdx rsi rdi r8 r9 rax
constexpr int kCalleeSaved[] = {3, 5, 12, 13};         // rbx rbp r12 r13

bool is_callee_saved(int r) {
  for (int c : kCalleeSaved) {
    if (c == r) return true;
  }
  return false;
}
}  // namespace

RegAlloc::RegAlloc(x86::Assembler& a, const ir::Block& block, Work& work)
    : a_(a),
      last_use_(work.last_use),
      next_call_(work.next_call),
      reg_of_(work.reg_of),
      slot_of_(work.slot_of),
      extra_def_(work.extra_def),
      home_(work.home),
      pinned_hint_(work.pinned_hint),
      insts_(static_cast<uint32_t>(block.insts.size())) {
  extra_def_.clear();
  last_use_.assign(block.insts.size(), 0);
  next_call_.assign(block.insts.size() + 1, UINT32_MAX);
  reg_of_.assign(block.insts.size(), kNone);
  slot_of_.assign(block.insts.size(), kNone);
  home_.assign(block.insts.size(), -1);
  pinned_hint_.assign(block.insts.size(), -1);
  slot_owner_.fill(ir::kNoRef);
  owner_.fill(ir::kNoRef);
  for (uint32_t i = 0; i < block.insts.size(); ++i) {
    const ir::Inst& in = block.insts[i];
    if (in.dead) continue;
    last_use_[i] = i;
    for (const ir::Arg& arg : in.a) {
      if (arg.is_value()) last_use_[arg.v] = i;
    }
  }
  for (uint32_t i = static_cast<uint32_t>(block.insts.size()); i-- > 0;) {
    const ir::Inst& in = block.insts[i];
    next_call_[i] = (!in.dead && ir::info(in.op).kind == ir::Kind::kCall) ? i : next_call_[i + 1];
  }
}

bool RegAlloc::has_callee_saved() {
  for (int c : kCalleeSaved) {
    if (!is_pinned_host(c)) return true;
  }
  return false;
}

void RegAlloc::spill_caller_saved() {
  for (int r : kCallerSaved) {
    const ir::Ref v = owner_[r];
    if (v != ir::kNoRef && last_use_[v] > current_) spill(r);
  }
}

bool RegAlloc::crosses_call(ir::Ref v) const {
  const uint32_t def_at = v < insts_ ? v : extra_def_[v - insts_];
  return next_call_[def_at] < last_use_[v];
}

ir::Ref RegAlloc::add_value(uint32_t def_at, uint32_t last_use) {
  const auto v = static_cast<ir::Ref>(last_use_.size());
  last_use_.push_back(last_use);
  reg_of_.push_back(kNone);
  slot_of_.push_back(kNone);
  home_.push_back(-1);
  pinned_hint_.push_back(-1);
  extra_def_.push_back(def_at);
  return v;
}

int RegAlloc::free_register(bool callee_saved_only) {
  if (!callee_saved_only) {
    for (int r : kCallerSaved) {
      if (!((owned_ | temp_) & bit(r))) return r;
    }
  }
  for (int r : kCalleeSaved) {
    if (!is_pinned_host(r) && !((owned_ | temp_) & bit(r))) return r;
  }
  return kNone;
}

void RegAlloc::spill(int reg) {
  const ir::Ref v = owner_[reg];
  if (slot_of_[v] == kNone && home_[v] < 0) {
    static_assert(kValueSlots == 64, "slots_used_ has a bit per slot");
    const uint64_t free = ~slots_used_;
    if (free == 0) throw std::runtime_error("jit: out of spill slots");
    const int s = __builtin_ctzll(free);
    slot_owner_[s] = v;
    slots_used_ |= uint64_t{1} << s;
    slot_of_[v] = s;
    a_.mov(spill_slot(slot_of_[v]), x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpq, reg));
  }
  reg_of_[v] = kNone;
  disown(reg);
}

int RegAlloc::take_register(bool callee_saved_only) {
  // With every callee-saved register pinned (abi.h), values that live
  // across a call take caller-saved ones too, spilled at the call.
  callee_saved_only = callee_saved_only && has_callee_saved();
  int r = free_register(callee_saved_only);
  if (r != kNone) return r;
  // Evict the unlocked value whose last use is furthest away.
  int victim = kNone;
  uint32_t furthest = 0;
  auto consider = [&](int reg) {
    const ir::Ref v = owner_[reg];
    if (v == ir::kNoRef || ((locked_ | temp_) & bit(reg))) return;
    if (victim == kNone || last_use_[v] > furthest) {
      victim = reg;
      furthest = last_use_[v];
    }
  };
  if (!callee_saved_only) {
    for (int c : kCallerSaved) consider(c);
  }
  for (int c : kCalleeSaved) {
    if (!is_pinned_host(c)) consider(c);
  }
  if (victim == kNone) throw std::runtime_error("jit: out of registers");
  spill(victim);
  return victim;
}

x86::Gp RegAlloc::use(ir::Ref v) {
  int r = reg_of_[v];
  if (r == kNone) {
    if (slot_of_[v] == kNone && home_[v] < 0)
      throw std::runtime_error("jit: use of a value with no location: %" + std::to_string(v));
    r = take_register(crosses_call(v) && next_call_[current_] < last_use_[v]);
    if (slot_of_[v] != kNone) {
      a_.mov(x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpq, r), spill_slot(slot_of_[v]));
    } else {
      a_.mov(x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, r),
             x86::dword_ptr(kState, home_[v]));
    }
    reg_of_[v] = r;
    own(r, v);
  }
  locked_ |= bit(r);
  return x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, r);
}

x86::Gp RegAlloc::def(ir::Ref v) {
  const int hint = pinned_hint_[v];
  const int r = hint >= 0 && owner_[hint] == ir::kNoRef ? hint : take_register(crosses_call(v));
  reg_of_[v] = r;
  own(r, v);
  locked_ |= bit(r);
  return x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, r);
}

x86::Gp RegAlloc::def_over(ir::Ref v, const ir::Arg& from) {
  if (from.is_value() && last_use_[from.v] == current_ && reg_of_[from.v] != kNone &&
      (is_pinned_host(reg_of_[from.v]) ? reg_of_[from.v] == pinned_hint_[v]
                                       : !crosses_call(v) || is_callee_saved(reg_of_[from.v]))) {
    const int r = reg_of_[from.v];
    reg_of_[from.v] = kNone;
    reg_of_[v] = r;
    own(r, v);
    locked_ |= bit(r);
    return x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, r);
  }
  return def(v);
}

x86::Gp RegAlloc::bind_pinned(ir::Ref v, int host) {
  reg_of_[v] = host;
  own(host, v);
  locked_ |= bit(host);
  return x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, host);
}

void RegAlloc::move_to_pinned(ir::Ref v, int host) {
  const int old = reg_of_[v];
  if (old == host) return;
  if (old != kNone) disown(old);
  reg_of_[v] = host;
  own(host, v);
}

void RegAlloc::evict_pinned(int host, uint32_t at, ir::Ref keep) {
  const ir::Ref w = owner_[host];
  if (w == ir::kNoRef || w == keep || last_use_[w] <= at) return;
  const int r = take_register(false);
  a_.mov(x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpq, r),
         x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpq, host));
  disown(host);
  reg_of_[w] = r;
  own(r, w);
}

void RegAlloc::def_at_home(ir::Ref v, int32_t state_offset) {
  home_[v] = state_offset;
  reg_of_[v] = kNone;
}

x86::Gp RegAlloc::temp() {
  const int r = take_register(false);
  temp_ |= bit(r);
  return x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, r);
}

void RegAlloc::end_instruction(uint32_t at) {
  locked_ = 0;
  temp_ = 0;
  for (uint32_t m = owned_; m != 0; m &= m - 1) {
    const int r = __builtin_ctz(m);
    const ir::Ref v = owner_[r];
    if (last_use_[v] <= at) {
      disown(r);
      reg_of_[v] = kNone;
    }
  }
  for (uint64_t m = slots_used_; m != 0; m &= m - 1) {
    const int slot = __builtin_ctzll(m);
    const ir::Ref v = slot_owner_[slot];
    if (last_use_[v] <= at) {
      slot_owner_[slot] = ir::kNoRef;
      slots_used_ &= ~(uint64_t{1} << slot);
      slot_of_[v] = kNone;
    }
  }
  current_ = at + 1;
}

int RegAlloc::location(ir::Ref v) const {
  if (reg_of_[v] != kNone) return reg_of_[v];
  if (slot_of_[v] != kNone) return -1 - slot_of_[v];
  throw std::logic_error("jit: a value needed on an exit path is not live");
}

}  // namespace tx86::jit::x64
