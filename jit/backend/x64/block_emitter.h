// Internal to the backend: the state of emitting one block.
#pragma once

#include <memory_resource>
#include <new>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "jit/backend/x64/emitter.h"
#include "jit/backend/x64/fast_assembler.h"
#include "jit/backend/x64/reg_alloc.h"
#include "jit/backend/x64/small_vector.h"

namespace tx86::jit::x64 {

// How an out-of-line exit writes the guest state that deferred SetFlags
// and SetReg left out of CpuState (deferred_state.cpp): registers from
// where their values are, and the flags from a value to start from, then
// flag-producing ops executed again on the host, each merged in as its
// FlagsFrom would.
struct ExitState {
  struct Operand {
    enum class Kind : uint8_t { kNone, kImm, kReg, kSlot, kField };
    Kind kind = Kind::kNone;
    uint32_t v = 0;  // the immediate, register id, spill slot or CpuState field offset
  };
  struct Step {
    // kCopy: the start value (a0); kGetFlags: CF from the raw word
    // (emit_carry_from_raw_word)
    ir::Op op = ir::Op::kCopy;
    uint8_t size = 4;
    Operand a0, a1;
    uint32_t host_mask = 0;
    uint32_t zero_mask = 0;
    // a0 is the op's result, from which its first operand is worked back
    // (plan_flags_operands).
    bool from_result = false;
  };
  SmallVector<Step, 4> steps;  // the flags; empty: not deferred
  struct Reg {
    uint8_t gpr;
    Operand value;
  };
  SmallVector<Reg, 8> regs;  // (one per guest register at most)
};

// Memory accesses of a block at constant distances from one address (the
// same base value, index and scale, on a flat segment), with no call in
// between: the first maps their common page once (page_groups.cpp).
// Where a page group's accesses point: base + index * scale (+ their own
// displacements) in one segment.
struct PageGroupPlace {
  ir::Ref base = ir::kNoRef;
  ir::Ref index = ir::kNoRef;
  uint8_t scale = 0;
  uint8_t seg = 0;
  bool operator==(const PageGroupPlace&) const = default;
};

struct PageGroup {
  ir::Ref first = ir::kNoRef;  // the access that maps the page
  ir::Ref last = ir::kNoRef;
  int32_t low = 0;   // the lowest displacement of any access
  int32_t high = 0;  // the highest displacement + that access's size
  bool stores = false;
  unsigned members = 0;
  ir::Ref base = ir::kNoRef;  // its host base: a register allocator value (add_value)
  // Folded: every access addresses host memory as [host base + address
  // base + its displacement], and its address needs no register of its own
  // (page_groups.cpp).
  bool folded = false;
  ir::Ref address_base = ir::kNoRef;  // (folded) the address's base value
  int64_t span_low = 0;               // (while planning, without wrapping)
  int64_t span_high = 0;
};

// Whether the host has LAHF/SAHF in 64-bit mode (the flag capture's choice).
bool host_has_lahf();
// Ops whose host flags an exit can produce again from their operands
// (deferred_state.cpp).
bool flags_recomputable(const ir::Inst& op);

class BlockEmitter {
 public:
  struct Work;
  BlockEmitter(const ir::Block& block, const EmitContext& ctx, asmjit::CodeHolder& code,
               Work& work);

  void run();
  struct LinkLabels {
    asmjit::Label jump, stub;
    uint32_t target = 0;
    bool indirect = false;
    asmjit::Label ic_cmp, ic_jne, ic_generic;  // (indirect only)
  };
  const std::vector<LinkLabels>& links() const { return w_.links; }
  // Where the block's code starts for the dispatcher and links (after the
  // jump cache's checked entry).
  asmjit::Label direct_entry() const { return direct_entry_; }

  // Used by the emit_* files.
  FastAssembler a;
  const ir::Block& block;
  const EmitContext& ctx;

