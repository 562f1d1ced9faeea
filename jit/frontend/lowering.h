// Lowering of guest instructions into IR, one file per instruction family
// (lower_*.cpp). A lowering returns false to leave the instruction to the
// interpreter (a Fallback op); it must then have emitted nothing.
//
// Precise state: an instruction's loads, stores and checks (the ops that may
// fault) come before its SetReg/SetFlags, so a fault leaves the guest state
// exactly as it was before the instruction.
#pragma once

#include <vector>

#include <cstdint>

#include "core/decoder/decoded_insn.h"
#include "jit/ir/ir.h"

namespace tx86::jit {

struct LowerContext {
  LowerContext(ir::Builder& builder, ir::Block& blk, const core::DecodedInsn& decoded, uint16_t idx,
               uint32_t at, uint32_t next, uint32_t limit, bool big_stack)
      : b(builder),
        block(blk),
        insn(decoded),
        index(idx),
        eip(at),
        next_eip(next),
        cs_limit(limit),
        stack32(big_stack) {}

  ir::Builder& b;
  ir::Block& block;
  const core::DecodedInsn& insn;
  uint16_t index;     // the guest instruction's index in the block
  uint32_t eip;       // its EIP
  uint32_t next_eip;  // the EIP after it
  uint32_t cs_limit;  // of the CS the block was translated for (part of its key)
  bool stack32;       // SS.B of the same
  bool v86 = false;   // virtual-8086 mode (the block's mode bits)
  // CLI and STI need no IOPL check: real mode, or CPL 0 outside V86 mode
  // (the block's mode bits).
  bool iopl_free = false;
  bool ended = false;         // the lowering emitted the block's exit
  bool may_continue = false;  // a Jcc may become a side exit (TranslateOptions)
  bool side_exit = false;     // the lowering emitted one
  bool may_follow = false;    // a direct JMP/CALL may go on at its target (TranslateOptions)
  bool follow = false;        // it does: the block goes on at follow_target
  uint32_t follow_target = 0;
  // The return addresses of the CALLs the block followed, innermost last: a
  // RET predicts the last one and, when right, goes on there.
  std::vector<uint32_t>* returns = nullptr;

  // A general register of `size` bytes (Gpr8 numbering for size 1). Only
  // the low `size` bytes of the value are meaningful.
  ir::Arg reg(uint8_t r, unsigned size);
  // Writes the low `size` bytes of a register, keeping the rest.
  void set_reg(uint8_t r, unsigned size, ir::Arg v);
  // The memory operand's offset, wrapped to the address size (computed once).
  ir::Arg offset();
  // Operand i (register, memory or immediate) and its write-back.
  ir::Arg read(int i);
  void write(int i, ir::Arg v);
  // EFLAGS as the instruction found it.
  ir::Arg flags();

  // Stack: the offset of the top of stack, and pushes/pops of `size` bytes.
  ir::Arg stack_offset(ir::Arg esp);  // ESP or SP by the stack size
  // The new ESP after moving the stack pointer by `delta` (wrapped to SP
  // when the stack is 16-bit).
  ir::Arg moved_esp(ir::Arg esp, int32_t delta);

  ir::Ref emit(ir::Op op, unsigned size, ir::Arg a0 = {}, ir::Arg a1 = {}, ir::Arg a2 = {}) {
    return b.emit(op, static_cast<uint8_t>(size), 0, a0, a1, a2);
  }
  ir::Arg value(ir::Op op, unsigned size, ir::Arg a0 = {}, ir::Arg a1 = {}, ir::Arg a2 = {}) {
    return ir::Arg::value(emit(op, size, a0, a1, a2));
  }

 private:
  ir::Arg offset_;
  bool has_offset_ = false;
  ir::Arg flags_;
  bool has_flags_ = false;
};

bool lower(LowerContext& ctx, const core::DecodedInsn& insn);

// The families (lower_*.cpp).
bool lower_alu(LowerContext& ctx, const core::DecodedInsn& insn);
bool lower_data(LowerContext& ctx, const core::DecodedInsn& insn);
bool lower_stack(LowerContext& ctx, const core::DecodedInsn& insn);
bool lower_branch(LowerContext& ctx, const core::DecodedInsn& insn);
bool lower_string(LowerContext& ctx, const core::DecodedInsn& insn);
bool lower_x87(LowerContext& ctx, const core::DecodedInsn& insn);

}  // namespace tx86::jit
