#include "core/fpu/fpu_state.h"

namespace tx86::core {

namespace {

// SDM Vol. 1, 8.1.7: the tag a register's contents imply.
unsigned tag_of(const X87Reg& r) {
  const unsigned exp = r.sign_exp & 0x7FFFu;
  if (exp == 0x7FFF) return 2;                   // NaN, infinity
  if (exp == 0) return r.mantissa == 0 ? 1 : 2;  // zero; denormal
  return (r.mantissa >> 63) != 0 ? 0 : 2;        // valid; unnormal
}

}  // namespace

uint16_t FpuState::full_tag_word() const {
  uint16_t tw = 0;
  for (unsigned i = 0; i < 8; ++i) {
    const unsigned tag = (valid >> i) & 1u ? tag_of(reg[i]) : 3u;
    tw = static_cast<uint16_t>(tw | (tag << (2 * i)));
  }
  return tw;
}

void FpuState::load_tag_word(uint16_t tw) {
  valid = 0;
  for (unsigned i = 0; i < 8; ++i) {
    if (((tw >> (2 * i)) & 3u) != 3u) valid = static_cast<uint8_t>(valid | (1u << i));
  }
}

}  // namespace tx86::core
