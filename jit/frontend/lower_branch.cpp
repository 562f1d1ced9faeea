// Near JMP, Jcc, CALL and RET, LOOP/LOOPE/LOOPNE and JCXZ: the block ends
// here (a Jcc may instead leave through a side exit and let it go on; a RET
// returning from a CALL the block followed goes on after that CALL, with a
// side exit for any other return address). Direct targets are known now
// and checked against the CS limit of the block's key (beyond it, the interpreter raises the #GP);
// indirect targets are checked when they are known (CheckEip).
#include "core/cpu/registers.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

namespace {

using core::Mnemonic;
using core::OperandKind;
using ir::Arg;
using ir::Op;

uint32_t wrap(const core::DecodedInsn& insn, uint32_t target) {
  return insn.opsize == 2 ? target & 0xFFFF : target;
}

// The target of a relative branch, or false when it is beyond the CS limit.
bool direct_target(const LowerContext& c, const core::DecodedInsn& insn, uint32_t& target) {
  target = wrap(insn, c.next_eip + insn.imm);
  return target <= c.cs_limit;
}

// Leaves for `target`, or, when allowed, lets the translator go on there
// (it still ends the block when the target is on another page).
void exit_direct(LowerContext& c, uint32_t target) {
  if (c.may_follow) {
    c.follow = true;
    c.follow_target = target;
    return;
  }
  c.b.emit(Op::kExitDirect, 4, 0, Arg::imm(target));
  c.ended = true;
}

void exit_cond(LowerContext& c, Arg cond, uint32_t taken) {
  c.b.emit(Op::kExitCond, 4, 0, cond, Arg::imm(taken), Arg::imm(c.next_eip));
  c.ended = true;
}

// Pushes the return address; ESP moves after the store.
void push_return(LowerContext& c, unsigned size) {
  const Arg esp = c.reg(core::kEsp, 4);
  const Arg moved = c.moved_esp(esp, -static_cast<int32_t>(size));
  c.b.emit(Op::kStore, static_cast<uint8_t>(size), core::kSs, c.stack_offset(moved),
           Arg::imm(wrap(c.insn, c.next_eip)));
  c.b.emit(Op::kSetReg, 4, core::kEsp, moved);
}

Arg checked_target(LowerContext& c, const core::DecodedInsn& insn, Arg v) {
  if (insn.opsize == 2) v = c.value(Op::kZeroExtend, 2, v);
  c.b.emit(Op::kCheckEip, 4, 0, v);
  return v;
}

void exit_indirect(LowerContext& c, Arg target) {
  c.b.emit(Op::kExitIndirect, 4, 0, target);
  c.ended = true;
}

// LOOPcc and JCXZ count in CX or ECX by the address size.
bool lower_loop(LowerContext& c, const core::DecodedInsn& insn) {
  uint32_t target = 0;
  if (!direct_target(c, insn, target)) return false;
  const unsigned asize = insn.addrsize;
  const Arg ecx = c.reg(core::kEcx, asize);
  if (insn.mnemonic == Mnemonic::kJcxz) {
    const Arg count = asize == 4 ? ecx : c.value(Op::kZeroExtend, 2, ecx);
    // taken = (count == 0): Select(count, 0, 1)
    exit_cond(c, c.value(Op::kSelect, 4, count, Arg::imm(0), Arg::imm(1)), target);
    return true;
  }
  Arg count = c.value(Op::kSub, asize, ecx, Arg::imm(1));  // zero-extended to the size
  Arg take = c.value(Op::kSelect, 4, count, Arg::imm(1), Arg::imm(0));
  if (insn.mnemonic != Mnemonic::kLoop) {
    const uint8_t cc = insn.mnemonic == Mnemonic::kLoope ? 0x4 : 0x5;  // Z / NZ
    const Arg z = Arg::value(c.b.emit(Op::kCond, 4, cc, c.flags()));
    take = c.value(Op::kAnd, 4, take, z);
  }
  c.set_reg(core::kEcx, asize, count);
  exit_cond(c, take, target);
  return true;
}

}  // namespace

bool lower_branch(LowerContext& c, const core::DecodedInsn& insn) {
  uint32_t target = 0;
  switch (insn.mnemonic) {
    case Mnemonic::kJmp:
      if (!direct_target(c, insn, target)) return false;
      exit_direct(c, target);
      return true;
    case Mnemonic::kJcc: {
      if (!direct_target(c, insn, target)) return false;
      const Arg cond = Arg::value(c.b.emit(Op::kCond, 4, insn.condition(), c.flags()));
      if (c.may_continue) {
        c.b.emit(Op::kSideExit, 4, 0, cond, Arg::imm(target));
        c.side_exit = true;
      } else {
        exit_cond(c, cond, target);
      }
      return true;
    }
    case Mnemonic::kCall:
      if (!direct_target(c, insn, target)) return false;
      push_return(c, insn.opsize);
      exit_direct(c, target);
      if (c.follow && c.returns != nullptr) c.returns->push_back(wrap(insn, c.next_eip));
      return true;
    case Mnemonic::kJmpIndirect: exit_indirect(c, checked_target(c, insn, c.read(0))); return true;
    case Mnemonic::kCallIndirect: {
      const Arg t = checked_target(c, insn, c.read(0));
      push_return(c, insn.opsize);
      exit_indirect(c, t);
      return true;
    }
    case Mnemonic::kRet: {
      const unsigned size = insn.opsize;
      const uint32_t release = size + (insn.ops[0].kind == OperandKind::kImm ? insn.imm : 0);
      const Arg esp = c.reg(core::kEsp, 4);
      const Arg v = Arg::value(
          c.b.emit(Op::kLoad, static_cast<uint8_t>(size), core::kSs, c.stack_offset(esp)));
      const Arg t = checked_target(c, insn, v);
      c.b.emit(Op::kSetReg, 4, core::kEsp, c.moved_esp(esp, static_cast<int32_t>(release)));
      if (c.returns != nullptr && !c.returns->empty() && c.may_follow && c.may_continue) {
        // The return address of the CALL this block followed, most likely:
        // go on there, and leave for the real one when it is not.
        const uint32_t predicted = c.returns->back();
        c.returns->pop_back();
        const Arg wrong = c.value(Op::kSub, 4, t, Arg::imm(predicted));
        c.b.emit(Op::kSideExitIndirect, 4, 0, wrong, t);
        c.side_exit = true;
        exit_direct(c, predicted);
        return true;
      }
      exit_indirect(c, t);
      return true;
    }
    case Mnemonic::kLoop:
    case Mnemonic::kLoope:
    case Mnemonic::kLoopne:
    case Mnemonic::kJcxz: return lower_loop(c, insn);
    default: return false;
  }
}

}  // namespace tx86::jit
