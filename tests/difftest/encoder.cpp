#include "tests/difftest/encoder.h"

namespace tx86::difftest {

namespace {

constexpr uint8_t kEsp = 4;
constexpr uint8_t kEbp = 5;
constexpr uint8_t kFlatOverrides[] = {0x26, 0x36, 0x3E};  // ES SS DS

void put32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

bool fits8(int32_t v) {
  return v >= -128 && v <= 127;
}

// mod bits and displacement bytes for a base register and displacement;
// mod 0 is impossible with EBP as base (it means "disp32, no base").
uint8_t choose_mod(Rng& rng, uint8_t base, uint32_t disp, Bytes& tail) {
  const auto sdisp = static_cast<int32_t>(disp);
  if (disp == 0 && base != kEbp && rng.chance(70)) return 0;
  if (fits8(sdisp) && rng.chance(80)) {
    tail.push_back(static_cast<uint8_t>(disp));
    return 1;
  }
  put32(tail, disp);
  return 2;
}

}  // namespace

RmOperand reg_operand(uint8_t reg) {
  RmOperand r;
  r.modrm = static_cast<uint8_t>(0xC0 | (reg & 7));
  return r;
}

RmOperand absolute_operand(uint32_t ea) {
  RmOperand r;
  r.is_mem = true;
  r.modrm = 0x05;
  put32(r.tail, ea);
  return r;
}

RmOperand base_disp_operand(uint8_t base, int32_t disp) {
  RmOperand r;
  r.is_mem = true;
  uint8_t mod = 2;
  if (disp == 0 && base != kEbp) {
    mod = 0;
  } else if (fits8(disp)) {
    mod = 1;
  }
  r.modrm = static_cast<uint8_t>((mod << 6) | base);
  if (mod == 1) r.tail.push_back(static_cast<uint8_t>(disp));
  if (mod == 2) put32(r.tail, static_cast<uint32_t>(disp));
  return r;
}

RmOperand mem_operand(Rng& rng, const core::CpuState& s, uint32_t ea) {
  RmOperand r;
  r.is_mem = true;
  switch (rng.below(6)) {
    case 0: r = absolute_operand(ea); break;
    case 1:
    case 2: {  // [base + disp], no SIB (ESP as base needs one)
      uint8_t base = static_cast<uint8_t>(rng.below(8));
      if (base == kEsp) base = kEbp;
      Bytes tail;
      const uint8_t mod = choose_mod(rng, base, ea - s.gpr[base], tail);
      r.modrm = static_cast<uint8_t>((mod << 6) | base);
      r.tail = tail;
      break;
    }
    case 3: {  // SIB: [index*scale + disp32], no base
      uint8_t index = static_cast<uint8_t>(rng.below(8));
      const uint8_t scale = static_cast<uint8_t>(rng.below(4));
      uint32_t disp = ea;
      if (index != kEsp) disp -= s.gpr[index] << scale;  // index 4 means none
      r.modrm = 0x04;
      r.tail.push_back(static_cast<uint8_t>((scale << 6) | (index << 3) | kEbp));
      put32(r.tail, disp);
      break;
    }
    default: {  // SIB: [base + index*scale + disp]; index 4 (none) ignores the scale
      const uint8_t base = static_cast<uint8_t>(rng.below(8));
      const uint8_t index = static_cast<uint8_t>(rng.below(8));
      const uint8_t scale = static_cast<uint8_t>(rng.below(4));
      uint32_t disp = ea - s.gpr[base];
      if (index != kEsp) disp -= s.gpr[index] << scale;
      Bytes tail;
      const uint8_t mod = choose_mod(rng, base, disp, tail);
      r.modrm = static_cast<uint8_t>((mod << 6) | 0x04);
      r.tail.push_back(static_cast<uint8_t>((scale << 6) | (index << 3) | base));
      r.tail.insert(r.tail.end(), tail.begin(), tail.end());
      break;
    }
  }
  if (rng.chance(15)) r.seg_prefix = kFlatOverrides[rng.below(3)];
  return r;
}

RmOperand random_address(Rng& rng, bool addr16) {
  RmOperand r;
  r.is_mem = true;
  r.addr16 = addr16;
  const uint8_t mod = static_cast<uint8_t>(rng.below(3));
  const uint8_t rm = static_cast<uint8_t>(rng.below(8));
  r.modrm = static_cast<uint8_t>((mod << 6) | rm);
  if (addr16) {
    const unsigned disp = (mod == 0 && rm == 6) ? 2 : mod == 1 ? 1 : mod == 2 ? 2 : 0;
    for (unsigned i = 0; i < disp; ++i) r.tail.push_back(rng.u8());
    return r;
  }
  if (rm == 4) r.tail.push_back(rng.u8());  // SIB
  const bool sib_no_base = rm == 4 && mod == 0 && (r.tail[0] & 7) == kEbp;
  const unsigned disp = (mod == 0 && (rm == 5 || sib_no_base)) ? 4
                        : mod == 1                             ? 1
                        : mod == 2                             ? 4
                                                               : 0;
  for (unsigned i = 0; i < disp; ++i) r.tail.push_back(rng.u8());
  return r;
}

Bytes Enc::bytes() const {
  Bytes out = prefixes_;
  if (has_modrm_ && rm_.seg_prefix != 0) out.push_back(rm_.seg_prefix);
  if (has_modrm_ && rm_.addr16) out.push_back(0x67);
  out.insert(out.end(), opcode_.begin(), opcode_.end());
  if (has_modrm_) {
    out.push_back(rm_.modrm);
    out.insert(out.end(), rm_.tail.begin(), rm_.tail.end());
  }
  out.insert(out.end(), imm_.begin(), imm_.end());
  return out;
}

}  // namespace tx86::difftest
