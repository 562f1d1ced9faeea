// The x86-64 backend: IR block -> host code in the code arena, with asmjit's
// Assembler. Each op has a short emit function (emit_*.cpp); memory ops do
// the TLB lookup inline and leave misses, MMIO and code pages to helpers in
// out-of-line stubs; exits either link straight to the next block or return
// to the dispatcher.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/backend/x64/trampoline.h"
#include "jit/ir/ir.h"
#include "jit/runtime/code_arena.h"
#include "jit/runtime/jump_cache.h"

namespace tx86::jit::x64 {

// What the emitter keeps from block to block for its memory (emit_block
// allocates much less with one).
struct EmitScratch;
struct EmitScratchDeleter {
  void operator()(EmitScratch* scratch) const;
};
using EmitScratchPtr = std::unique_ptr<EmitScratch, EmitScratchDeleter>;
EmitScratchPtr make_emit_scratch();

struct EmitContext {
  CodeArena* arena = nullptr;
  const Trampoline* trampoline = nullptr;
  bool user = false;           // CPL 3: the user TLB
  uint8_t flat_segments = 0;   // bit per SegReg: base 0, limit 4 GiB, plain: no checks at all
  uint8_t plain_segments = 0;  // bit per SegReg: expand-up and accessible: inline limit check
  uint32_t link_page = 0;      // EIPs whose linear page is this (CS base added) may be linked
  uint32_t cs_base = 0;
  uint32_t cs_limit = 0;  // CheckEip compares with it (it is part of the block's key)
  uint32_t mode = 0;      // the block's mode bits (its key's)
  // The jump cache's targets, which indirect and cross-page exits jump
  // through; null: those exits return to the dispatcher.
  const uint8_t* const* jump_cache = nullptr;
  uint32_t context_id =
      0;  // the block's mode bits and CS limit, as the jump cache's checks name them
  // A block that uses FS or GS checks, on entry, that the mode bits of
  // those it uses are the ones it was translated for (CpuState::jit_fs_gs
  // & fs_gs_mask == fs_gs & fs_gs_mask; fs_gs_bits() of their mode bits):
  // the context ids of the jump cache's checks leave them out. 0: no check.
  uint8_t fs_gs_mask = 0;
  uint8_t fs_gs = 0;
  // The TLB-entry slots of the block's memory accesses (emit_memory.cpp),
  // allocated by the first of emit_block's two passes, reused by the second.
  std::vector<uint8_t*>* tlb_slots = nullptr;
  // Whether memory accesses keep such slots (false: each indexes the TLB).
  bool use_tlb_slots = true;
  // Guest RAM's host address, for reads that CpuState::ram_window allows
  // without a TLB lookup (blocks translated without paging); 0: none.
  uint64_t ram_base = 0;
  // MemoryBus::code_near_map(), for writes through the window (with ram_base).
  uint64_t code_near = 0;
  // Null: emit_block makes one for the block.
  EmitScratch* scratch = nullptr;
};

struct EmittedBlock {
  uint8_t* start = nullptr;  // the checked entry (jump_cache.h); nullptr: the arena is full
  uint8_t* code = nullptr;   // the direct entry, for the dispatcher and links
  size_t size = 0;           // from start
  struct Link {
    uint8_t* jump;  // a 5-byte jmp rel32 that starts out at its stub
    uint8_t* stub;  // where it jumps until linked
    uint32_t target_eip;
    // An indirect exit's inline cache (null for a direct exit): `cmp r10d,
    // imm32` (7 bytes) with the EIP its link is for, and `jne rel32` (6
    // bytes), first to the stub, then to the jump-cache path `generic`.
    uint8_t* ic_cmp = nullptr;
    uint8_t* ic_jne = nullptr;
    uint8_t* ic_generic = nullptr;
  };
  std::vector<Link> links;
};

EmittedBlock emit_block(const ir::Block& block, const EmitContext& ctx);

}  // namespace tx86::jit::x64