  x86::Gp reg_or_load(const ir::Arg& arg, const x86::Gp& scratch);
  // A guest register, wherever it lives (abi.h: pinned or in CpuState).
  void load_guest(const x86::Gp& dst, unsigned gpr);
  void store_guest(unsigned gpr, const x86::Gp& src);
  bool reads_pinned_in_place(ir::Ref v, unsigned gpr) const;
  bool pinned_holds(ir::Ref v, unsigned gpr, uint32_t from) const;
  void add_guest(unsigned gpr, const x86::Gp& src);
  // Adds the instructions completed so far to icount (before a call or exit).
  void sync_icount(uint32_t done);
  // Leaves the block with `status`, EIP and icount as given.
  void exit_with(uint32_t status, uint32_t eip_to_store, bool store_eip, uint32_t done);
  // An out-of-line path, emitted after the block body. (The closures live
  // in one arena: a block makes dozens, and a std::function each cost an
  // allocation.)
  template <class F>
  void add_stub(F&& fn) {
    using Impl = StubImpl<std::decay_t<F>>;
    void* where = stub_arena_.allocate(sizeof(Impl), alignof(Impl));
    stubs_.push_back(new (where) Impl(std::forward<F>(fn)));
  }
  ~BlockEmitter();
  BlockEmitter(const BlockEmitter&) = delete;
  BlockEmitter& operator=(const BlockEmitter&) = delete;
  uint32_t synced() const { return synced_; }

  void emit_alu(ir::Ref r, const ir::Inst& in);
  void emit_shift_by_value(ir::Ref r, const ir::Inst& in);
  void emit_shift_imm(ir::Op op, const x86::Gp& d, uint32_t count, bool want_of);
  bool host_of_read(ir::Ref r) const;
  // Whether a FlagsFrom reads the host flags r's op leaves.
  bool host_flags_read(ir::Ref r) const;
  // Whether only FlagsFroms read r (its result is never wanted).
  bool only_host_flags_read(ir::Ref r) const;
  void emit_flags_from(ir::Ref r, const ir::Inst& in);
  void emit_cond(ir::Ref r, const ir::Inst& in);
  // The Conds on FlagsFrom r that read only flags its op produced: they
  // are taken from the host flags right after the op (precompute_conds).
  // (Valid until the next call.)
  const std::vector<ir::Ref>& host_conds(ir::Ref r) const;
  void precompute_conds(ir::Ref r);
  // The page group access r belongs to (null: none), and the host base of
  // its page for access r: at the group's first access, the code that maps
  // the page and keeps its base (a value of the register allocator), or keeps 0
  // and goes to the access's own `lookup` when the group's span crosses a
  // page or the TLB does not map it; at the others, the base kept, or
  // `lookup` when it is 0. `lin` is the access's linear address (a folded
  // group's: its base value's register); `tmp` is free.
  const PageGroup* page_group_of(ir::Ref r) const;
  int32_t displacement(ir::Ref r) const { return displacement_[r]; }
  x86::Gp page_group_base(ir::Ref r, const x86::Gp& lin, const x86::Gp& tmp,
                          const asmjit::Label& lookup);
  void emit_load(ir::Ref r, const ir::Inst& in);
  void emit_store(ir::Ref r, const ir::Inst& in);
  void emit_folded_load(ir::Ref r, const ir::Inst& in, const PageGroup& group);
  void emit_folded_store(ir::Ref r, const ir::Inst& in, const PageGroup& group);
  template <class F>
  void emit_load_slow(const ir::Inst& in, const asmjit::Label& slow, const asmjit::Label& done,
                      const x86::Gp& dst, F offset_to_r10);
  template <class F>
  void emit_store_slow(ir::Ref r, const ir::Inst& in, const asmjit::Label& slow,
                       const asmjit::Label& done, const x86::Gp& value, F offset_to_r10);
  void emit_check_eip(const ir::Inst& in);
  void emit_guard_code(const ir::Inst& in);
  void emit_rep_string(const ir::Inst& in);
  void emit_x87(const ir::Inst& in);
  // The inline TLB lookup (emit_memory.cpp): jumps to `slow` unless the
  // TLB maps the page of [lin, lin + size) for the access; then `addend`
  // holds the entry's addend. Clobbers `tmp` and r11. `wide`: lin is a
  // 64-bit sum that must not have left [0, 4 GiB) (a folded page group's).
  // With `disp`, the address is lin + disp (64-bit: `wide`); r10 holds it
  // afterwards unless the RAM window took the access. `window_writes`: a
  // write may take the window too (a page group's first access).
  void tlb_lookup(const x86::Gp& lin, unsigned size, bool write, const x86::Gp& tmp,
                  const asmjit::Label& slow, const x86::Gp& addend = kScratch1, bool wide = false,
                  int32_t disp = 0, bool window_writes = false);
  void tlb_entry_lookup(const x86::Gp& lin, unsigned size, bool write, const x86::Gp& tmp,
                        const asmjit::Label& slow, const x86::Gp& addend, bool wide);
  // The RAM window's check (tlb_lookup): jumps to `outside` unless lin is
  // in it. Clobbers `tmp`.
  void window_check(const x86::Gp& lin, const x86::Gp& tmp, bool wide, const asmjit::Label& outside,
                    int32_t disp = 0);
  // Guest RAM's host address as a displacement, when it is below 2 GiB.
  std::optional<int32_t> ram_displacement() const;
  // MemoryBus::code_near_map()'s host address as a displacement, when it
  // is below 2 GiB.
  std::optional<int32_t> code_near_displacement() const;
  uint8_t* tlb_slot();
  // Leaves the block with a fault for guest instruction `insn`: EIP on it,
  // icount as before it, the deferred flags written (Cpu::pending_fault
  // must be set).
  void exit_fault(uint32_t insn, uint32_t synced_here, const ExitState& state);
  // The deferred flags as an exit emitted now must write them, and the
  // code that does (deferred_flags.cpp).
  ExitState deferred_state() const;
  void emit_exit_state(const ExitState& plan);
  // dst = an operand where it is now (an exit path: the allocation stays).
  void load_operand(const x86::Gp& dst, const ExitState::Operand& o);

