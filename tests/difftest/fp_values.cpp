#include "tests/difftest/fp_values.h"

namespace tx86::difftest {

namespace {

Fp80 make80(bool sign, uint16_t exp, uint64_t mantissa) {
  Fp80 v{};
  for (int i = 0; i < 8; ++i) v[i] = static_cast<uint8_t>(mantissa >> (8 * i));
  const uint16_t se = static_cast<uint16_t>((sign ? 0x8000u : 0u) | (exp & 0x7FFFu));
  v[8] = static_cast<uint8_t>(se);
  v[9] = static_cast<uint8_t>(se >> 8);
  return v;
}

uint64_t u64(Rng& rng) {
  return rng.next();
}

// An integer as an exact 80-bit value.
Fp80 int80(int64_t n) {
  if (n == 0) return make80(false, 0, 0);
  const bool sign = n < 0;
  uint64_t m = sign ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  int exp = 63;
  while (!(m >> 63)) {
    m <<= 1;
    --exp;
  }
  return make80(sign, static_cast<uint16_t>(0x3FFF + exp), m);
}

// Low mantissa bits at a rounding boundary of 24, 53 or 64 bits: exactly
// half an ulp, or one below or above it.
uint64_t near_boundary(Rng& rng, uint64_t mantissa) {
  static constexpr unsigned kDropped[] = {40, 11, 1};
  const unsigned drop = kDropped[rng.below(3)];
  const uint64_t half = uint64_t{1} << (drop - 1);
  const uint64_t low_mask = (uint64_t{1} << drop) - 1;
  uint64_t low = half;
  switch (rng.below(4)) {
    case 0: low = half - 1; break;
    case 1: low = half + 1; break;
    case 2: low = rng.chance(50) ? 0 : low_mask; break;
    default: break;
  }
  return (mantissa & ~low_mask) | (low & low_mask);
}

}  // namespace

Fp80 fp80_value(Rng& rng) {
  const bool sign = rng.chance(50);
  const uint64_t m = u64(rng);
  constexpr uint64_t kInt = uint64_t{1} << 63;
  constexpr uint64_t kQuiet = uint64_t{1} << 62;
  switch (rng.below(20)) {
    case 0: return make80(sign, 0, 0);
    case 1: return make80(sign, 0, m & ~kInt);  // denormal
    case 2: return make80(sign, 0, m | kInt);   // pseudo-denormal
    case 3:
      return make80(sign, static_cast<uint16_t>(1 + rng.below(0x7FFE)), m & ~kInt);  // unnormal
    case 4: return make80(sign, 0x7FFF, kInt);                                       // infinity
    case 5: return make80(sign, 0x7FFF, kInt | kQuiet | (m & (kQuiet - 1)));         // QNaN
    case 6: return make80(sign, 0x7FFF, kInt | ((m & (kQuiet - 1)) | 1));            // SNaN
    case 7: return make80(sign, 0x7FFF, m & ~kInt);      // pseudo-NaN / pseudo-infinity
    case 8: return make80(true, 0x7FFF, kInt | kQuiet);  // real indefinite
    case 9: return make80(sign, rng.chance(50) ? 1 : 0x7FFE, m | kInt);  // extreme normals
    case 10: {
      // Near the edges of the double and single ranges (overflow, underflow).
      static constexpr uint16_t kEdges[] = {0x3FFF + 1023, 0x3FFF + 1024, 0x3FFF - 1022,
                                            0x3FFF - 1023, 0x3FFF - 1074, 0x3FFF + 127,
                                            0x3FFF + 128,  0x3FFF - 126,  0x3FFF - 149};
      const uint16_t e = rng.pick<uint16_t>(kEdges);
      return make80(sign, static_cast<uint16_t>(e + rng.below(3) - 1), m | kInt);
    }
    case 11:
    case 12:
      return make80(sign, static_cast<uint16_t>(0x3FFF + rng.below(140) - 70),
                    near_boundary(rng, m | kInt));
    case 13: return int80(static_cast<int64_t>(rng.below(201)) - 100);
    case 14: {
      // Integers and halves near the FIST limits 2^15, 2^31, 2^63.
      static constexpr unsigned kBits[] = {15, 16, 31, 32, 63, 64};
      const uint16_t e = static_cast<uint16_t>(0x3FFF + rng.pick<unsigned>(kBits) - 1);
      return make80(sign, e, kInt | (m & (rng.chance(50) ? 3 : 0xFFFF)));
    }
    case 15: {
      // Around multiples of pi/4, for the reductions of FSIN, FPTAN, FPREM.
      constexpr uint64_t kPi = 0xC90FDAA22168C235ull;
      return make80(sign, static_cast<uint16_t>(0x3FFF + rng.below(66) - 1),
                    kPi + (rng.below(5) - 2));
    }
    case 16: return make80(sign, static_cast<uint16_t>(0x3FFF + rng.below(20) - 10), m | kInt);
    default: return make80(sign, static_cast<uint16_t>(0x3FFF + rng.below(400) - 200), m | kInt);
  }
}

uint32_t fp32_value(Rng& rng) {
  const uint32_t sign = rng.chance(50) ? 0x80000000u : 0;
  const uint32_t m = rng.u32() & 0x7FFFFFu;
  switch (rng.below(12)) {
    case 0: return sign;
    case 1: return sign | (m | 1);                              // denormal
    case 2: return sign | 0x7F800000u;                          // infinity
    case 3: return sign | 0x7FC00000u | m;                      // QNaN
    case 4: return sign | 0x7F800000u | ((m & 0x3FFFFFu) | 1);  // SNaN
    case 5: return sign | 0x7F7FFFFFu;                          // largest
    case 6: return sign | 0x00800000u;                          // smallest normal
    case 7: return sign | (static_cast<uint32_t>(127 + rng.below(20) - 10) << 23) | m;
    default: return sign | (static_cast<uint32_t>(1 + rng.below(254)) << 23) | m;
  }
}

uint64_t fp64_value(Rng& rng) {
  const uint64_t sign = rng.chance(50) ? uint64_t{1} << 63 : 0;
  const uint64_t m = u64(rng) & ((uint64_t{1} << 52) - 1);
  constexpr uint64_t kInf = uint64_t{0x7FF} << 52;
  switch (rng.below(12)) {
    case 0: return sign;
    case 1: return sign | (m | 1);
    case 2: return sign | kInf;
    case 3: return sign | kInf | (uint64_t{1} << 51) | m;
    case 4: return sign | kInf | ((m & ((uint64_t{1} << 51) - 1)) | 1);
    case 5: return sign | (kInf - 1);
    case 6: return sign | (uint64_t{1} << 52);
    case 7: return sign | (static_cast<uint64_t>(1023 + rng.below(20) - 10) << 52) | m;
    default: return sign | (static_cast<uint64_t>(1 + rng.below(2046)) << 52) | m;
  }
}

uint64_t int_value(Rng& rng, unsigned bytes) {
  const unsigned bits = 8 * bytes;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const uint64_t min = uint64_t{1} << (bits - 1);
  switch (rng.below(8)) {
    case 0: return 0;
    case 1: return mask;     // -1
    case 2: return min;      // the most negative
    case 3: return min - 1;  // the most positive
    case 4: return rng.below(200) & mask;
    case 5: return (0 - uint64_t{rng.below(200)}) & mask;
    default: return u64(rng) & mask;
  }
}

Fp80 bcd_value(Rng& rng) {
  Fp80 v{};
  const unsigned digits = 1 + rng.below(18);
  for (unsigned i = 0; i < digits; ++i) {
    const unsigned d = rng.chance(3) ? 10 + rng.below(6) : rng.below(10);
    v[i / 2] = static_cast<uint8_t>(v[i / 2] | (d << (4 * (i % 2))));
  }
  v[9] = rng.chance(50) ? 0x80 : 0;
  if (rng.chance(3)) v[9] = static_cast<uint8_t>(v[9] | rng.below(0x80));
  return v;
}

uint16_t control_word(Rng& rng) {
  uint16_t cw = static_cast<uint16_t>(rng.below(4) << 10 | rng.below(4) << 8);
  if (rng.chance(20)) cw = static_cast<uint16_t>(cw | 0x1000);  // infinity control, ignored
  cw = static_cast<uint16_t>(cw | (rng.chance(85) ? 0x3F : rng.below(0x40)));
  return static_cast<uint16_t>(cw | 0x40);
}

}  // namespace tx86::difftest
