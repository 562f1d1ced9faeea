// Parsing of sizes written as on QEMU's command line: "128" (MiB), "64M",
// "1G", "1.5G", "65536K", "512MiB". Binary units throughout.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tx86::fe {

// Bytes, or nullopt for a malformed or out-of-range size.
std::optional<uint64_t> parse_size(std::string_view text);

// A 32-bit address in hex, with or without 0x ("c1000000", "0xFFFFFFF0"),
// or nullopt.
std::optional<uint32_t> parse_hex32(std::string_view text);

}  // namespace tx86::fe
