// Floating-point operands for the x87 and MMX forms: the classes where
// implementations differ — signed zeros, denormals and pseudo-denormals,
// unnormals, infinities, quiet and signalling NaNs, pseudo-NaNs, the real
// indefinite, the largest and smallest normals, values one ulp either side
// of a rounding boundary of each precision, integers near the limits of
// FIST, BCD numbers — and plain random ones.
#pragma once

#include <array>
#include <cstdint>

#include "tests/difftest/rng.h"

namespace tx86::difftest {

using Fp80 = std::array<uint8_t, 10>;

Fp80 fp80_value(Rng& rng);
uint32_t fp32_value(Rng& rng);
uint64_t fp64_value(Rng& rng);
// Signed integers of 2, 4 or 8 bytes, edges mixed in.
uint64_t int_value(Rng& rng, unsigned bytes);
// An 18-digit packed BCD number with its sign byte; now and then with an
// invalid digit or sign byte.
Fp80 bcd_value(Rng& rng);
// A control word: random rounding and precision, exceptions usually masked.
uint16_t control_word(Rng& rng);

}  // namespace tx86::difftest