 private:
  void emit(ir::Ref r, const ir::Inst& in);
  // A direct exit to `target` after `done` guest instructions.
  void emit_exit_direct(uint32_t target, uint32_t done);
  // Leaves for `target` (after `done` instructions) when `cond` is set;
  // otherwise goes on.
  // `capture`: a FlagsFrom whose lazy capture this exit makes
  // (plan_exit_captures), or none.
  void emit_exit_if(const ir::Arg& cond, uint32_t target, uint32_t done,
                    ir::Ref capture = ir::kNoRef);
  // Leaves for EIP `target` (a value or an immediate) through the jump
  // cache: straight into the target's code on a hit, to the dispatcher on
  // a miss. icount must be synced.
  void emit_jump_cache_exit(const ir::Arg& target);
  void emit_jump_cache_exit_scratch0();
  // An indirect exit (EIP in kScratch0) that remembers its first target
  // in the same page and jumps straight there when it comes again.
  void emit_inline_cache_exit();
  // The exit for the EIP in kScratch0: the inline cache when links are on.
  void emit_indirect_exit_scratch0();
  void emit_exit_if_indirect(const ir::Arg& cond, const ir::Arg& target, uint32_t done);
  void emit_code_modified_check(uint32_t next_insn);
  // The exit at `at` after a store hit translated code: writes `state`,
  // leaves for guest instruction `next_insn` (kInvalidated).
  void add_code_modified_exit(const asmjit::Label& at, uint32_t next_insn, uint32_t synced_here,
                              const ExitState& state);
  // Instructions whose one store checks for a store into translated code
  // itself, on its slow path (the only way one can happen), and then
  // finishes the instruction there: the main path needs no check after it.
  void plan_store_checks();
  bool store_checks_itself(ir::Ref store) const;
  // At a self-checking store: the state at the end of its instruction, for
  // its code-modified exit.
  ExitState state_after_instruction(ir::Ref store) const;
  void emit_fallback(const ir::Inst& in);
  // Lazy flags (lazy_flags.cpp): which SetFlags leaves the status flags
  // raw, whether the block merges the ones it starts with first.
  void plan_lazy_flags();
  void plan_fused_branches();
  // Lazy flags that a compare-and-branch's side exit alone needs (the next
  // SetFlags replaces them on the way on) are captured on that exit's path,
  // not on the main path; after it, faults recompute them.
  void plan_exit_captures();
  void emit_exit_capture(ir::Ref from);
  void plan_carry_on_exits();
  bool carry_from_raw_word(ir::Ref from) const;
  void emit_carry_from_raw_word();
  void fuse_branches_on(ir::Ref r);
  void emit_lazy_capture(ir::Ref r);
  bool capture_stays_in_scratch(ir::Ref r) const;
  // SETO and LAHF into AX, then kScratch0 = AX (clobbers RAX).
  void capture_host_flags();
  void emit_lazy_set(const ir::Inst& in);
  bool lazy_eligible(ir::Ref set, ir::Ref next_set);
  void emit_entry_materialize();
  // A main-path SetFlags of a whole EFLAGS value: lazy flags left by an
  // earlier block would replace its status flags.
  void clear_lazy_flags();
  // Finds the flag computations only deferred SetFlags need (they are not
  // emitted) and keeps what recomputes them live (deferred_flags.cpp).
  void plan_deferred_state();
  // Who reads each IR value (uses_), for the plans.
  void plan_uses();
  void plan_page_groups();
  void plan_homes();
  void plan_pinned_defs();
  void plan_narrow_inserts();
  void emit_op_in_place(const ir::Inst& op, const x86::Gp& d, const x86::Gp& second, bool want_of);
  void plan_folding();
  // A group's first access, not folded: the lookup of the page of its
  // lowest address, from this access's.
  void page_group_lookup(ir::Ref r, const x86::Gp& lin, const x86::Gp& tmp,
                         const asmjit::Label& fail, const x86::Gp& base);
  ExitState::Operand operand_now(const ir::Arg& arg) const;
  void add_plan_steps(const ir::Arg& flags, ExitState& plan) const;
  void keep_live_for(const ir::Arg& flags, uint32_t until);
  // What recomputing op `o`'s flags at an exit up to `until` reads stays
  // live that long: its result and second operand when the first can be
  // worked back from them, else its operands.
  void keep_flags_operands(ir::Ref o, uint32_t until);
  uint32_t deferred_until(ir::Ref set, ir::Ref next) const;
  // The helper call of a Fallback (EIP and icount handling included).
  void emit_fallback_call(const ir::Inst& in, bool may_repeat);

