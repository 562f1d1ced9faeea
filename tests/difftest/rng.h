// A small deterministic PRNG (splitmix64): the same seed gives the same
// test cases on every host and compiler.
#pragma once

#include <cstdint>
#include <span>

namespace tx86::difftest {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t u32() { return static_cast<uint32_t>(next() >> 32); }
  uint8_t u8() { return static_cast<uint8_t>(next() >> 56); }
  // Uniform in [0, n); n > 0.
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((next() >> 32) % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  T pick(std::span<const T> items) {
    return items[below(static_cast<uint32_t>(items.size()))];
  }

 private:
  uint64_t state_;
};

}  // namespace tx86::difftest
