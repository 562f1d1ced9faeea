// Run-time helpers that translated code calls (STYLE.md: plain functions,
// CpuState* first). Each returns a status that the generated code checks:
// a helper never lets a C++ exception unwind through generated frames.
#pragma once

#include <cstdint>

#include "core/cpu/cpu_state.h"
#include "core/decoder/decoded_insn.h"
#include "core/fpu/host_x87.h"
#include "jit/runtime/lazy_flags.h"

namespace tx86::jit::ir {
struct GuestInsn;
}

namespace tx86::jit {

// Why translated code returned to the dispatcher (the trampoline's value).
enum class ExitStatus : uint32_t {
  kNext = 0,           // EIP in CpuState is the next instruction to run
  kBudget = 1,         // the block did not start: no budget left
  kFault = 2,          // Cpu::pending_fault is set; EIP is the faulting instruction
  kUnimplemented = 3,  // Cpu::error says what
  kLink = 4,           // a direct exit wants linking: rdx holds the jump to patch
  kInvalidated = 5,    // the block wrote into code that must be retranslated
  kInterpret = 6,      // the block did not start (ir::Op::kGuardCode): interpret one instruction
  // As kNext, from a helper (whose 0 means "go on"): the instruction is done
  // and counted, and the dispatcher must see the machine before the next.
  kDispatch = 7,
};

// Helper results: 0 = done, otherwise an ExitStatus to leave with.
extern "C" {
// The interpreter runs one instruction (its first byte at eip).
uint32_t helper_fallback(core::CpuState* s, const core::DecodedInsn* insn, uint32_t eip);
// The same for a REP string instruction, which the interpreter runs in
// bounded steps: further steps run here, each counted as an instruction,
// until it finishes or the dispatcher must see it (budget, stop, an
// interrupt to take); then EIP is still on it. `block_rest`: the guest
// instructions the block counts from this one on, which the extra steps
// must leave room for in the budget.
uint32_t helper_fallback_rep(core::CpuState* s, const core::DecodedInsn* insn, uint32_t eip,
                             uint32_t block_rest);
// The same for an instruction that crosses into the next page
// (ir::kFallbackFetch), `g` as translated: fetched first, through the
// current mappings, as the interpreter would (a fetch fault is the
// instruction's), and decoded again only when its bytes are not g's.
// Its block ends after it: 0 when the block may go on to the next one
// through the jump cache, kNext (the instruction counted) when the
// dispatcher must see the machine first (a new mode or CS, IF or TF set,
// an interrupt waiting, a code write, new mappings, a REP step that did
// not finish).
uint32_t helper_fallback_fetch(core::CpuState* s, const ir::GuestInsn* g);
// Memory accesses the inline checks did not complete: segment checks,
// TLB misses, MMIO, pages holding code. A load returns the value in the low
// half and the status in the high half. A fault is kept in
// Cpu::pending_fault; a store that hit translated code returns kInvalidated.
uint64_t helper_load(core::CpuState* s, uint32_t seg, uint32_t offset, uint32_t size);
// Loads the guest's x87 state into the host's x87 for native x87
// instructions (core/fpu/host_x87.h): 1 when loaded, 0 when not allowed.
uint32_t helper_x87_enter(core::CpuState* s);
// Takes the x87 state back from the host's x87 (sync_fpu).
void helper_x87_leave(core::CpuState* s);
// Sets Cpu::pending_fault to the exception `vector` with error code `error`.
void helper_raise(core::CpuState* s, uint32_t vector, uint32_t error);
uint32_t helper_store(core::CpuState* s, uint32_t seg, uint32_t offset, uint32_t size,
                      uint32_t value);
}

// Brings the x87 state back from the host's x87 when translated code left
// it there. Everything that leaves translated code for C++ that may look at
// the x87 state calls it: the dispatcher after each entry, the fallbacks.
inline void sync_fpu(core::CpuState& s) {
  if (s.fpu_live) {
    core::save_from_host_x87(s.fpu);
    s.fpu_live = 0;
  }
}

// What translated code may leave outside CpuState's plain fields (the x87
// state, lazy flags), put back: for C++ that looks at the guest's state.
inline void sync_state(core::CpuState& s) {
  sync_fpu(s);
  materialize_flags(s);
}

}  // namespace tx86::jit
