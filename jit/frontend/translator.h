// The JIT frontend: decodes a basic block of guest instructions at CS:EIP
// with the shared decoder and turns it into IR. Instructions with a lowering
// (lower_*.cpp) become real IR; every other one becomes a Fallback op that
// runs the interpreter's handler, so any guest code runs from day one.
#pragma once

#include <cstdint>

#include "core/cpu/cpu.h"
#include "jit/ir/ir.h"

namespace tx86::core {
class DecodeCache;
}

namespace tx86::jit {

struct TranslateOptions {
  unsigned max_insns = 64;
  // Conditional branches a block may continue past (their taken side
  // leaves through a side exit): longer blocks, fewer block transitions.
  unsigned max_side_exits = 2;
  // Direct JMPs and CALLs a block may follow to a target on its page.
  unsigned max_follows = 4;
  bool lower = true;  // false: every instruction falls back (for testing)
};

// Fills `out` with the block at CS:EIP. A first instruction that crosses
// into the next page makes a block of its own, which fetches it again each
// time it runs (ir::kFallbackFetch). Returns false when not even the first
// instruction can be translated here (its fetch faults, it runs past the CS
// limit): the interpreter runs it instead.
// `phys_page` receives the physical page the block's bytes came from.
// With `decoded`, instructions come from that cache when their bytes match
// (the interpreter's: a block is translated after it ran there), and new
// ones go into it.
bool translate_block(core::Cpu& cpu, const TranslateOptions& options, ir::Block& out,
                     uint32_t& phys_page, core::DecodeCache* decoded = nullptr);

// What translate_block reads of the CPU and guest memory, taken at one
// moment: a block can then be translated from it on another thread while
// the guest runs on (JitEngine's background translation).
struct CodeSnapshot {
  const uint8_t* page = nullptr;  // the 4 KiB page holding CS:EIP's bytes
  uint32_t eip = 0;
  uint32_t cs_base = 0;
  uint32_t cs_limit = 0;
  bool code32 = false;
  bool stack32 = false;
  bool v86 = false;
  bool iopl_free = false;  // CLI/STI/IN/OUT need no permission check
  // A debugger's breakpoints (main thread only): no block starts at one,
  // and a block ends before one.
  const core::DebugPoints* breakpoints = nullptr;
};
CodeSnapshot snapshot_mode(const core::Cpu& cpu);
// The block at snapshot.eip from snapshot.page alone. False when there is
// none, and then *straddles says whether that is because its first
// instruction runs into the next page (only translate_block, with the CPU,
// makes such a block; `out` is ready for it).
bool translate_snapshot(const CodeSnapshot& snapshot, const TranslateOptions& options,
                        ir::Block& out, core::DecodeCache* decoded = nullptr,
                        bool* straddles = nullptr);

// Whether an instruction must end its block when it is not lowered: it
// may change EIP, the mode, segment bases, IF or the descriptor tables.
// (Port I/O does not end blocks: helper_fallback leaves early when a
// device asks for it.)
bool ends_block(const core::DecodedInsn& insn);
// Instructions (run by the interpreter) after which the block goes on
// unless they changed its mode bits, IF or TF (ir::kFallbackMayLeave):
// data segment loads, CLI, STI, POPF.
bool may_leave(const core::DecodedInsn& insn);
// A REP/REPNE string instruction: the interpreter may leave EIP on it.
bool repeats(const core::DecodedInsn& insn);

}  // namespace tx86::jit
