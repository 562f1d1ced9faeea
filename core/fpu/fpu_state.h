// The x87 FPU's architectural state (SDM Vol. 1, 8.1) as the guest sees it.
//
// The eight data registers are kept in physical order (R0-R7); ST(i) is
// R((TOP + i) mod 8). Tags are kept abridged, one "holds a value" bit per
// register, as every x87 since the Pentium Pro does internally: a full tag
// word is computed from the register contents when one is stored, and a
// loaded one only says empty (11) or not. MMX register MMi is the mantissa
// of Ri.
#pragma once

#include <cstdint>

namespace tx86::core {

namespace fsw {
inline constexpr uint16_t kIe = 1u << 0;  // invalid operation
inline constexpr uint16_t kDe = 1u << 1;  // denormal operand
inline constexpr uint16_t kZe = 1u << 2;  // zero divide
inline constexpr uint16_t kOe = 1u << 3;  // overflow
inline constexpr uint16_t kUe = 1u << 4;  // underflow
inline constexpr uint16_t kPe = 1u << 5;  // precision
inline constexpr uint16_t kExceptions = 0x3F;
inline constexpr uint16_t kSf = 1u << 6;  // stack fault
inline constexpr uint16_t kEs = 1u << 7;  // error summary
inline constexpr uint16_t kC0 = 1u << 8;
inline constexpr uint16_t kC1 = 1u << 9;
inline constexpr uint16_t kC2 = 1u << 10;
inline constexpr int kTopShift = 11;
inline constexpr uint16_t kTopMask = 7u << kTopShift;
inline constexpr uint16_t kC3 = 1u << 14;
inline constexpr uint16_t kB = 1u << 15;  // busy: mirrors ES
}  // namespace fsw

namespace fcw {
inline constexpr uint16_t kInit = 0x037F;   // FNINIT: all masked, 64-bit, nearest
inline constexpr uint16_t kReset = 0x0040;  // power-on (SDM Vol. 3, Table 9-1)
}  // namespace fcw

// One 80-bit register: a 64-bit significand with an explicit integer bit,
// and sign plus 15-bit biased exponent.
struct X87Reg {
  uint64_t mantissa = 0;
  uint16_t sign_exp = 0;

  bool operator==(const X87Reg&) const = default;
};

struct FpuState {
  X87Reg reg[8];
  uint16_t cw = fcw::kReset;
  uint16_t sw = 0;
  uint8_t valid = 0xFF;  // abridged tags: bit i set when Ri is not empty
  // The last non-control instruction: opcode (11 bits), CS:EIP, and the
  // segment:offset of its memory operand.
  uint16_t fop = 0;
  uint16_t fcs = 0;
  uint16_t fds = 0;
  uint32_t fip = 0;
  uint32_t fdp = 0;

  bool operator==(const FpuState&) const = default;

  unsigned top() const { return (sw & fsw::kTopMask) >> fsw::kTopShift; }
  void set_top(unsigned t) {
    sw = static_cast<uint16_t>((sw & ~fsw::kTopMask) | ((t & 7u) << fsw::kTopShift));
  }
  unsigned phys(unsigned i) const { return (top() + i) & 7u; }
  X87Reg& st(unsigned i) { return reg[phys(i)]; }
  const X87Reg& st(unsigned i) const { return reg[phys(i)]; }

  // Unmasked exception flags: what the next waiting instruction reports.
  uint16_t pending() const { return sw & ~cw & fsw::kExceptions; }
  // ES and B follow the exception flags and masks (FLDCW, FLDENV and
  // FRSTOR can set or clear them without an arithmetic instruction).
  void update_summary() {
    sw = pending() != 0 ? (sw | fsw::kEs | fsw::kB) : (sw & ~(fsw::kEs | fsw::kB));
  }

  // FNINIT: registers keep their contents, all become empty.
  void init() {
    cw = fcw::kInit;
    sw = 0;
    valid = 0;
    fop = fcs = fds = 0;
    fip = fdp = 0;
  }

  // The full tag word (00 valid, 01 zero, 10 special, 11 empty), by
  // physical register, as FSTENV/FSAVE store it.
  uint16_t full_tag_word() const;
  // Loads tags from a full tag word: 11 is empty, anything else a value.
  void load_tag_word(uint16_t tw);
  // The abridged tag byte of FXSAVE.
  uint8_t abridged_tags() const { return valid; }
};

}  // namespace tx86::core
