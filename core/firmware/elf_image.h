// The loadable part of an ELF32 x86 executable (System V ABI, i386
// supplement): its PT_LOAD segments at their physical addresses, and the
// entry point as a physical address. The direct boots load kernels with it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/mem/memory_bus.h"

namespace tx86::core {

struct LoadSegment {
  PhysAddr addr = 0;
  std::vector<uint8_t> bytes;  // copied from the file
  uint32_t zero_bytes = 0;     // then this many zero bytes (bss)
};

struct ElfImage {
  std::vector<LoadSegment> segments;
  uint32_t entry = 0;  // physical
};

bool is_elf(std::span<const uint8_t> file);

// Reads the segments of `file` (`name` in messages); a file that is not a
// 32-bit little-endian x86 executable with loadable segments, or whose
// headers run past its end, is a UserError saying so.
ElfImage read_elf32(const std::string& name, std::span<const uint8_t> file);

// Stores the segments into RAM (zero-filling their bss).
void store_segments(MemoryBus& mem, const std::vector<LoadSegment>& segments);

}  // namespace tx86::core
