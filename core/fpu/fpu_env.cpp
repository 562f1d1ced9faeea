#include "core/fpu/fpu_env.h"

#include <cstring>

namespace tx86::core {

namespace {

void put16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, v);
  put16(p + 2, v >> 16);
}
uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
uint32_t get32(const uint8_t* p) {
  return get16(p) | (uint32_t{get16(p + 2)} << 16);
}

// Real-mode layouts hold linear pointers (segment * 16 + offset).
uint32_t linear(uint16_t selector, uint32_t offset) {
  return (uint32_t{selector} << 4) + offset;
}

void put_reg(uint8_t* p, const X87Reg& r) {
  std::memcpy(p, &r.mantissa, 8);
  put16(p + 8, r.sign_exp);
}
X87Reg get_reg(const uint8_t* p) {
  X87Reg r;
  std::memcpy(&r.mantissa, p, 8);
  r.sign_exp = get16(p + 8);
  return r;
}

// The status word as stored: ES and B follow the flags and masks.
uint16_t stored_status(const FpuState& f) {
  FpuState copy = f;
  copy.update_summary();
  return copy.sw;
}

void load_words(FpuState& f, uint16_t cw, uint16_t sw, uint16_t tw) {
  f.cw = control_word_from(cw);
  f.sw = sw;
  f.update_summary();
  f.load_tag_word(tw);
}

}  // namespace

// The reserved upper halves of the 32-bit layouts read as ones, as the
// host's FNSTENV stores them.
void store_env(const FpuState& f, EnvLayout l, uint8_t* out) {
  const uint16_t sw = stored_status(f);
  const uint16_t tw = f.full_tag_word();
  if (l.op32) {
    put32(out + 0, 0xFFFF0000u | f.cw);
    put32(out + 4, 0xFFFF0000u | sw);
    put32(out + 8, 0xFFFF0000u | tw);
    if (l.protected_) {
      put32(out + 12, f.fip);
      put32(out + 16, f.fcs | (uint32_t{f.fop} << 16));
      put32(out + 20, f.fdp);
      put32(out + 24, 0xFFFF0000u | f.fds);
    } else {
      const uint32_t ip = linear(f.fcs, f.fip);
      const uint32_t dp = linear(f.fds, f.fdp);
      put32(out + 12, 0xFFFF0000u | (ip & 0xFFFFu));
      put32(out + 16, ((ip >> 16) << 12) | f.fop);
      put32(out + 20, 0xFFFF0000u | (dp & 0xFFFFu));
      put32(out + 24, (dp >> 16) << 12);
    }
    return;
  }
  put16(out + 0, f.cw);
  put16(out + 2, sw);
  put16(out + 4, tw);
  if (l.protected_) {
    put16(out + 6, f.fip);
    put16(out + 8, f.fcs);
    put16(out + 10, f.fdp);
    put16(out + 12, f.fds);
  } else {
    const uint32_t ip = linear(f.fcs, f.fip);
    const uint32_t dp = linear(f.fds, f.fdp);
    put16(out + 6, ip);
    put16(out + 8, ((ip >> 16) & 0xFu) << 12 | f.fop);
    put16(out + 10, dp);
    put16(out + 12, ((dp >> 16) & 0xFu) << 12);
  }
}

void load_env(FpuState& f, EnvLayout l, const uint8_t* in) {
  if (l.op32) {
    load_words(f, get16(in + 0), get16(in + 4), get16(in + 8));
    if (l.protected_) {
      f.fip = get32(in + 12);
      f.fcs = get16(in + 16);
      f.fop = get16(in + 18) & 0x7FFu;
      f.fdp = get32(in + 20);
      f.fds = get16(in + 24);
    } else {
      const uint32_t w = get32(in + 16);
      f.fip = get16(in + 12) | (((w >> 12) & 0xFFFFu) << 16);
      f.fop = w & 0x7FFu;
      f.fdp = get16(in + 20) | (((get32(in + 24) >> 12) & 0xFFFFu) << 16);
      f.fcs = f.fds = 0;
    }
    return;
  }
  load_words(f, get16(in + 0), get16(in + 2), get16(in + 4));
  if (l.protected_) {
    f.fip = get16(in + 6);
    f.fcs = get16(in + 8);
    f.fdp = get16(in + 10);
    f.fds = get16(in + 12);
  } else {
    const uint16_t w = get16(in + 8);
    f.fip = get16(in + 6) | (static_cast<uint32_t>(w >> 12) << 16);
    f.fop = w & 0x7FFu;
    f.fdp = get16(in + 10) | (static_cast<uint32_t>(get16(in + 12) >> 12) << 16);
    f.fcs = f.fds = 0;
  }
}

void store_registers(const FpuState& f, uint8_t* out) {
  for (unsigned i = 0; i < 8; ++i) put_reg(out + 10 * i, f.st(i));
}

void load_registers(FpuState& f, const uint8_t* in) {
  for (unsigned i = 0; i < 8; ++i) f.st(i) = get_reg(in + 10 * i);
}

void store_fxsave(const FpuState& f, uint8_t* out) {
  put16(out + 0, f.cw);
  put16(out + 2, stored_status(f));
  out[4] = f.abridged_tags();
  out[5] = 0;
  put16(out + 6, f.fop);
  put32(out + 8, f.fip);
  put16(out + 12, f.fcs);
  put16(out + 14, 0);
  put32(out + 16, f.fdp);
  put16(out + 20, f.fds);
  put16(out + 22, 0);
  for (unsigned i = 0; i < 8; ++i) {
    uint8_t* slot = out + 32 + 16 * i;
    std::memset(slot, 0, 16);
    put_reg(slot, f.st(i));
  }
}

void load_fxsave(FpuState& f, const uint8_t* in) {
  f.cw = control_word_from(get16(in + 0));
  f.sw = get16(in + 2);
  f.valid = in[4];
  f.fop = get16(in + 6) & 0x7FFu;
  f.fip = get32(in + 8);
  f.fcs = get16(in + 12);
  f.fdp = get32(in + 16);
  f.fds = get16(in + 20);
  f.update_summary();
  for (unsigned i = 0; i < 8; ++i) f.st(i) = get_reg(in + 32 + 16 * i);
}

}  // namespace tx86::core
