// The code every block shares: the entry trampoline and the exit epilogue,
// generated once at the start of the code arena (they survive flushes).
#pragma once

#include <cstdint>

#include "jit/backend/x64/abi.h"
#include "jit/runtime/code_arena.h"

namespace tx86::jit::x64 {

struct Trampoline {
  EntryFn enter = nullptr;
  const uint8_t* epilogue = nullptr;  // jump here with the status in eax
  // A jump-cache exit that found no matching block jumps here with the
  // target EIP in r10d: back to the dispatcher (jump_cache.h).
  const uint8_t* jump_miss = nullptr;
  // Merges CpuState::lazy_flags into EFLAGS (lazy_flags.h) when it is
  // non-zero. Called at a block's entry, where nothing is live: it
  // clobbers rax, rcx, rdx, r10, r11 and the host flags.
  const uint8_t* materialize = nullptr;
  size_t bytes = 0;  // arena bytes they use
};

Trampoline emit_trampoline(CodeArena& arena);

}  // namespace tx86::jit::x64
