// Translated blocks: looked up by where the code is (physical address),
// how it is reached (EIP, CS base) and the mode bits that change the
// translation; indexed by physical page for invalidation; linked to each
// other through patched jumps, which invalidation unlinks again.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "jit/backend/x64/emitter.h"
#include "jit/ir/ir.h"
#include "jit/runtime/block_mode.h"
#include "jit/runtime/code_arena.h"
#include "jit/runtime/jump_cache.h"

namespace tx86::jit {

struct BlockKey {
  uint32_t phys = 0;  // physical address of the first byte
  uint32_t eip = 0;
  uint32_t cs_base = 0;
  uint32_t cs_limit = 0;  // direct branch targets were checked against it
  uint32_t mode = 0;      // see block_mode()

  bool operator==(const BlockKey&) const = default;
};

struct BlockKeyHash {
  size_t operator()(const BlockKey& k) const {
    uint64_t h = (uint64_t{k.phys} << 32) ^ k.eip;
    h ^= (uint64_t{k.cs_base} * 0x9E3779B97F4A7C15ull) ^ (uint64_t{k.mode} << 17) ^
         (uint64_t{k.cs_limit} << 7);
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

struct CompiledBlock {
  BlockKey key;
  ir::Block ir;              // its guest instructions are what fallbacks point at
  uint8_t* start = nullptr;  // the checked entry that jump-cache exits enter (jump_cache.h)
  uint8_t* code = nullptr;   // the direct entry: the dispatcher's and links'
  size_t size = 0;           // bytes from start
  uint32_t guest_count = 0;
  uint32_t fallbacks = 0;                      // its interpreter calls (Fallback ops)
  std::vector<x64::EmittedBlock::Link> links;  // outgoing direct exits
  struct Incoming {
    CompiledBlock* from;
    size_t link;
  };
  std::vector<Incoming> incoming;  // exits of other blocks patched to jump here
  bool valid = true;
  bool lowered_only = false;  // no call into the interpreter: the verifier can check it
  // The mode bits of FS and GS when it does not name them: its key leaves
  // them out, and it runs whatever they are (block_mode.h). It checks those
  // of a segment it names on entry.
  uint32_t ignored_mode = kModeFsGs;
};

class BlockCache {
 public:
  BlockCache(CodeArena& arena, JumpCache& jump_cache) : arena_(arena), jump_cache_(jump_cache) {}

  CompiledBlock* find(const BlockKey& key) const;
  CompiledBlock* add(std::unique_ptr<CompiledBlock> block);
  // Points a source block's direct exit at the target block's code.
  void link(CompiledBlock* from, size_t link, CompiledBlock* to);
  // Fills an indirect exit's inline cache (emitter.h) for EIP `eip`: its
  // hits go to `to`, or (null: a target it may not link to) on through the
  // jump cache; other EIPs go through the jump cache.
  void fill_inline_cache(CompiledBlock* from, size_t link, uint32_t eip, CompiledBlock* to);
  // The block and exit a link jump belongs to (from its address).
  bool find_link(const uint8_t* jump, CompiledBlock*& from, size_t& link) const;
  // Drops every block whose code came from the physical page.
  size_t invalidate_page(uint32_t phys_page);
  // Drops the blocks whose guest bytes overlap [addr, addr+size) (within
  // one page); writes elsewhere in the page leave its translations alone.
  size_t invalidate_range(uint32_t addr, unsigned size);
  // Drops everything (the arena is about to be reused).
  void clear();
  bool page_has_code(uint32_t phys_page) const { return by_page_.count(phys_page) != 0; }
  template <typename Fn>
  void for_each_code_page(Fn fn) const {
    for (const auto& [page, blocks] : by_page_) fn(page);
  }
  size_t size() const { return map_.size(); }

  // The 64-byte lines of [first, first + bytes) within first's page, as
  // bits 0-63 (a range past the page's end stops at its last line).
  static uint64_t line_mask(uint32_t first, uint32_t bytes);

 private:
  void unlink_incoming(CompiledBlock* b);
  void drop(CompiledBlock* b);
  void patch(uint8_t* jump, const uint8_t* target);
  void patch_jcc(uint8_t* jcc, const uint8_t* target);

  // A page's blocks, and which of its 64-byte lines they were decoded
  // from: a store to the page that misses those lines (data next to code:
  // a stack, the BIOS data area) is let go without looking at the blocks.
  struct Page {
    std::vector<CompiledBlock*> blocks;
    uint64_t lines = 0;
  };

  // The physical bytes a block was decoded from: [first, first + size).
  // A block's bytes are those of its instructions, not the span between
  // its lowest and highest: a block that follows a jump over data (a DOS
  // kernel's variables between its routines) must not go when they change.
  static bool decoded_from(const CompiledBlock* b, uint32_t addr, unsigned size);
  static uint64_t lines_of(const CompiledBlock* b);

  // In front of map_: the last answer for a key, a block or none, so that
  // code run in the interpreter until it is hot (a miss every time) and
  // the dispatcher's repeated lookups seldom search the map. add() and
  // drop() keep it true, and find() fills it.
  struct Recent {
    BlockKey key;
    CompiledBlock* block = nullptr;
    bool used = false;
  };
  static constexpr size_t kRecent = 65536;
  static size_t recent_slot(const BlockKey& key) { return BlockKeyHash{}(key) & (kRecent - 1); }
  void forget_recent() { recent_->fill(Recent{}); }

  CodeArena& arena_;
  JumpCache& jump_cache_;  // a dropped block leaves it too
  std::unique_ptr<std::array<Recent, kRecent>> recent_ =
      std::make_unique<std::array<Recent, kRecent>>();
  std::unordered_map<BlockKey, CompiledBlock*, BlockKeyHash> map_;
  std::unordered_map<uint32_t, Page> by_page_;
  std::vector<std::unique_ptr<CompiledBlock>> storage_;
  std::unordered_map<const uint8_t*, std::pair<CompiledBlock*, size_t>> link_sites_;
};

}  // namespace tx86::jit