  struct LazyPlan {
    std::vector<bool> set;        // per IR instruction: a SetFlags that stores raw flags
    std::vector<int> kind;        // per IR instruction: a FlagsFrom emitted as the raw capture
                                  // (its LazyKind), else -1
    std::vector<bool> store_old;  // per raw FlagsFrom: the flags it merges into are not CpuState's
    bool materialize_at_entry = false;
    bool carry_at_entry = false;         // (instead) only CF is merged on entry
    bool carry_on_exits = false;         // (instead) CF is merged where an exit captures flags
    std::vector<ir::Ref> carry_readers;  // FlagsFroms that keep the entry's CF (kNoRef: ADC/SBB)
  };
  struct Use {
    ir::Ref by;
    int arg;  // which operand
  };
  // Per IR value, its live readers, in program order: all the lists in one
  // array (one allocation per block, not one per value).
  struct UseLists {
    std::vector<Use> all;
    std::vector<uint32_t> begin;  // value v's readers: all[begin[v], begin[v + 1])
    std::span<const Use> operator[](size_t v) const {
      return {all.data() + begin[v], begin[v + 1] - begin[v]};
    }
  };
  struct Stub {
    virtual void emit() = 0;
    virtual ~Stub() = default;
  };
  template <class F>
  struct StubImpl final : Stub {
    explicit StubImpl(F f) : fn(std::move(f)) {}
    void emit() override { fn(); }
    F fn;
  };

