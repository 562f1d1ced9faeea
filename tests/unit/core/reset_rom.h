// Test machines that start at a few bytes of code: a 4 KiB BIOS ROM whose
// reset vector (F000:FFF0, linear FFFFFFF0) holds them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/mem/memory_bus.h"

namespace tx86::core {

// `code` is at most 16 bytes; HLT fills the rest of the ROM.
inline std::vector<uint8_t> rom_with_reset_code(std::initializer_list<uint8_t> code) {
  std::vector<uint8_t> rom(kPageSize, 0xF4);
  size_t i = rom.size() - 16;
  for (const uint8_t b : code) rom[i++] = b;
  return rom;
}

}  // namespace tx86::core
