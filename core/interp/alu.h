// Integer arithmetic with its EFLAGS effects: the reference semantics of the
// ALU (SDM Vol. 1, 3.4.3 and each instruction's "Flags Affected"). Each
// function takes operands of `size` bytes (1, 2 or 4), returns the result and
// stores the six status flags into eflags. Flags the SDM leaves undefined are
// given the values this CPU model produces, noted where chosen.
#pragma once

#include <cstdint>

#include "core/cpu/registers.h"

namespace tx86::core::alu {

inline constexpr uint32_t mask_of(unsigned size) {
  return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}
inline constexpr uint32_t sign_of(unsigned size) {
  return 1u << (8 * size - 1);
}

inline uint32_t sign_extend(uint32_t v, unsigned size) {
  if (size == 1) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)));
  if (size == 2) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v)));
  return v;
}

inline uint32_t parity_flag(uint32_t r) {
  return (__builtin_popcount(r & 0xFF) & 1) == 0 ? flags::kPf : 0;
}

// ZF, SF and PF of a result.
inline uint32_t szp(uint32_t r, unsigned size) {
  r &= mask_of(size);
  return (r == 0 ? flags::kZf : 0) | ((r & sign_of(size)) ? flags::kSf : 0) | parity_flag(r);
}

inline void set_status(uint32_t& eflags, uint32_t which, uint32_t values) {
  eflags = (eflags & ~which) | (values & which);
}

inline uint32_t add(uint32_t& eflags, uint32_t a, uint32_t b, uint32_t carry, unsigned size) {
  const uint32_t m = mask_of(size);
  a &= m;
  b &= m;
  const uint64_t wide = uint64_t{a} + b + carry;
  const auto r = static_cast<uint32_t>(wide) & m;
  uint32_t f = szp(r, size);
  if (wide > m) f |= flags::kCf;
  if ((a ^ b ^ r) & 0x10) f |= flags::kAf;
  if ((a ^ r) & (b ^ r) & sign_of(size)) f |= flags::kOf;
  set_status(eflags, flags::kArith, f);
  return r;
}

inline uint32_t sub(uint32_t& eflags, uint32_t a, uint32_t b, uint32_t borrow, unsigned size) {
  const uint32_t m = mask_of(size);
  a &= m;
  b &= m;
  const uint32_t r = (a - b - borrow) & m;
  uint32_t f = szp(r, size);
  if (uint64_t{a} < uint64_t{b} + borrow) f |= flags::kCf;
  if ((a ^ b ^ r) & 0x10) f |= flags::kAf;
  if ((a ^ b) & (a ^ r) & sign_of(size)) f |= flags::kOf;
  set_status(eflags, flags::kArith, f);
  return r;
}

// AND, OR, XOR, TEST: CF = OF = 0; AF is undefined and this model clears it.
inline uint32_t logic(uint32_t& eflags, uint32_t r, unsigned size) {
  r &= mask_of(size);
  set_status(eflags, flags::kArith, szp(r, size));
  return r;
}

// INC and DEC leave CF alone.
inline uint32_t inc(uint32_t& eflags, uint32_t a, unsigned size) {
  const uint32_t cf = eflags & flags::kCf;
  const uint32_t r = add(eflags, a, 1, 0, size);
  eflags = (eflags & ~flags::kCf) | cf;
  return r;
}

inline uint32_t dec(uint32_t& eflags, uint32_t a, unsigned size) {
  const uint32_t cf = eflags & flags::kCf;
  const uint32_t r = sub(eflags, a, 1, 0, size);
  eflags = (eflags & ~flags::kCf) | cf;
  return r;
}

// Jcc/SETcc/CMOVcc condition codes (SDM Vol. 1, Appendix B).
inline bool condition(uint32_t eflags, uint8_t cc) {
  const bool cf = eflags & flags::kCf;
  const bool zf = eflags & flags::kZf;
  const bool sf = eflags & flags::kSf;
  const bool of = eflags & flags::kOf;
  const bool pf = eflags & flags::kPf;
  bool r = false;
  switch (cc >> 1) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf || zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf != of; break;
    default: r = zf || (sf != of); break;
  }
  return (cc & 1) ? !r : r;
}

}  // namespace tx86::core::alu
