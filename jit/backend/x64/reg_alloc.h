// A local register allocator for one block: IR values live in host
// registers from definition to last use, spilled to the frame's slots when
// registers run out. Values that live across a helper call are kept in
// callee-saved registers (or slots), so calls need no saving around them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "jit/backend/x64/abi.h"
#include "jit/ir/ir.h"

namespace tx86::jit::x64 {

class RegAlloc {
 public:
  // Per-value tables, kept from block to block for their memory
  // (BlockEmitter::Work).
  struct Work {
    std::vector<uint32_t> last_use;
    std::vector<uint32_t> next_call;  // for each index: the next kCall at or after it
    std::vector<int> reg_of;          // value -> register id or kNone
    std::vector<int> slot_of;         // value -> spill slot or kNone
    std::vector<uint32_t> extra_def;  // per value add_value made: where it is defined
    std::vector<int32_t> home;        // value -> its CpuState offset (def_at_home), or -1
    std::vector<int8_t> pinned_hint;  // value -> the pinned host register to define it in, or -1
  };
  RegAlloc(x86::Assembler& a, const ir::Block& block, Work& work);

  // The value in a host register (reloaded from its slot when spilled).
  x86::Gp use(ir::Ref v);
  // A register for v's result.
  x86::Gp def(ir::Ref v);
  // A register for v's result that may be `from`'s, when this instruction
  // is from's last use (saves the copy of two-address forms).
  x86::Gp def_over(ir::Ref v, const ir::Arg& from);
  // v is a copy of CpuState at `state_offset` (a guest register or EFLAGS
  // read), which nothing writes while v lives: it takes no register until
  // a use loads it from there, and a spill of it stores nothing.
  void def_at_home(ir::Ref v, int32_t state_offset);
  // v's CpuState offset when it is only there now (not in a register or
  // slot), else -1.
  int32_t only_at_home(ir::Ref v) const {
    return reg_of_[v] == kNone && slot_of_[v] == kNone ? home_[v] : -1;
  }
  // Defines v in pinned host register `host` when it holds no value then
  // (or def_over's `from`, dying): the caller makes sure that nothing needs
  // the guest register's old value there from v's definition on, that no
  // call comes while v lives, and that the register's next write moves v
  // out first (evict_pinned).
  void hint_pinned(ir::Ref v, int host) { pinned_hint_[v] = static_cast<int8_t>(host); }
  // Before a write of pinned host register `host` (a SetReg of its guest
  // register) at index `at`: a value other than `keep` that lives there
  // and is read after `at` moves to another register.
  void evict_pinned(int host, uint32_t at, ir::Ref keep);
  // A register for the current instruction only.
  x86::Gp temp();
  // v is the guest register pinned in host register `host` (abi.h), read
  // where it is: the caller makes sure nothing writes that register while v
  // lives. No instruction may take it over (def_over) or spill it.
  x86::Gp bind_pinned(ir::Ref v, int host);
  // v, just copied into pinned host register `host`, lives there from now
  // on (its own register is free), on the same terms as bind_pinned's.
  void move_to_pinned(ir::Ref v, int host);
  uint32_t last_use(ir::Ref v) const { return last_use_[v]; }
  // Call before emitting the instruction at index `at`.
  void begin_instruction(uint32_t at) { current_ = at; }
  // Call between instructions: frees what died at index `at` and unlocks.
  void end_instruction(uint32_t at);

  // Before a call op (ir::Kind::kCall): moves the values that outlive it
  // out of the registers the call clobbers.
  void spill_caller_saved();
  // A value of the backend's own, not an IR instruction's (a page group's
  // host base): defined at index `def_at`, last used at `last_use`; def()
  // and use() take it as any other. (Call before emitting.)
  ir::Ref add_value(uint32_t def_at, uint32_t last_use);
  // Keeps v live through index `at` (call before emitting).
  void extend(ir::Ref v, uint32_t at) {
    if (last_use_[v] < at) last_use_[v] = at;
  }
  // Where a live value is now: a register id (>= 0), or -1 - its spill slot.
  int location(ir::Ref v) const;
  bool lives_after(ir::Ref v, uint32_t at) const { return last_use_[v] > at; }
  // Whether a host register holds no value now (nor a temporary).
  bool is_free(const x86::Gp& reg) const {
    return owner_[reg.id()] == ir::kNoRef && !(temp_ & bit(reg.id()));
  }

 private:
  static constexpr int kNone = -1;

  int free_register(bool callee_saved_only);
  int take_register(bool callee_saved_only);
  void spill(int reg);
  bool crosses_call(ir::Ref v) const;
  static bool has_callee_saved();

  x86::Assembler& a_;
  std::vector<uint32_t>& last_use_;
  std::vector<uint32_t>& next_call_;
  std::vector<int>& reg_of_;
  std::vector<int>& slot_of_;
  std::vector<uint32_t>& extra_def_;
  std::vector<int32_t>& home_;
  std::vector<int8_t>& pinned_hint_;
  uint32_t insts_ = 0;  // the block's IR instructions (values past them: add_value's)
  static constexpr uint32_t bit(int reg) { return 1u << reg; }
  void own(int reg, ir::Ref v) {
    owner_[reg] = v;
    owned_ |= bit(reg);
  }
  void disown(int reg) {
    owner_[reg] = ir::kNoRef;
    owned_ &= ~bit(reg);
  }

  // (end_instruction runs after every IR instruction: it visits only the
  // registers and slots in use, through these masks.)
  std::array<ir::Ref, 16> owner_{};              // register id -> value
  uint32_t owned_ = 0;                           // registers with a value
  uint32_t locked_ = 0;                          // registers the current instruction uses
  uint32_t temp_ = 0;                            // registers taken by temp()
  std::array<ir::Ref, kValueSlots> slot_owner_;  // spill slot -> value, or kNoRef when free
  uint64_t slots_used_ = 0;
  uint32_t current_ = 0;
};

}  // namespace tx86::jit::x64