 public:
  // The vectors of the plans, which outlive the emitter (EmitScratch) so
  // that their memory serves block after block; a block used to allocate
  // each of them anew, and their growth, about a hundred times. Each plan
  // sets its own up before use.
  struct Work {
    LazyPlan lazy;
    UseLists uses;
    std::vector<ir::Ref>
        barrier;  // per IR instruction: the next call or exit after it (or the end)
    std::vector<ir::Ref> conds;
    std::vector<bool> precomputed;      // Conds defined early (precompute_conds)
    std::vector<bool> fused;            // Conds an exit takes from the host flags (never defined)
    std::vector<bool> remat;            // FlagsFrom only deferred SetFlags need: not emitted
    std::vector<bool> exit_captured;    // lazy FlagsFrom captured on its side exit's path
    std::vector<ir::Ref> captures;      // per SideExit: the FlagsFrom it captures, or none
    std::vector<bool> skipped;          // not emitted: remat FlagsFroms and ops only they read
    std::vector<bool> result_kept;      // ops whose flags an exit works out from their result
    std::vector<ir::Ref> self_checked;  // per guest instruction: its self-checking store, or none
    std::vector<bool> store_bad;        // plan_store_checks, per guest instruction
    std::vector<ir::Ref> store_of;      // plan_store_checks, per guest instruction
    std::vector<PageGroup> groups;
    std::vector<PageGroupPlace> places;      // plan_page_groups: per group
    std::vector<bool> group_taken;           // plan_page_groups: per group
    std::vector<int> open_groups;            // plan_page_groups: those a later access may join
    std::vector<int> group_of;               // per IR instruction: its group's index or -1
    std::vector<int32_t> displacement;       // per grouped access: its distance from the base
    std::vector<bool> home;                  // plan_homes: per value, read from CpuState
    std::vector<ir::Ref> narrow_part;        // per InsertLow8/16: the op it runs itself, or none
    std::vector<uint32_t> next_flags_write;  // plan_homes
    std::vector<uint32_t> next_call;         // plan_homes
    std::vector<uint32_t> next_use;          // plan_uses
    std::vector<Stub*> stubs;
    std::vector<LinkLabels> links;
    RegAlloc::Work regs;
  };

 private:
  Work& w_;

 public:
  RegAlloc ra{a, block, w_.regs};

 private:
  LazyPlan& lazy_ = w_.lazy;
  UseLists& uses_ = w_.uses;
  std::vector<ir::Ref>& barrier_ = w_.barrier;
  std::vector<ir::Ref>& conds_scratch_ = w_.conds;
  bool lazy_maybe_set_ = true;  // here on the main path, CpuState::lazy_flags may be nonzero
  size_t slot_index_ = 0;       // the next of ctx.tlb_slots
  uint32_t synced_ = 0;
  asmjit::Label direct_entry_;
  std::vector<bool>& precomputed_ = w_.precomputed;
  std::vector<bool>& fused_ = w_.fused;
  std::vector<bool>& remat_ = w_.remat;
  std::vector<bool>& exit_captured_ = w_.exit_captured;
  std::vector<ir::Ref>& captures_ = w_.captures;
  std::vector<bool>& skipped_ = w_.skipped;
  std::vector<bool>& result_kept_ = w_.result_kept;
  std::vector<ir::Ref>& narrow_part_ = w_.narrow_part;
  ir::Ref in_scratch_ = ir::kNoRef;  // a lazy capture left in r10 for its SetFlags
  ir::Arg deferred_;                 // the deferred SetFlags' value, until the next SetFlags
  ir::Arg deferred_regs_[8];         // deferred SetRegs' values, until the register's next SetReg
  std::vector<ir::Ref>& self_checked_ = w_.self_checked;
  std::vector<PageGroup>& groups_ = w_.groups;
  std::vector<int>& group_of_ = w_.group_of;
  std::vector<int32_t>& displacement_ = w_.displacement;
  std::byte stub_buffer_[16384];
  std::pmr::monotonic_buffer_resource stub_arena_{stub_buffer_, sizeof stub_buffer_};
  std::vector<Stub*>& stubs_ = w_.stubs;
  std::vector<LinkLabels>& links_ = w_.links;
};

struct EmitScratch {
  BlockEmitter::Work work;
  std::vector<uint8_t*> tlb_slots;
};

}  // namespace tx86::jit::x64
