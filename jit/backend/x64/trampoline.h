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
  // The slow paths of loads and stores (helper_load, helper_store), one per
  // segment and size (access_thunk): the offset in r10d, a store's value in
  // r11d; they return the helper's value in r10 and keep every other
  // register but r11, so that each access's stub is a call, not a save,
  // a call and a restore of what it holds live.
  const uint8_t* load_thunk[core::kSegCount][3] = {};
  const uint8_t* store_thunk[core::kSegCount][3] = {};
  const uint8_t* access_thunk(bool store, unsigned seg, unsigned size) const {
    const unsigned i = size == 1 ? 0 : size == 2 ? 1 : 2;
    return store ? store_thunk[seg][i] : load_thunk[seg][i];
  }
  size_t bytes = 0;  // arena bytes they use
};

Trampoline emit_trampoline(CodeArena& arena);

}  // namespace tx86::jit::x64
