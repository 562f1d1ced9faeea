#include "jit/runtime/block_cache.h"

#include <algorithm>

#include <cstring>

namespace tx86::jit {

CompiledBlock* BlockCache::find(const BlockKey& key) const {
  Recent& r = (*recent_)[recent_slot(key)];
  if (r.used && r.key == key) return r.block;
  const auto it = map_.find(key);
  CompiledBlock* b = it == map_.end() ? nullptr : it->second;
  r = Recent{key, b, true};
  return b;
}

CompiledBlock* BlockCache::add(std::unique_ptr<CompiledBlock> block) {
  CompiledBlock* b = block.get();
  map_[b->key] = b;
  (*recent_)[recent_slot(b->key)] = Recent{b->key, b, true};
  Page& page = by_page_[b->key.phys & ~0xFFFu];
  page.blocks.push_back(b);
  page.lines |= lines_of(b);
  for (size_t i = 0; i < b->links.size(); ++i) link_sites_[b->links[i].jump] = {b, i};
  storage_.push_back(std::move(block));
  return b;
}

// A direct exit is a 5-byte jmp rel32; patching rewrites its displacement
// through the arena's writable alias.
void BlockCache::patch(uint8_t* jump, const uint8_t* target) {
  const auto rel = static_cast<int32_t>(target - (jump + 5));
  std::memcpy(arena_.writable(jump) + 1, &rel, 4);
}

// A jcc rel32 is 0F 8x rel32.
void BlockCache::patch_jcc(uint8_t* jcc, const uint8_t* target) {
  const auto rel = static_cast<int32_t>(target - (jcc + 6));
  std::memcpy(arena_.writable(jcc) + 2, &rel, 4);
}

void BlockCache::fill_inline_cache(CompiledBlock* from, size_t link, uint32_t eip,
                                   CompiledBlock* to) {
  const x64::EmittedBlock::Link& l = from->links[link];
  std::memcpy(arena_.writable(l.ic_cmp) + 3, &eip, 4);  // cmp r10d, imm32: 41 81 FA imm32
  patch_jcc(l.ic_jne, l.ic_generic);
  if (to != nullptr) {
    this->link(from, link, to);
  } else {
    patch(l.jump, l.ic_generic);
  }
}

void BlockCache::link(CompiledBlock* from, size_t link, CompiledBlock* to) {
  patch(from->links[link].jump, to->code);
  to->incoming.push_back(CompiledBlock::Incoming{from, link});
}

bool BlockCache::find_link(const uint8_t* jump, CompiledBlock*& from, size_t& link) const {
  const auto it = link_sites_.find(jump);
  if (it == link_sites_.end()) return false;
  from = it->second.first;
  link = it->second.second;
  return true;
}

void BlockCache::unlink_incoming(CompiledBlock* b) {
  for (const CompiledBlock::Incoming& in : b->incoming) {
    if (!in.from->valid) continue;
    const x64::EmittedBlock::Link& l = in.from->links[in.link];
    patch(l.jump, l.stub);
  }
  b->incoming.clear();
}

void BlockCache::drop(CompiledBlock* b) {
  if (!b->valid) return;
  b->valid = false;
  unlink_incoming(b);
  jump_cache_.remove(b->key.cs_base + b->key.eip, b->code);
  const auto m = map_.find(b->key);
  if (m != map_.end() && m->second == b) map_.erase(m);
  Recent& r = (*recent_)[recent_slot(b->key)];
  if (r.used && r.key == b->key) r = Recent{};
  for (const auto& l : b->links) link_sites_.erase(l.jump);
}

size_t BlockCache::invalidate_page(uint32_t phys_page) {
  const auto it = by_page_.find(phys_page);
  if (it == by_page_.end()) return 0;
  const std::vector<CompiledBlock*> blocks = std::move(it->second.blocks);
  by_page_.erase(it);
  for (CompiledBlock* b : blocks) drop(b);
  return blocks.size();
}

uint64_t BlockCache::line_mask(uint32_t first, uint32_t bytes) {
  if (bytes == 0) return 0;
  const uint32_t lo = (first & 0xFFFu) >> 6;
  const uint32_t hi = std::min<uint32_t>(((first & 0xFFFu) + bytes - 1) >> 6, 63);
  const uint64_t upto_hi = hi == 63 ? ~0ull : (2ull << hi) - 1;
  return upto_hi & ~((1ull << lo) - 1);
}

// The physical address of an instruction: the block's start is at
// key.phys, and all of its bytes are on that page.
bool BlockCache::decoded_from(const CompiledBlock* b, uint32_t addr, unsigned size) {
  const uint32_t base = b->key.phys - b->ir.start_eip;
  for (const ir::GuestInsn& g : b->ir.guest) {
    const uint32_t start = base + g.eip;
    if (addr < start + g.decoded.length && start < addr + size) return true;
  }
  return false;
}

uint64_t BlockCache::lines_of(const CompiledBlock* b) {
  const uint32_t base = b->key.phys - b->ir.start_eip;
  uint64_t lines = 0;
  for (const ir::GuestInsn& g : b->ir.guest) lines |= line_mask(base + g.eip, g.decoded.length);
  return lines;
}

size_t BlockCache::invalidate_range(uint32_t addr, unsigned size) {
  const auto it = by_page_.find(addr & ~0xFFFu);
  if (it == by_page_.end()) return 0;
  if ((it->second.lines & line_mask(addr, size)) == 0) return 0;
  std::vector<CompiledBlock*>& blocks = it->second.blocks;
  size_t dropped = 0;
  for (size_t i = 0; i < blocks.size();) {
    CompiledBlock* b = blocks[i];
    if (decoded_from(b, addr, size)) {
      drop(b);
      blocks[i] = blocks.back();
      blocks.pop_back();
      ++dropped;
    } else {
      ++i;
    }
  }
  if (blocks.empty()) {
    by_page_.erase(it);
  } else if (dropped > 0) {
    it->second.lines = 0;
    for (const CompiledBlock* b : blocks) it->second.lines |= lines_of(b);
  }
  return dropped;
}

void BlockCache::clear() {
  jump_cache_.clear();
  forget_recent();
  map_.clear();
  by_page_.clear();
  storage_.clear();
  link_sites_.clear();
}

}  // namespace tx86::jit
