// Indirect branches and returns, and direct exits into another page, find
// their target here without going back to the dispatcher: a direct-mapped
// table from linear EIP to translated code, filled by the dispatcher.
//
// The inline part is a plain array of code addresses that an exit jumps
// through at once (x64::emit_jump_cache_exit): index, load, jump, so a
// mispredicted indirect jump resolves early. What the exit meant is
// checked after the jump, by the block's checked entry: the exit passes
// the target EIP (r10d) and its context (ecx: an id for its mode bits, CS
// base and CS limit, since a block's mode and CS are those its exits leave
// with), and the block compares them with its own. An empty slot, or a block that does not match,
// goes to the shared miss stub, which returns to the dispatcher with EIP = r10d.
//
// The table holds linear addresses, so its entries go stale whenever the
// MMU's mappings change (make_stale): an INVLPG, only those of its page
// (make_page_stale); CR3 loads, all but those of global pages, as the TLB
// keeps them (clear_non_global). Exits
// miss a stale entry, and the dispatcher revives one whose linear address
// still maps to its block's physical page (the kernel's code after an
// INVLPG, the same program's code in the next process) for the price of a
// page walk, not a block search. A slot goes when its block is dropped.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tx86::jit {

class JumpCache {
 public:
  static constexpr unsigned kBits = 14;
  static constexpr uint32_t kMask = (1u << kBits) - 1;

  static uint32_t index(uint32_t lin) { return (lin ^ (lin >> 12)) & kMask; }

  // Starts loading lin's key into the host's cache (the dispatcher's next
  // find, at a branch target that is usually cold).
  void prefetch(uint32_t lin) const { __builtin_prefetch(&keys_[index(lin)]); }

  // The stub empty slots jump to; clears the table.
  void set_miss(const uint8_t* miss) {
    miss_ = miss;
    keys_.fill(Key{});
    targets_.fill(miss_);
    filled_.clear();
    clear();
  }
  // The inline table: a code address (a checked entry, or the miss stub)
  // per slot.
  const uint8_t* const* targets() const { return targets_.data(); }

  // `global`: lin's page is a global one (Mmu::maps_global); `phys`: the
  // block's physical address.
  void insert(uint32_t eip, uint32_t lin, uint32_t mode, uint32_t cs_limit,
              const uint8_t* checked_entry, const uint8_t* code, bool global, uint32_t phys) {
    const uint32_t i = index(lin);
    // (Still listed under its page when the slot held the same page.)
    const Key& old = keys_[i];
    const bool listed = old.listed && (old.lin >> 12) == (lin >> 12);
    keys_[i] = Key{eip, lin, mode, cs_limit, code, checked_entry, phys, global, false, listed};
    targets_[i] = checked_entry;
    if (filled_.size() >= 2 * keys_.size()) list_filled_once();
    filled_.push_back(static_cast<uint16_t>(i));
    if (!global) local_slots_.push_back(static_cast<uint16_t>(i));
    if (!listed) note_page(i, lin);
  }
  // Makes the entries for addresses in the 4 KiB page at `lin` stale (an
  // INVLPG of it), and no others.
  void make_page_stale(uint32_t lin) {
    const auto it = page_slots_.find(lin >> 12);
    if (it == page_slots_.end()) return;
    for (const uint16_t i : it->second) {
      Key& k = keys_[i];
      if (k.code != nullptr && (k.lin >> 12) == (lin >> 12)) {
        k.stale = true;
        k.listed = false;
        targets_[i] = miss_;
      }
    }
    page_slots_.erase(it);
  }
  // The block code (its direct entry) for this EIP, linear address, mode
  // and CS limit, or nullptr: the dispatcher's lookup.
  const uint8_t* find(uint32_t eip, uint32_t lin, uint32_t mode, uint32_t cs_limit) const {
    const Key& k = keys_[index(lin)];
    return k.eip == eip && k.lin == lin && k.mode == mode && k.cs_limit == cs_limit && !k.stale
               ? k.code
               : nullptr;
  }
  // A stale entry for this EIP, linear address, mode and CS limit: the
  // physical address its block was translated from.
  std::optional<uint32_t> stale_phys(uint32_t eip, uint32_t lin, uint32_t mode,
                                     uint32_t cs_limit) const {
    const Key& k = keys_[index(lin)];
    if (k.eip == eip && k.lin == lin && k.mode == mode && k.cs_limit == cs_limit && k.stale)
      return k.phys;
    return std::nullopt;
  }
  // Makes the stale entry at lin valid again (its page maps to its block's
  // physical page again) and returns its block's code.
  const uint8_t* revive(uint32_t lin) {
    const uint32_t i = index(lin);
    Key& k = keys_[i];
    k.stale = false;
    targets_[i] = k.checked;
    local_slots_.push_back(static_cast<uint16_t>(i));
    if (!k.listed) note_page(i, lin);
    return k.code;
  }
  // Forgets a block, if its slot still names it.
  void remove(uint32_t lin, const uint8_t* code) {
    const uint32_t i = index(lin);
    if (keys_[i].code != code) return;
    keys_[i] = Key{};
    targets_[i] = miss_;
  }
  // (Only the slots filled since the last clear: the table is large, and
  // clears come with every INVLPG of a page it may hold.)
  void clear() {
    if (filled_.size() >= keys_.size()) {
      keys_.fill(Key{});
      targets_.fill(miss_);
    } else {
      for (const uint16_t i : filled_) {
        keys_[i] = Key{};
        targets_[i] = miss_;
      }
    }
    filled_.clear();
    page_slots_.clear();
    local_slots_.clear();
  }
  // Makes every entry stale. (Revived ones are listed under their page
  // again.)
  void make_stale() {
    for (const uint16_t i : filled_) {
      keys_[i].stale = true;
      keys_[i].listed = false;
      targets_[i] = miss_;
    }
    page_slots_.clear();
    local_slots_.clear();
  }
  // Makes the entries of pages that are not global stale.
  void clear_non_global() {
    for (const uint16_t i : local_slots_) {
      if (!keys_[i].global) {
        keys_[i].stale = true;
        targets_[i] = miss_;
      }
    }
    local_slots_.clear();
  }

