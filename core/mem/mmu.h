// Linear-to-physical translation: 32-bit paging (4 KiB pages, and 4 MiB
// pages with CR4.PSE), A/D bits, U/S and R/W checks with CR0.WP, #PF with
// CR2 and its error code (SDM Vol. 3, chapter 4), behind a software TLB.
//
// The TLB is laid out for the JIT's inline lookup: a direct-mapped array per
// privilege (supervisor, user), indexed by linear page number. An entry's
// read or write tag equals the page's linear base exactly when that access
// may go straight to host memory at linear + addend; a flag bit (invalid,
// slow, above bit 31) makes the inline compare fail and sends the access to the slow path
// here. Writes get a fast tag only once the page's dirty bit is set, so the
// D bit is always set by a walk.
//
// The TLB is large (a guest touching 64 MiB in 4 KiB pages still hits), so
// a flush does not wipe it: it clears the entries filled since the last
// one, which the MMU lists (a CR3 load keeps the global ones, PGE). Only
// when that list grows past the arrays' size does a flush wipe them whole.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "core/cpu/cpu_state.h"
#include "core/cpu/guest_fault.h"
#include "core/mem/memory_bus.h"

namespace tx86::core {

enum class Access : uint8_t { kRead, kWrite, kExecute };

// Flag bits above the 32-bit page base: a flagged tag never equals a page,
// and exceeds every linear address, and every 64-bit sum of a 32-bit
// register and a displacement (the JIT's lookup subtracts the tag from one
// of those, and a sum past 4 GiB must match no entry).
inline constexpr uint64_t kTlbInvalid = 1ull << 62;
inline constexpr uint64_t kTlbSlow = 1ull << 61;  // translated, but not plain RAM/ROM

struct TlbEntry {
  uint64_t read_tag = kTlbInvalid;
  uint64_t write_tag = kTlbInvalid;
  uintptr_t addend = 0;  // host address = linear address + addend
  uint32_t phys_page = 0;
  uint32_t global = 0;  // a PGE global page: kept across CR3 loads
};
static_assert(sizeof(TlbEntry) == 32);

// Page-table entry bits (SDM Vol. 3, Table 4-4 to 4-6).
namespace pte {
inline constexpr uint32_t kPresent = 1u << 0;
inline constexpr uint32_t kWritable = 1u << 1;
inline constexpr uint32_t kUser = 1u << 2;
inline constexpr uint32_t kAccessed = 1u << 5;
inline constexpr uint32_t kDirty = 1u << 6;
inline constexpr uint32_t kLargePage = 1u << 7;  // PDE: 4 MiB page
inline constexpr uint32_t kGlobal = 1u << 8;
}  // namespace pte

// #PF error code bits.
namespace pf {
inline constexpr uint32_t kProtection = 1u << 0;  // 0: not present
inline constexpr uint32_t kWrite = 1u << 1;
inline constexpr uint32_t kUser = 1u << 2;
inline constexpr uint32_t kReserved = 1u << 3;
}  // namespace pf

namespace cr4 {
inline constexpr uint32_t kTsd = 1u << 2;
inline constexpr uint32_t kDe = 1u << 3;
inline constexpr uint32_t kPse = 1u << 4;
inline constexpr uint32_t kPge = 1u << 7;
inline constexpr uint32_t kPce = 1u << 8;
}  // namespace cr4

// A record of guest writes, so that a stretch of execution can be undone
// (the JIT's verify mode runs a block, undoes it and reruns it on the
// interpreter). While one is attached every write takes the slow path.
struct WriteJournal {
  struct Byte {
    PhysAddr addr;
    uint8_t old;
  };
  std::vector<Byte> bytes;  // in write order
  // An access reached a device (MMIO, or shadow RAM that reads back
  // something else than was written): it cannot be undone or repeated.
  bool touched_devices = false;
  bool recording = true;  // off: writes still take the slow path, unrecorded

  void clear() {
    bytes.clear();
    touched_devices = false;
  }
};

class Mmu {
 public:
  static constexpr unsigned kTlbBits = 14;
  static constexpr unsigned kTlbSize = 1u << kTlbBits;

  explicit Mmu(MemoryBus& bus);

  // user: the access is made at CPL 3 (implicit descriptor-table and TSS
  // accesses are supervisor accesses whatever the CPL).
  uint32_t read(CpuState& s, uint32_t lin, unsigned size, bool user,
                Access access = Access::kRead) {
    if ((lin & kPageMask) + size <= kPageSize) {
      const TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
      if (e.read_tag == (lin & ~kPageMask)) {
        uint32_t v = 0;
        std::memcpy(&v, reinterpret_cast<const uint8_t*>(lin + e.addend), size);
        return v;
      }
    }
    return read_slow(s, lin, size, user, access);
  }

  // The host address of `lin` when the TLB has the page and it reads as
  // plain memory (what read() would copy from), else nullptr.
  const uint8_t* host_for_read(uint32_t lin, bool user) const {
    const TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
    return e.read_tag == (lin & ~kPageMask) ? reinterpret_cast<const uint8_t*>(lin + e.addend)
                                            : nullptr;
  }

  void write(CpuState& s, uint32_t lin, unsigned size, uint32_t value, bool user) {
    if ((lin & kPageMask) + size <= kPageSize) {
      const TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
      if (e.write_tag == (lin & ~kPageMask)) {
        std::memcpy(reinterpret_cast<uint8_t*>(lin + e.addend), &value, size);
        return;
      }
    }
    write_slow(s, lin, size, value, user);
  }

  // Translates one address for an access, walking the page tables on a TLB
  // miss; raises #PF (setting CR2) when the access is not allowed.
  PhysAddr translate(CpuState& s, uint32_t lin, Access access, bool user);

