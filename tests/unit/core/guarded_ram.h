// Guest RAM with a tripwire behind it, for the bounds tests: the bus
// allocates one host page more than the guest gets, maps only the guest's
// part, and makes the extra page inaccessible. No guest address reaches
// that page, so a device or CPU path that computes a host address past the
// end of guest RAM instead of going through the bus's map dies there with
// SIGSEGV rather than passing by luck (ASan does not watch mmap'd RAM).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/mem/memory_bus.h"

namespace tx86::testing {

// What a bus for `guest_bytes` of guarded RAM must be constructed with.
constexpr uint64_t guarded_ram_size(uint64_t guest_bytes) {
  return guest_bytes + core::kPageSize;
}

// Maps [0, guest_bytes) as RAM and arms the guard page after it.
inline void map_guarded_ram(core::MemoryBus& bus, uint64_t guest_bytes) {
  if (bus.ram_size() != guarded_ram_size(guest_bytes) ||
      static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) != core::kPageSize) {
    throw std::logic_error("guarded RAM: bus size or host page size unexpected");
  }
  bus.map_ram(0, guest_bytes, 0);
  if (mprotect(bus.ram() + guest_bytes, core::kPageSize, PROT_NONE) != 0) {
    throw std::runtime_error("guarded RAM: mprotect failed");
  }
}

// A copy of guest RAM, to check afterwards that only the expected bytes
// changed.
inline std::vector<uint8_t> snapshot(core::MemoryBus& bus, uint64_t guest_bytes) {
  return {bus.ram(), bus.ram() + guest_bytes};
}

// The first offset where RAM differs from `before` outside the ranges
// [begin, end) in `skip`, or -1 when nothing else changed.
inline int64_t changed_outside(core::MemoryBus& bus, const std::vector<uint8_t>& before,
                               std::initializer_list<std::pair<uint64_t, uint64_t>> skip) {
  for (uint64_t i = 0; i < before.size(); ++i) {
    bool skipped = false;
    for (const auto& [begin, end] : skip) skipped = skipped || (i >= begin && i < end);
    if (!skipped && bus.ram()[i] != before[i]) return static_cast<int64_t>(i);
  }
  return -1;
}
inline int64_t changed_outside(core::MemoryBus& bus, const std::vector<uint8_t>& before,
                               uint64_t skip_begin, uint64_t skip_end) {
  return changed_outside(bus, before, {{skip_begin, skip_end}});
}

}  // namespace tx86::testing
