// Loading a BIOS image (SeaBIOS, or one of our ROMs) the way the PC's
// chipset decodes it: the whole image ends at 4 GiB, and its last 128 KiB
// (or all of it, if smaller) also ends at 1 MiB, so that the reset vector
// at FFFFFFF0 and the real-mode alias at F000:FFF0 hold the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/mem/memory_bus.h"

namespace tx86::core {

inline constexpr uint64_t kMaxBiosSize = 16ull << 20;
inline constexpr uint64_t kBiosLowAliasMax = 128ull << 10;

// Reads a firmware file (what: "BIOS", "VGA BIOS", ...); throws UserError
// naming the file and the problem (missing, unreadable, empty, larger than
// max_size).
std::vector<uint8_t> read_firmware_file(const std::filesystem::path& path, const std::string& what,
                                        uint64_t max_size);
inline std::vector<uint8_t> read_bios_file(const std::filesystem::path& path) {
  return read_firmware_file(path, "BIOS", kMaxBiosSize);
}

// Maps the image as ROM at the top of 4 GiB and at the top of the first MiB.
// An image that is not a multiple of 4 KiB is padded at its start with 0xFF.
void map_bios(MemoryBus& bus, std::span<const uint8_t> image);

}  // namespace tx86::core
