// The host code of a translated block as --jit-log shows it: capstone's
// x86-64 disassembly of the bytes in the arena, each line with its arena
// offset (the offsets perf reports for the arena's memfd mapping).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace tx86::jit {

class HostListing {
 public:
  HostListing();
  ~HostListing();
  HostListing(const HostListing&) = delete;
  HostListing& operator=(const HostListing&) = delete;

  // One line per instruction: "  +offset  bytes  text".
  std::string list(std::span<const uint8_t> code, uint64_t arena_offset) const;

 private:
  size_t handle_ = 0;
};

}  // namespace tx86::jit
