// The std VGA's save state: the register file, the plane latches, the VBE
// registers, and VRAM. VRAM goes in as the 64 KiB chunks that hold
// anything but zeros, as most of its 16 MiB is untouched (and stays
// unmapped in the host: a load does not write zeros over zeros). The
// picture is derived, so a load only makes the next frame a full redraw.
#include <algorithm>
#include <cstring>
#include <vector>

#include "devices/video/std_vga.h"

namespace tx86::dev {

namespace {

constexpr size_t kChunk = 64u << 10;

// (Each byte equal to the next and the first zero: memcmp runs through 16
// MiB of VRAM many times faster than a loop over bytes.)
bool all_zero(std::span<const uint8_t> bytes) {
  return bytes.empty() ||
         (bytes[0] == 0 && std::memcmp(bytes.data(), bytes.data() + 1, bytes.size() - 1) == 0);
}

}  // namespace

void VgaRegisters::save_state(core::StateWriter& w) const {
  for (const uint8_t v : {misc, feature, seq_index, crtc_index, gc_index, attr_index, dac_mask,
                          dac_read_index, dac_write_index, dac_component}) {
    w.u8(v);
  }
  w.boolean(attr_flip_flop);
  w.boolean(dac_reading);
  w.bytes(seq);
  w.bytes(crtc);
  w.bytes(gc);
  w.bytes(attr);
  w.bytes(dac);
}

void VgaRegisters::load_state(core::StateReader& r) {
  for (uint8_t* v : {&misc, &feature, &seq_index, &crtc_index, &gc_index, &attr_index, &dac_mask,
                     &dac_read_index, &dac_write_index, &dac_component}) {
    *v = r.u8();
  }
  // (the component indexes the DAC's bytes with no mask)
  if (dac_component > 2) r.fail("a bad DAC state");
  attr_flip_flop = r.boolean();
  dac_reading = r.boolean();
  r.bytes_into(seq);
  r.bytes_into(crtc);
  r.bytes_into(gc);
  r.bytes_into(attr);
  r.bytes_into(dac);
}

void StdVga::save_state(core::StateWriter& w) const {
  regs_.save_state(w);
  planes_.save_state(w);
  for (const uint16_t v : vbe_) w.u16(v);
  w.u16(vbe_index_);
  const std::span<const uint8_t> vram = vram_;
  std::vector<uint8_t> used(vram.size() / kChunk);
  for (size_t i = 0; i < used.size(); ++i)
    used[i] = all_zero(vram.subspan(i * kChunk, kChunk)) ? 0 : 1;
  w.bytes(used);
  for (size_t i = 0; i < used.size(); ++i) {
    if (used[i]) w.bytes(vram.subspan(i * kChunk, kChunk));
  }
}

void StdVga::load_state(core::StateReader& r) {
  regs_.load_state(r);
  planes_.load_state(r);
  for (uint16_t& v : vbe_) v = r.u16();
  vbe_index_ = r.u16();
  // What a guest cannot set, the renderer need not expect.
  const uint16_t bpp = vbe_[kVbeBpp];
  if (vbe_[kVbeXres] > kMaxXres || vbe_[kVbeXres] % 8 != 0 || vbe_[kVbeYres] > kMaxYres ||
      (bpp != 0 && bpp != 4 && bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32) ||
      uint32_t{vbe_[kVbeBank]} * 0x10000 >= kVramSize ||
      vbe_[kVbeVideoMemory64k] != kVramSize >> 16) {
    r.fail("a bad VBE state");
  }
  const std::span<uint8_t> vram = vram_;
  std::vector<uint8_t> used(vram.size() / kChunk);
  r.bytes_into(used);
  for (size_t i = 0; i < used.size(); ++i) {
    const std::span<uint8_t> chunk = vram.subspan(i * kChunk, kChunk);
    if (used[i] > 1) r.fail("a bad VRAM map");
    if (used[i]) {
      r.bytes_into(chunk);
    } else if (!all_zero(chunk)) {
      std::fill(chunk.begin(), chunk.end(), 0);
    }
  }
  cache_.invalidate();
}

}  // namespace tx86::dev
