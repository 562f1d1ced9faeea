#include "core/mem/mmu.h"

#include <algorithm>

#include "core/cpu/guest_fault.h"

namespace tx86::core {

namespace {

struct Walk {
  PhysAddr page;
  bool fast_write;  // writes allowed at this privilege and the D bit is set
  bool global;
  // The walk failed: this access raises #PF with this error code (bits
  // P, RSVD; page_fault() adds W and U).
  bool fault = false;
  uint32_t code = 0;
};

Walk fault_walk(uint32_t code) {
  return Walk{0, false, false, true, code};
}

GuestFault page_fault(CpuState& s, uint32_t lin, uint32_t code, Access access, bool user) {
  if (access == Access::kWrite) code |= pf::kWrite;
  if (user) code |= pf::kUser;
  s.cr2 = lin;
  return GuestFault{vec::kPf, true, code};
}

// The two-level walk of SDM Vol. 3, 4.3, setting A and D bits as the access
// requires. Permissions combine both levels: U/S and R/W must allow the
// access at the PDE and at the PTE.
Walk walk(MemoryBus& bus, const CpuState& s, uint32_t lin, Access access, bool user) {
  const bool write = access == Access::kWrite;
  const bool wp = (s.cr0 & cr0::kWp) != 0;
  const PhysAddr pde_addr = (s.cr3 & ~kPageMask) | ((lin >> 20) & 0xFFC);
  uint32_t pde = bus.read32(pde_addr);
  if (!(pde & pte::kPresent)) return fault_walk(0);

  auto allowed = [&](uint32_t perms) {
    if (user && !(perms & pte::kUser)) return false;
    if (write && !(perms & pte::kWritable) && (user || wp)) return false;
    return true;
  };
  auto writable = [&](uint32_t perms) { return (perms & pte::kWritable) || (!user && !wp); };
  const bool pge = (s.cr4 & cr4::kPge) != 0;

  if ((pde & pte::kLargePage) && (s.cr4 & cr4::kPse)) {
    // Bits 21:12 of a 4 MiB PDE are reserved without PSE-36 and PAT.
    if (pde & 0x003FF000u) return fault_walk(pf::kProtection | pf::kReserved);
    if (!allowed(pde)) return fault_walk(pf::kProtection);
    const uint32_t want = pte::kAccessed | (write ? pte::kDirty : 0);
    if ((pde & want) != want) {
      pde |= want;
      bus.write32(pde_addr, pde);
    }
    return Walk{(pde & 0xFFC00000u) | (lin & 0x003FF000u), writable(pde) && (pde & pte::kDirty),
                pge && (pde & pte::kGlobal)};
  }

  const PhysAddr pte_addr = (pde & ~kPageMask) | ((lin >> 10) & 0xFFC);
  uint32_t entry = bus.read32(pte_addr);
  if (!(entry & pte::kPresent)) return fault_walk(0);
  const uint32_t perms = pde & entry;
  if (!allowed(perms)) return fault_walk(pf::kProtection);
  if (!(pde & pte::kAccessed)) {
    pde |= pte::kAccessed;
    bus.write32(pde_addr, pde);
  }
  const uint32_t want = pte::kAccessed | (write ? pte::kDirty : 0);
  if ((entry & want) != want) {
    entry |= want;
    bus.write32(pte_addr, entry);
  }
  return Walk{entry & ~kPageMask, writable(perms) && (entry & pte::kDirty),
              pge && (entry & pte::kGlobal)};
}

}  // namespace

std::optional<PhysAddr> Mmu::peek_translate(const CpuState& s, uint32_t lin) const {
  if (!(s.cr0 & cr0::kPg)) return lin;
  const uint32_t pde = bus_.read32((s.cr3 & ~kPageMask) | ((lin >> 20) & 0xFFC));
  if (!(pde & pte::kPresent)) return std::nullopt;
  if ((pde & pte::kLargePage) && (s.cr4 & cr4::kPse)) {
    return (pde & 0xFFC00000u) | (lin & 0x003FFFFFu);
  }
  const uint32_t entry = bus_.read32((pde & ~kPageMask) | ((lin >> 10) & 0xFFC));
  if (!(entry & pte::kPresent)) return std::nullopt;
  return (entry & ~kPageMask) | (lin & kPageMask);
}

Mmu::Mmu(MemoryBus& bus) : bus_(bus), entries_(new TlbEntry[2 * kTlbSize]) {
  tlb_[0] = entries_.get();
  tlb_[1] = entries_.get() + kTlbSize;
  flush_all();
  bus_.add_map_listener([this] { flush_all(); });
  bus_.add_code_page_listener([this](PhysAddr page) { flush_physical(page); });
}

void Mmu::clear_filled(bool keep_global) {
  if (ram_window_ != nullptr) *ram_window_ = 0;
  full_flush_generation_ = ++generation_;
  if (!keep_global || filled_all_) global_flush_generation_ = generation_;
  if (filled_all_) {
    std::fill(entries_.get(), entries_.get() + 2 * kTlbSize, TlbEntry{});
    filled_.clear();
    filled_global_.clear();
    filled_all_ = false;
    return;
  }
  // (A slot listed here may hold a global entry filled since: it is listed
  // with those too, and stays.)
  for (const uint32_t slot : filled_) {
    TlbEntry& e = entries_[slot];
    if (!(keep_global && e.global && !(e.read_tag & kTlbInvalid))) e = TlbEntry{};
  }
  filled_.clear();
  if (keep_global) return;
  for (const uint32_t slot : filled_global_) entries_[slot] = TlbEntry{};
  filled_global_.clear();
}

void Mmu::flush_all() {
  clear_filled(false);
}

// A page now holds translated code (or no longer does): stores to it must
// leave the inline fast path, which checks nothing. The entries that map it
// keep their translation and only lose their fast write, so nothing is
// walked again: the TLB stays the one an engine without translated code
// would have (the same accessed and dirty bits, the same stale entries
// after a page-table store without INVLPG). Refills follow the bus's own
// view of the page.
void Mmu::flush_physical(PhysAddr page) {
  auto slow_down = [page](TlbEntry& e) {
    if (e.phys_page == page && !(e.write_tag & kTlbInvalid)) e.write_tag |= kTlbSlow;
  };
  // Only entries filled since the last flush can map anything: look at
  // those when they are listed (a new code page comes with every first
  // translation in it, and the arrays are 32768 entries).
  if (!filled_all_) {
    for (const uint32_t slot : filled_) slow_down(entries_[slot]);
    for (const uint32_t slot : filled_global_) slow_down(entries_[slot]);
    return;
  }
  for (size_t i = 0; i < 2 * kTlbSize; ++i) slow_down(entries_[i]);
}

void Mmu::flush_non_global() {
  clear_filled(true);
}

void Mmu::flush_page(uint32_t lin) {
  const uint32_t page = lin & ~kPageMask;
  page_flushes_[++generation_ % kPageFlushLog] = page;
  page_flush_generation_ = generation_;
  for (TlbEntry* set : tlb_) {
    TlbEntry& e = set[(lin >> kPageShift) & (kTlbSize - 1)];
    if ((e.read_tag & ~kPageMask) == page || (e.write_tag & ~kPageMask) == page) e = TlbEntry{};
  }
}

const TlbEntry& Mmu::fill(CpuState& s, uint32_t lin, Access access, bool user) {
  uint32_t code = 0;
  const TlbEntry* e = try_fill(s, lin, access, user, code);
  if (e == nullptr) throw page_fault(s, lin, code, access, user);
  return *e;
}

const TlbEntry* Mmu::try_fill(CpuState& s, uint32_t lin, Access access, bool user,
                              uint32_t& fault_code) {
  const uint32_t page = lin & ~kPageMask;
  Walk w{page, true, false};
  if (s.cr0 & cr0::kPg) w = walk(bus_, s, lin, access, user);
  if (w.fault) {
    fault_code = w.code;
    return nullptr;
  }

  TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
  e = TlbEntry{};
  e.phys_page = w.page;
  e.global = w.global ? 1 : 0;
  if (!filled_all_) {
    (e.global ? filled_global_ : filled_).push_back(static_cast<uint32_t>(&e - entries_.get()));
    // Refills of the same slots: wipe it all next time.
    if (filled_.size() + filled_global_.size() > 2 * kTlbSize) {
      filled_all_ = true;
      filled_.clear();
      filled_global_.clear();
    }
  }
  if (ram_window_ != nullptr && !(s.cr0 & cr0::kPg) && bus_.a20() && journal_ == nullptr) {
    const uint64_t end = bus_.ram_identity_end();
    const uint64_t start = MemoryBus::kRamIdentityStart;
    *ram_window_ = end > start + kRamWindowSlack ? end - start - kRamWindowSlack : 0;
  }
  uint8_t* rd = bus_.host_page_for_read(w.page);
  uint8_t* wr = bus_.host_page_for_write(w.page);
  e.addend = reinterpret_cast<uintptr_t>(rd) - page;
  e.read_tag = page | (rd != nullptr ? 0 : kTlbSlow);
  if (w.fast_write) {
    e.write_tag = page | (wr != nullptr && journal_ == nullptr ? 0 : kTlbSlow);
  }
  return &e;
}

PhysAddr Mmu::translate(CpuState& s, uint32_t lin, Access access, bool user) {
  const uint32_t page = lin & ~kPageMask;
  const TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
  const uint64_t tag = access == Access::kWrite ? e.write_tag : e.read_tag;
  if ((tag & ~kTlbSlow) == page) return e.phys_page | (lin & kPageMask);
  return fill(s, lin, access, user).phys_page | (lin & kPageMask);
}

std::optional<PhysAddr> Mmu::try_translate(CpuState& s, uint32_t lin, Access access, bool user,
                                           GuestFault* fault) {
  const uint32_t page = lin & ~kPageMask;
  const TlbEntry& e = tlb_[user][(lin >> kPageShift) & (kTlbSize - 1)];
  const uint64_t tag = access == Access::kWrite ? e.write_tag : e.read_tag;
  if ((tag & ~kTlbSlow) == page) return e.phys_page | (lin & kPageMask);
  uint32_t code = 0;
  const TlbEntry* filled = try_fill(s, lin, access, user, code);
  if (filled != nullptr) return filled->phys_page | (lin & kPageMask);
  if (fault != nullptr) *fault = page_fault(s, lin, code, access, user);
  return std::nullopt;
}

bool Mmu::try_span(CpuState& s, uint32_t lin, unsigned size, Access access, bool user,
                   GuestFault& fault) {
  if (!try_translate(s, lin, access, user, &fault)) return false;
  const uint32_t last = lin + size - 1;
  if ((last & ~kPageMask) == (lin & ~kPageMask)) return true;
  return try_translate(s, last & ~kPageMask, access, user, &fault).has_value();
}

void Mmu::probe_write(CpuState& s, uint32_t lin, unsigned size, bool user) {
  translate(s, lin, Access::kWrite, user);
  const uint32_t last = lin + size - 1;
  if ((last & ~kPageMask) != (lin & ~kPageMask)) translate(s, last, Access::kWrite, user);
}

uint32_t Mmu::read_slow(CpuState& s, uint32_t lin, unsigned size, bool user, Access access) {
  const uint32_t last = lin + size - 1;
  if ((last & ~kPageMask) != (lin & ~kPageMask)) {
    // Both pages are translated before any byte is read, so a fault on the
    // second page is raised with nothing done.
    const PhysAddr first = translate(s, lin, access, user);
    const PhysAddr second = translate(s, last & ~kPageMask, access, user);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
      const uint32_t a = lin + i;
      const PhysAddr p =
          ((a & ~kPageMask) == (lin & ~kPageMask)) ? first + i : second + (a & kPageMask);
      if (journal_ != nullptr) journal_access(p, 1, false);
      v |= uint32_t{bus_.read8(p)} << (8 * i);
    }
    return v;
  }
  const PhysAddr p = translate(s, lin, access, user);
  if (journal_ != nullptr) journal_access(p, size, false);
  switch (size) {
    case 1: return bus_.read8(p);
    case 2: return bus_.read16(p);
    default: return bus_.read32(p);
  }
}

