// Indirect branches and returns, and direct exits into another page, find
// their target here without going back to the dispatcher: a direct-mapped
// table from linear EIP to translated code, probed inline by the exit
// (x64::emit_jump_cache_exit) and filled by the dispatcher.
//
// An entry names the EIP, the linear address (so the CS base), the mode
// bits and the CS limit its block was translated for; a probing exit
// compares all four with its own, since a block's mode and CS are those its
// exits leave with. The
// table holds linear addresses, so it is cleared whenever the MMU's
// mapping generation moves, and an entry goes when its block is dropped.
#pragma once

#include <array>
#include <cstdint>

namespace tx86::jit {

struct JumpCacheEntry {
  uint32_t eip = 0;
  uint32_t lin = 0;
  uint32_t mode = 0xFFFFFFFFu;  // matches no block
  uint32_t cs_limit = 0;
  const uint8_t* code = nullptr;
  uint64_t unused2 = 0;
};
static_assert(sizeof(JumpCacheEntry) == 32, "the inline probe scales the index by 32");

class JumpCache {
 public:
  static constexpr unsigned kBits = 12;
  static constexpr uint32_t kMask = (1u << kBits) - 1;

  static uint32_t index(uint32_t lin) { return (lin ^ (lin >> 12)) & kMask; }

  const JumpCacheEntry* entries() const { return entries_.data(); }
  const JumpCacheEntry& at(uint32_t lin) const { return entries_[index(lin)]; }

  void insert(uint32_t eip, uint32_t lin, uint32_t mode, uint32_t cs_limit, const uint8_t* code) {
    entries_[index(lin)] = JumpCacheEntry{eip, lin, mode, cs_limit, code, 0};
  }
  // The code for this EIP, linear address, mode and CS limit, or nullptr.
  const uint8_t* find(uint32_t eip, uint32_t lin, uint32_t mode, uint32_t cs_limit) const {
    const JumpCacheEntry& e = entries_[index(lin)];
    return e.eip == eip && e.lin == lin && e.mode == mode && e.cs_limit == cs_limit ? e.code
                                                                                    : nullptr;
  }
  // Forgets a block's code, if its slot still names it.
  void remove(uint32_t lin, const uint8_t* code) {
    JumpCacheEntry& e = entries_[index(lin)];
    if (e.code == code) e = JumpCacheEntry{};
  }
  void clear() { entries_.fill(JumpCacheEntry{}); }

 private:
  std::array<JumpCacheEntry, 1u << kBits> entries_{};
};

}  // namespace tx86::jit
