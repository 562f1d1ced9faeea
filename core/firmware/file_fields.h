// Little-endian fields of a kernel file or boot structure, read and written
// at byte offsets (x86 boot formats are little-endian throughout; the
// callers check the offsets against the size first).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace tx86::core {

inline uint32_t le32(std::span<const uint8_t> b, uint64_t off) {
  uint32_t v = 0;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}
inline uint16_t le16(std::span<const uint8_t> b, uint64_t off) {
  uint16_t v = 0;
  std::memcpy(&v, b.data() + off, 2);
  return v;
}
template <typename T>
void put_le(std::vector<uint8_t>& b, uint64_t off, T v) {
  std::memcpy(&b[off], &v, sizeof v);
}

}  // namespace tx86::core