void Mmu::set_journal(WriteJournal* journal) {
  const bool flush = (journal_ == nullptr) != (journal == nullptr);
  journal_ = journal;
  if (flush) flush_all();
}

void Mmu::journal_access(PhysAddr p, unsigned size, bool write) {
  if (!journal_->recording) return;
  for (unsigned i = 0; i < size; ++i) {
    if (!bus_.plain_access(p + i, write)) {
      journal_->touched_devices = true;
      return;  // reading it back could have side effects
    }
  }
  if (!write) return;
  for (unsigned i = 0; i < size; ++i) journal_->bytes.push_back({p + i, bus_.read8(p + i)});
}

void Mmu::write_slow(CpuState& s, uint32_t lin, unsigned size, uint32_t value, bool user) {
  const uint32_t last = lin + size - 1;
  if ((last & ~kPageMask) != (lin & ~kPageMask)) {
    const PhysAddr first = translate(s, lin, Access::kWrite, user);
    const PhysAddr second = translate(s, last & ~kPageMask, Access::kWrite, user);
    for (unsigned i = 0; i < size; ++i) {
      const uint32_t a = lin + i;
      const PhysAddr p =
          ((a & ~kPageMask) == (lin & ~kPageMask)) ? first + i : second + (a & kPageMask);
      if (journal_ != nullptr) journal_access(p, 1, true);
      bus_.write8(p, static_cast<uint8_t>(value >> (8 * i)));
    }
    return;
  }
  const PhysAddr p = translate(s, lin, Access::kWrite, user);
  if (journal_ != nullptr) journal_access(p, size, true);
  switch (size) {
    case 1: bus_.write8(p, static_cast<uint8_t>(value)); break;
    case 2: bus_.write16(p, static_cast<uint16_t>(value)); break;
    default: bus_.write32(p, value); break;
  }
}

}  // namespace tx86::core
