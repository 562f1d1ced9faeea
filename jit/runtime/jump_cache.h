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
#include <vector>

namespace tx86::jit {

class JumpCache {
 public:
  // (16: 64 k slots. In the 2000-process run 15 made 1.10 M fills against
  // 16's 0.52 M, and took 4.38 s against 4.20 s (median of 6); 17 made
  // 0.25 M for no more time, nor did either change the direct boot's.)
  static constexpr unsigned kBits = 16;

  // A multiplicative hash (the exits compute it too: imul, shr). With
  // lin ^ (lin >> 12), pairs of the kernel's hot branch targets whose page
  // offsets and page numbers cancel out took each other's slot, a lookup
  // each time (1.5 M of them in the 2000-process run; 0.98 M now).
  static constexpr uint32_t kHashMul = 0x9E3779B1u;
  static uint32_t index(uint32_t lin) { return (lin * kHashMul) >> (32 - kBits); }

  JumpCache() { heads_.fill(kNone); }

  // Starts loading lin's key into the host's cache (the dispatcher's next
  // find, at a branch target that is usually cold).
  void prefetch(uint32_t lin) const { __builtin_prefetch(&keys_[index(lin)]); }

  // The stub empty slots jump to; clears the table.
  void set_miss(const uint8_t* miss) {
    miss_ = miss;
    std::fill(keys_.begin(), keys_.end(), Key{});
    std::fill(targets_.begin(), targets_.end(), miss_);
    filled_.clear();
    heads_.fill(kNone);
    clear();
  }
  // The inline table: a code address (a checked entry, or the miss stub)
  // per slot.
  const uint8_t* const* targets() const { return targets_.data(); }

  // `global`: lin's page is a global one (Mmu::maps_global); `phys`: the
  // block's physical address; `ignored`: mode bits the block does not
  // depend on (not in `mode`).
  void insert(uint32_t eip, uint32_t lin, uint32_t mode, uint32_t cs_limit,
              const uint8_t* checked_entry, const uint8_t* code, bool global, uint32_t phys,
              uint32_t ignored = 0) {
    const uint32_t i = index(lin);
    // (A slot that held the same page stays where it is in its list.)
    Key& k = keys_[i];
    const bool same_page = k.linked && (k.lin >> 12) == (lin >> 12);
    if (!same_page) unlink(i);
    const Slot prev = k.prev;
    const Slot next = k.next;
    k = Key{eip, lin, mode, cs_limit, code, checked_entry, phys, global, false};
    k.ignored = ignored;
    if (same_page) {
      k.prev = prev;
      k.next = next;
      k.linked = true;
    } else {
      link(i);
    }
    targets_[i] = checked_entry;
    if (filled_.size() >= 2 * keys_.size()) list_filled_once();
    filled_.push_back(static_cast<Slot>(i));
    if (!global) local_slots_.push_back(static_cast<Slot>(i));
  }
  // Makes the entries for addresses in the 4 KiB page at `lin` stale (an
  // INVLPG of it), and no others.
  void make_page_stale(uint32_t lin) {
    const uint32_t page = lin >> 12;
    for (Slot i = heads_[bucket(page)]; i != kNone; i = keys_[i].next) {
      Key& k = keys_[i];
      if ((k.lin >> 12) == page && !k.stale) {
        k.stale = true;
        targets_[i] = miss_;
      }
    }
  }