  // As translate(), but without a C++ exception (each cost about 1.5 us,
  // 7% of a run that creates processes): nullopt where it raises #PF, and
  // when `fault` is given, the fault there, with CR2 set as translate()
  // sets it. Without `fault`, CR2 stays as it was (a probe).
  std::optional<PhysAddr> try_translate(CpuState& s, uint32_t lin, Access access, bool user,
                                        GuestFault* fault = nullptr);
  // Whether an access to [lin, lin+size) translates, its first page before
  // the next as read() and write() translate them; false with the #PF they
  // would raise (and CR2 set) otherwise.
  bool try_span(CpuState& s, uint32_t lin, unsigned size, Access access, bool user,
                GuestFault& fault);

  // Where `lin` maps, as a debugger sees it: the page tables walked without
  // setting A or D bits, filling the TLB or checking permissions; nullopt
  // where nothing is mapped.
  std::optional<PhysAddr> peek_translate(const CpuState& s, uint32_t lin) const;

  // Checks that [lin, lin+size) may be written without writing it.
  void probe_write(CpuState& s, uint32_t lin, unsigned size, bool user);

  void flush_all();
  void flush_non_global();        // a CR3 load
  void flush_page(uint32_t lin);  // INVLPG
  // Drops the entries that map to a physical page (its permissions changed
  // on the bus, not in the page tables).
  void flush_physical(PhysAddr page);
  // Counts the flushes above but the last: a cache of linear-to-physical
  // mappings (the JIT's jump cache) is valid while this stays the same.
  uint64_t mapping_generation() const { return generation_; }
  // Whether every change after generation `since` was an INVLPG of a page
  // still remembered; then calls each(page) for those pages. A cache keyed
  // by linear address can then drop only what it holds of those pages
  // instead of everything (the kernel's INVLPGs are mostly of data pages).
  template <class Each>
  bool for_each_page_flush_since(uint64_t since, Each each) const {
    if (full_flush_generation_ > since || generation_ - since > kPageFlushLog) return false;
    for (uint64_t g = since + 1; g <= generation_; ++g) each(page_flushes_[g % kPageFlushLog]);
    return true;
  }
  // Whether every change after generation `since` kept the global pages'
  // entries: CR3 loads, no INVLPG and no flush of everything. A cache
  // keyed by linear address may then keep what it holds of global pages,
  // as the TLB does (the kernel's code, across a process switch).
  bool kept_global_since(uint64_t since) const {
    return global_flush_generation_ <= since && page_flush_generation_ <= since;
  }
  // Whether the TLB maps lin's page now with a global entry (for `user`).
  bool maps_global(uint32_t lin, bool user) const {
    const TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
    return e.global != 0 && !(e.read_tag & kTlbInvalid) &&
           static_cast<uint32_t>(e.read_tag) == (lin & ~kPageMask);
  }

  // Records writes (and whether an access reached a device) until detached
  // with nullptr. Attaching and detaching flush the TLB.
  void set_journal(WriteJournal* journal);
  bool journaling() const { return journal_ != nullptr; }
  // Whether accesses are being recorded now (outside a verified block the
  // journal is attached but idle).
  bool journal_recording() const { return journal_ != nullptr && journal_->recording; }

  // Translated code reads RAM without a TLB lookup while paging is off
  // (CpuState::ram_window): set when an entry is filled without paging,
  // cleared by every flush (CR0.PG and A20 changes, map changes, a
  // journal). Its accesses may not reach the last 64 KiB of that RAM, so
  // that one compare of an access's (or a group's) start suffices.
  void set_ram_window(uint64_t* field) { ram_window_ = field; }
  static constexpr uint64_t kRamWindowSlack = 64 * 1024;

  // For generated code: the TLB of one privilege.
  const TlbEntry* tlb(bool user) const { return tlb_[user]; }

 private:
  uint32_t read_slow(CpuState& s, uint32_t lin, unsigned size, bool user, Access access);
  void write_slow(CpuState& s, uint32_t lin, unsigned size, uint32_t value, bool user);
  const TlbEntry& fill(CpuState& s, uint32_t lin, Access access, bool user);
  // fill(), or nullptr and the #PF error code's P and RSVD bits.
  const TlbEntry* try_fill(CpuState& s, uint32_t lin, Access access, bool user,
                           uint32_t& fault_code);

  void journal_access(PhysAddr p, unsigned size, bool write);

  MemoryBus& bus_;
  uint64_t* ram_window_ = nullptr;
  // Clears the entries filled since the last flush, but global ones when
  // `keep_global`.
  void clear_filled(bool keep_global);

  std::unique_ptr<TlbEntry[]> entries_;  // both privileges' arrays
  TlbEntry* tlb_[2];
  // entries_ indexes filled since the last flush (repeats too), the global
  // ones apart: a CR3 load, which keeps them, walks only the others (the
  // kernel's global entries were most of the list, walked at every
  // process switch).
  std::vector<uint32_t> filled_;
  std::vector<uint32_t> filled_global_;
  bool filled_all_ = false;  // too many to list: a flush wipes the arrays
  WriteJournal* journal_ = nullptr;
  uint64_t generation_ = 0;
  uint64_t full_flush_generation_ = 0;    // generation_ at the last flush of more than a page
  uint64_t global_flush_generation_ = 0;  // ... at the last that dropped global entries
  uint64_t page_flush_generation_ = 0;    // ... at the last INVLPG
  static constexpr size_t kPageFlushLog = 16;
  std::array<uint32_t, kPageFlushLog>
      page_flushes_{};  // INVLPG's page for generation g at g % size
};

}  // namespace tx86::core
