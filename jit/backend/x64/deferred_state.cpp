// Deferred state: a SetFlags or SetReg that only out-of-line exits observe
// (a fault, a store into translated code) before the next one is not
// written on the main path (forward_state marks it, ir::kSetFlagsDeferred,
// ir::kSetRegDeferred); those exits write it. A register's value stays
// live until the register's next SetReg. A deferred SetFlags' value often
// comes from FlagsFroms that nothing else reads, such as the flags of an
// ADD between two memory accesses, which a later CMP overwrites: those are
// not computed on the main path either. An exit that must show the guest's
// flags recomputes them: it runs each op again on the host from its
// operands, which the register allocator keeps live for as long as the
// value is deferred, and merges the flags as FlagsFrom would.
#include <array>
#include <stdexcept>

#include "jit/backend/x64/block_emitter.h"

namespace tx86::jit::x64 {

namespace {

using ir::Op;
using Operand = ExitState::Operand;

}  // namespace

bool flags_recomputable(const ir::Inst& op) {
  switch (op.op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kAnd:
    case Op::kOr:
    case Op::kXor:
    case Op::kImul:
    case Op::kInc:
    case Op::kDec:
    case Op::kNeg: return true;
    case Op::kShl:
    case Op::kShr:
    case Op::kSar: return op.a[1].is_imm();  // (a count in a register would need CL)
    default: return false;
  }
}

namespace {

x86::Gp sized(const x86::Gp& r, unsigned size) {
  if (size == 1) return r.r8();
  if (size == 2) return r.r16();
  return r.r32();
}

}  // namespace

void BlockEmitter::plan_uses() {
  const size_t n = block.insts.size();
  // Count each value's readers, place the lists, then fill them in order.
  std::vector<uint32_t>& begin = uses_.begin;
  begin.assign(n + 1, 0);
  for (const ir::Inst& in : block.insts) {
    if (in.dead) continue;
    for (const ir::Arg& arg : in.a) {
      if (arg.is_value()) ++begin[arg.v + 1];
    }
  }
  for (size_t v = 0; v < n; ++v) begin[v + 1] += begin[v];
  uses_.all.resize(begin[n]);
  barrier_.resize(n);
  ir::Ref barrier = static_cast<ir::Ref>(n);
  for (ir::Ref r = static_cast<ir::Ref>(n); r-- > 0;) {
    barrier_[r] = barrier;
    const ir::Inst& in = block.insts[r];
    const ir::Kind kind = ir::info(in.op).kind;
    if (!in.dead && (kind == ir::Kind::kCall || kind == ir::Kind::kExit)) barrier = r;
  }
  std::vector<uint32_t>& next = w_.next_use;
  next.assign(begin.begin(), begin.end() - 1);
  for (ir::Ref r = 0; r < n; ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    for (int k = 0; k < 3; ++k) {
      if (in.a[k].is_value()) uses_.all[next[in.a[k].v]++] = {r, k};
    }
  }
}

void BlockEmitter::plan_deferred_state() {
  const size_t n = block.insts.size();
  remat_.assign(n, false);
  skipped_.assign(n, false);
  result_kept_.assign(n, false);
  const UseLists& uses = uses_;
  // Users come after their values: decide from the end.
  for (ir::Ref r = static_cast<ir::Ref>(n); r-- > 0;) {
    const ir::Inst& in = block.insts[r];
    if (in.dead || in.op != Op::kFlagsFrom || !in.a[0].is_value()) continue;
    if (!flags_recomputable(block.insts[in.a[0].v])) continue;
    bool only_deferred = !uses[r].empty();
    for (const Use& u : uses[r]) {
      const ir::Inst& user = block.insts[u.by];
      const bool deferred_write = user.op == Op::kSetFlags && user.aux == ir::kSetFlagsDeferred;
      const bool remat_user = user.op == Op::kFlagsFrom && u.arg == 1 && remat_[u.by];
      only_deferred = only_deferred && (deferred_write || remat_user);
    }
    remat_[r] = skipped_[r] = only_deferred;
  }
  // An op whose flags are all it is used for, and only by those.
  for (ir::Ref r = 0; r < n; ++r) {
    const ir::Inst& in = block.insts[r];
    if (in.dead || !flags_recomputable(in) || uses[r].empty()) continue;
    bool only_remat = true;
    for (const Use& u : uses[r]) only_remat = only_remat && u.arg == 0 && remat_[u.by];
    skipped_[r] = only_remat;
  }
  // Each deferred value stays recomputable until the next SetFlags, each
  // deferred register's until its next SetReg (found walking back).
  auto next_flags = static_cast<ir::Ref>(n);
  std::array<ir::Ref, 8> next_reg;
  next_reg.fill(static_cast<ir::Ref>(n));
  for (ir::Ref r = static_cast<ir::Ref>(n); r-- > 0;) {
    const ir::Inst& in = block.insts[r];
    if (in.dead) continue;
    if (in.op == Op::kSetFlags) {
      if (in.aux == ir::kSetFlagsDeferred) keep_live_for(in.a[0], next_flags);
      next_flags = r;
    }
    if (in.op == Op::kSetReg) {
      const unsigned gpr = in.aux & 7u;
      if ((in.aux & ir::kSetRegDeferred) && in.a[0].is_value()) {
        ra.extend(in.a[0].v, deferred_until(r, next_reg[gpr]));
      }
      next_reg[gpr] = r;
    }
  }
}

// A deferred register value is what exits show until the register's next
// SetReg (`next`). When nothing between the definition of that SetReg's
// value and the SetReg can leave the block (an ALU op and its SetReg, in
// one guest instruction), the old value is needed only up to that op,
// which may then run in its register: SHR ESI, 8 then XOR ESI, [EDI + ECX *
// 4] is one register, not a copy.
uint32_t BlockEmitter::deferred_until(ir::Ref set, ir::Ref next) const {
  if (next >= block.insts.size()) return next;
  const ir::Inst& later = block.insts[next];
  if (!later.a[0].is_value()) return next;
  const ir::Ref d = later.a[0].v;
  if (d <= set || block.insts[d].insn != later.insn) return next;
  for (ir::Ref r = d; r < next; ++r) {
    const ir::Inst& in = block.insts[r];
    const ir::Kind kind = ir::info(in.op).kind;
    if (!in.dead && (kind == ir::Kind::kMemory || kind == ir::Kind::kCall ||
                     kind == ir::Kind::kBranch || kind == ir::Kind::kExit)) {
      return next;
    }
  }
  return d;
}

void BlockEmitter::keep_live_for(const ir::Arg& flags, uint32_t until) {
  if (!flags.is_value()) return;
  if (!remat_[flags.v]) {
    ra.extend(flags.v, until);
    return;
  }
  const ir::Inst& from = block.insts[flags.v];
  keep_flags_operands(from.a[0].v, until);
  keep_live_for(from.a[1], until);
}

// An ADD, SUB or XOR (of a constant or a value), INC, DEC or NEG whose
// result is computed anyway: its first operand is the result with the op
// undone, so that operand need not outlive the op. It would otherwise, and
// the op could not be done in its register: a copy first (MOV ECX, EDX;
// INC ECX). Ops emitted for their flags alone (CMP) keep their operands.
void BlockEmitter::keep_flags_operands(ir::Ref o, uint32_t until) {
  const ir::Inst& op = block.insts[o];
  bool invertible = false;
  switch (op.op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kXor:
    case Op::kInc:
    case Op::kDec:
    case Op::kNeg: invertible = true; break;
    default: break;
  }
  if (result_kept_[o] || (invertible && !skipped_[o] && !only_host_flags_read(o))) {
    result_kept_[o] = true;
    ra.extend(o, until);
    if (op.a[1].is_value()) ra.extend(op.a[1].v, until);
    return;
  }
  for (int k = 0; k < 2; ++k) {
    if (op.a[k].is_value()) ra.extend(op.a[k].v, until);
  }
}

Operand BlockEmitter::operand_now(const ir::Arg& arg) const {
  if (arg.is_imm()) return {Operand::Kind::kImm, arg.v};
  if (!arg.is_value()) return {};
  if (const int32_t home = ra.only_at_home(arg.v); home >= 0)
    return {Operand::Kind::kField, static_cast<uint32_t>(home)};
  const int where = ra.location(arg.v);
  if (where >= 0) return {Operand::Kind::kReg, static_cast<uint32_t>(where)};
  return {Operand::Kind::kSlot, static_cast<uint32_t>(-1 - where)};
}

void BlockEmitter::add_plan_steps(const ir::Arg& flags, ExitState& plan) const {
  if (!flags.is_value() || !(remat_[flags.v] || exit_captured_[flags.v])) {
    plan.steps.push_back(ExitState::Step{Op::kCopy, 4, operand_now(flags), {}, 0, 0});
    return;
  }
  const ir::Inst& from = block.insts[flags.v];
  // An exit-captured FlagsFrom over CpuState's own flags merges into them
  // as they are (plan_exit_captures).
  if (!exit_captured_[flags.v] || lazy_.store_old[flags.v]) add_plan_steps(from.a[1], plan);
  if (carry_from_raw_word(flags.v))
    plan.steps.push_back(ExitState::Step{Op::kGetFlags, 4, {}, {}, 0, 0, false});
  const ir::Ref o = from.a[0].v;
  const ir::Inst& op = block.insts[o];
  const bool from_result = result_kept_[o];
  plan.steps.push_back(ExitState::Step{
      op.op, op.size, from_result ? operand_now(ir::Arg::value(o)) : operand_now(op.a[0]),
      operand_now(op.a[1]), from.host_mask, from.zero_mask, from_result});
}

ExitState BlockEmitter::deferred_state() const {
  ExitState plan;
  if (deferred_.kind != ir::Arg::Kind::kNone) add_plan_steps(deferred_, plan);
  for (uint8_t g = 0; g < 8; ++g) {
    if (deferred_regs_[g].kind != ir::Arg::Kind::kNone) {
      plan.regs.push_back(ExitState::Reg{g, operand_now(deferred_regs_[g])});
    }
  }
  return plan;
}

void BlockEmitter::load_operand(const x86::Gp& dst, const ExitState::Operand& o) {
  switch (o.kind) {
    case Operand::Kind::kImm: a.mov(dst, o.v); break;
    case Operand::Kind::kReg:
      a.mov(dst, x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, o.v));
      break;
    case Operand::Kind::kSlot: a.mov(dst, x86::dword_ptr(x86::rsp, 8 * o.v)); break;
    case Operand::Kind::kField: a.mov(dst, state_dword(static_cast<int32_t>(o.v))); break;
    case Operand::Kind::kNone: throw std::logic_error("jit: a flags plan without a value");
  }
}