  // The block code (its direct entry) for this EIP, linear address, mode
  // and CS limit, or nullptr: the dispatcher's lookup.
  const uint8_t* find(uint32_t eip, uint32_t lin, uint32_t mode, uint32_t cs_limit) const {
    const Key& k = keys_[index(lin)];
    return k.eip == eip && k.lin == lin && (mode & ~k.ignored) == k.mode &&
                   k.cs_limit == cs_limit && !k.stale
               ? k.code
               : nullptr;
  }
  // A stale entry for this EIP, linear address, mode and CS limit: the
  // physical address its block was translated from.
  std::optional<uint32_t> stale_phys(uint32_t eip, uint32_t lin, uint32_t mode,
                                     uint32_t cs_limit) const {
    const Key& k = keys_[index(lin)];
    if (k.eip == eip && k.lin == lin && (mode & ~k.ignored) == k.mode && k.cs_limit == cs_limit &&
        k.stale)
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
    local_slots_.push_back(static_cast<Slot>(i));
    return k.code;
  }
  // Forgets a block, if its slot still names it.
  void remove(uint32_t lin, const uint8_t* code) {
    const uint32_t i = index(lin);
    if (keys_[i].code != code) return;
    unlink(i);
    keys_[i] = Key{};
    targets_[i] = miss_;
  }
  // (Only the slots filled since the last clear: the table is large, and
  // clears come with every INVLPG of a page it may hold.)
  void clear() {
    if (filled_.size() >= keys_.size()) {
      std::fill(keys_.begin(), keys_.end(), Key{});
      std::fill(targets_.begin(), targets_.end(), miss_);
    } else {
      for (const Slot i : filled_) {
        keys_[i] = Key{};
        targets_[i] = miss_;
      }
    }
    filled_.clear();
    heads_.fill(kNone);
    local_slots_.clear();
  }
  // Makes every entry stale. (They stay in their pages' lists.)
  void make_stale() {
    for (const Slot i : filled_) {
      keys_[i].stale = true;
      targets_[i] = miss_;
    }
    local_slots_.clear();
  }
  // Makes the entries of pages that are not global stale.
  void clear_non_global() {
    for (const Slot i : local_slots_) {
      if (!keys_[i].global) {
        keys_[i].stale = true;
        targets_[i] = miss_;
      }
    }
    local_slots_.clear();
  }

 private:
  using Slot = uint32_t;  // a slot number in the lists
  struct Key {
    uint32_t eip = 0;
    uint32_t lin = 0;
    uint32_t mode = 0xFFFFFFFFu;  // matches no block
    uint32_t cs_limit = 0;
    const uint8_t* code = nullptr;
    const uint8_t* checked = nullptr;  // (its targets_ entry when valid)
    uint32_t phys = 0;
    bool global = false;
    bool stale = false;    // a CR3 load since: valid only if lin still maps to phys
    uint32_t ignored = 0;  // mode bits the block does not depend on
    // In the list of its page's bucket (heads_), between prev and next.
    bool linked = false;
    Slot prev = 0;
    Slot next = 0;
  };
  // Repeats pile up in filled_: list each filled slot once.
  void list_filled_once() {
    filled_.clear();
    for (uint32_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i].code != nullptr) filled_.push_back(static_cast<Slot>(i));
    }
  }
  static constexpr Slot kNone = 0xFFFFFFFFu;
  static_assert(kBits < 32);
  static constexpr unsigned kBucketBits = 12;
  static uint32_t bucket(uint32_t page) { return (page * 0x9E3779B1u) >> (32 - kBucketBits); }
  void link(uint32_t i) {
    Key& k = keys_[i];
    Slot& head = heads_[bucket(k.lin >> 12)];
    k.prev = kNone;
    k.next = head;
    if (head != kNone) keys_[head].prev = static_cast<Slot>(i);
    head = static_cast<Slot>(i);
    k.linked = true;
  }
  void unlink(uint32_t i) {
    Key& k = keys_[i];
    if (!k.linked) return;
    if (k.prev != kNone) {
      keys_[k.prev].next = k.next;
    } else {
      heads_[bucket(k.lin >> 12)] = k.next;
    }
    if (k.next != kNone) keys_[k.next].prev = k.prev;
    k.linked = false;
  }

  const uint8_t* miss_ = nullptr;
  // Each page's entries, for INVLPG, in lists by a hash of the page
  // (Key::prev, next): a page filter of hashed bits made every entry stale
  // on a false alarm (13 k of the direct Linux boot's 70 k INVLPGs), and a
  // map of vectors cost 2% of a run that switches processes.
  std::array<Slot, 1u << kBucketBits> heads_;
  // (On the heap: 4 MiB in all, too much for a JitEngine on a stack.)
  std::vector<const uint8_t*> targets_ = std::vector<const uint8_t*>(1u << kBits);
  std::vector<Key> keys_ = std::vector<Key>(1u << kBits);
  std::vector<Slot> filled_;       // slots filled since the last clear (repeats too)
  std::vector<Slot> local_slots_;  // ... with non-global entries
};

}  // namespace tx86::jit
