// Save-state files: "TX86SAVE", the file format's version, the version of
// tx86 that wrote it, the length of the state, then the state stream
// (state_stream.h) compressed with zstd, with zstd's checksum. A state is
// only read back by the tx86 version that wrote it; anything else — another
// version, a file that is not a save state, a truncated or corrupt one — is
// a StateError with a message that says which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace tx86::core {

// Writes to a temporary file beside `path` and renames it over: a crash
// mid-write leaves the old file as it was.
void write_state_file(const std::filesystem::path& path, std::span<const uint8_t> state,
                      std::string_view tx86_version);
std::vector<uint8_t> read_state_file(const std::filesystem::path& path,
                                     std::string_view tx86_version);

}  // namespace tx86::core