void BlockEmitter::emit_exit_state(const ExitState& plan) {
  const auto load = [&](const x86::Gp& dst, const Operand& o) { load_operand(dst, o); };
  for (const ExitState::Reg& reg : plan.regs) {
    if (pinned_host(reg.gpr) >= 0) {
      load(pinned_reg(reg.gpr), reg.value);
    } else if (reg.value.kind == Operand::Kind::kImm) {
      a.mov(gpr_mem(reg.gpr), reg.value.v);
    } else {
      load(kScratch1.r32(), reg.value);
      a.mov(gpr_mem(reg.gpr), kScratch1.r32());
    }
  }
  for (const ExitState::Step& step : plan.steps) {
    if (step.op == Op::kGetFlags) {
      emit_carry_from_raw_word();
      continue;
    }
    if (step.op == Op::kCopy) {
      // (EFLAGS as it is in CpuState: nothing to write)
      if (step.a0.kind == Operand::Kind::kField && step.a0.v == kOffEflags) continue;
      load(kScratch1.r32(), step.a0);
      a.mov(state_dword(kOffEflags), kScratch1.r32());
      continue;
    }
    load(kScratch0.r32(), step.a0);
    const x86::Gp d = sized(kScratch0, step.size);
    const Operand& b = step.a1;
    const asmjit::Imm imm(b.v);
    const x86::Gp breg = sized(x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, b.v), step.size);
    const x86::Mem bmem = b.kind == Operand::Kind::kField
                              ? x86::ptr(kState, static_cast<int32_t>(b.v), step.size)
                              : x86::ptr(x86::rsp, static_cast<int32_t>(8 * b.v), step.size);
    auto binary = [&](auto form) {
      if (b.kind == Operand::Kind::kImm) {
        form(d, imm);
      } else if (b.kind == Operand::Kind::kReg) {
        form(d, breg);
      } else {
        form(d, bmem);
      }
    };
    if (step.from_result) {  // the first operand, from the result
      switch (step.op) {
        case Op::kAdd: binary([&](auto x, auto y) { a.sub(x, y); }); break;
        case Op::kSub: binary([&](auto x, auto y) { a.add(x, y); }); break;
        case Op::kXor: binary([&](auto x, auto y) { a.xor_(x, y); }); break;
        case Op::kInc: a.dec(d); break;
        case Op::kDec: a.inc(d); break;
        case Op::kNeg: a.neg(d); break;
        default: throw std::logic_error("jit: a flags plan that cannot undo its op");
      }
    }
    switch (step.op) {
      case Op::kAdd: binary([&](auto x, auto y) { a.add(x, y); }); break;
      case Op::kSub: binary([&](auto x, auto y) { a.sub(x, y); }); break;
      case Op::kAnd: binary([&](auto x, auto y) { a.and_(x, y); }); break;
      case Op::kOr: binary([&](auto x, auto y) { a.or_(x, y); }); break;
      case Op::kXor: binary([&](auto x, auto y) { a.xor_(x, y); }); break;
      case Op::kImul:
        if (b.kind == Operand::Kind::kImm) {
          a.imul(d, d, imm);
        } else if (b.kind == Operand::Kind::kReg) {
          a.imul(d, breg);
        } else {
          a.imul(d, bmem);
        }
        break;
      case Op::kInc: a.inc(d); break;
      case Op::kDec: a.dec(d); break;
      case Op::kNeg: a.neg(d); break;
      case Op::kShl:
      case Op::kShr:
      case Op::kSar: emit_shift_imm(step.op, d, b.v, step.host_mask & core::flags::kOf); break;
      default: throw std::logic_error("jit: a flags plan with an op it cannot run");
    }
    a.pushfq();
    a.pop(kScratch0);
    a.and_(kScratch0.r32(), step.host_mask);
    a.mov(kScratch1.r32(), state_dword(kOffEflags));
    a.and_(kScratch1.r32(), ~(step.host_mask | step.zero_mask));
    a.or_(kScratch1.r32(), kScratch0.r32());
    a.mov(state_dword(kOffEflags), kScratch1.r32());
  }
  // A whole EFLAGS value: raw flags an earlier block left would replace it.
  if (!plan.steps.empty()) a.mov(state_dword(kOffLazyFlags), 0);
}

}  // namespace tx86::jit::x64
