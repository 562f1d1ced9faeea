// Parsing of sizes written as on QEMU's command line: "128" (MiB), "64M",
// "1G", "1.5G", "65536K", "512MiB". Binary units throughout.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tx86::fe {

// Bytes, or nullopt for a malformed or out-of-range size.
std::optional<uint64_t> parse_size(std::string_view text);

}  // namespace tx86::fe