 private:
  struct Key {
    uint32_t eip = 0;
    uint32_t lin = 0;
    uint32_t mode = 0xFFFFFFFFu;  // matches no block
    uint32_t cs_limit = 0;
    const uint8_t* code = nullptr;
    const uint8_t* checked = nullptr;  // (its targets_ entry when valid)
    uint32_t phys = 0;
    bool global = false;
    bool stale = false;   // a CR3 load since: valid only if lin still maps to phys
    bool listed = false;  // in page_slots_ under its page
  };
  // Repeats pile up in filled_: list each filled slot once.
  void list_filled_once() {
    filled_.clear();
    for (uint32_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i].code != nullptr) filled_.push_back(static_cast<uint16_t>(i));
    }
  }
  // Lists slot i under lin's page. (Entries revived or refilled with the
  // same page are listed already: a CR3 load makes a process's entries
  // stale, and they come back with every switch to it.) Slots since taken
  // by another page stay in the list, which make_page_stale checks entry
  // by entry; a list that doubles to 64 or more is cut back to the slots
  // that still hold the page.
  void note_page(uint32_t i, uint32_t lin) {
    keys_[i].listed = true;
    std::vector<uint16_t>& slots = page_slots_[lin >> 12];
    slots.push_back(static_cast<uint16_t>(i));
    if (slots.size() < 64 || (slots.size() & (slots.size() - 1)) != 0) return;
    std::erase_if(slots, [this, lin](uint16_t s) {
      return keys_[s].code == nullptr || (keys_[s].lin >> 12) != (lin >> 12);
    });
    std::sort(slots.begin(), slots.end());
    slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  }

  const uint8_t* miss_ = nullptr;
  // The slots filled for each page (by page number), for INVLPG: a page
  // filter of hashed bits made every entry stale on a false alarm, and
  // in the direct Linux boot 13 k of 70 k INVLPGs were that.
  std::unordered_map<uint32_t, std::vector<uint16_t>> page_slots_;
  std::array<const uint8_t*, 1u << kBits> targets_{};
  std::array<Key, 1u << kBits> keys_{};
  std::vector<uint16_t> filled_;       // slots filled since the last clear (repeats too)
  std::vector<uint16_t> local_slots_;  // ... with non-global entries
};

}  // namespace tx86::jit
