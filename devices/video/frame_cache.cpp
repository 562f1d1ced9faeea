#include "devices/video/frame_cache.h"

#include <cstring>

namespace tx86::dev {

namespace {

bool text_mode(const VgaRegisters& regs, const VbeDisplay& vbe) {
  return !vbe.shown() && !(regs.attr[0x10] & 0x01);
}

}  // namespace

const Frame& FrameCache::update(const VgaRegisters& regs, std::span<const uint8_t> vram,
                                const VbeDisplay& vbe, uint64_t frame_number, uint64_t changes) {
  rows_drawn_ = 0;
  // The cursor blinks every 16 frames and blinking text every 32.
  const uint64_t phase = text_mode(regs, vbe) ? frame_number / 16 : 0;
  const bool same_state = valid_ && changes == changes_ && vbe == vbe_;
  changes_ = changes;
  vbe_ = vbe;
  if (same_state && vbe.shown()) {
    redraw_changed_rows(regs, vram, vbe);
  } else if (!same_state || phase != phase_) {
    redraw_all(regs, vram, vbe, frame_number);
  }
  phase_ = phase;
  valid_ = true;
  return frame_;
}

void FrameCache::redraw_all(const VgaRegisters& regs, std::span<const uint8_t> vram,
                            const VbeDisplay& vbe, uint64_t frame_number) {
  Frame f = render_vga(regs, vram, vbe, frame_number);
  rows_drawn_ = f.height;
  if (!valid_ || f.width != frame_.width || f.height != frame_.height ||
      f.pixels != frame_.pixels || f.aspect != frame_.aspect) {
    ++version_;
  }
  frame_ = std::move(f);
  shown_bytes_.clear();
  if (!vbe.shown()) return;
  // What each row showed, for the next update to compare.
  const uint64_t row_size = vbe_row_bytes(vbe, 0, SIZE_MAX).size;
  shown_bytes_.assign(row_size * vbe.yres, 0);
  for (uint32_t y = 0; y < vbe.yres; ++y) {
    const VramSpan row = vbe_row_bytes(vbe, y, vram.size());
    if (row.size > 0) std::memcpy(&shown_bytes_[y * row_size], &vram[row.offset], row.size);
  }
}

void FrameCache::redraw_changed_rows(const VgaRegisters& regs, std::span<const uint8_t> vram,
                                     const VbeDisplay& vbe) {
  const uint64_t row_size = vbe_row_bytes(vbe, 0, SIZE_MAX).size;
  uint32_t run_start = 0;
  bool in_run = false;
  for (uint32_t y = 0; y <= vbe.yres; ++y) {
    bool changed = false;
    if (y < vbe.yres) {
      const VramSpan row = vbe_row_bytes(vbe, y, vram.size());
      uint8_t* shown = &shown_bytes_[y * row_size];
      if (row.size > 0 && std::memcmp(shown, &vram[row.offset], row.size) != 0) {
        std::memcpy(shown, &vram[row.offset], row.size);
        changed = true;
      }
    }
    if (changed && !in_run) {
      run_start = y;
      in_run = true;
    } else if (!changed && in_run) {
      render_vbe_rows(regs, vram, vbe, frame_, run_start, y);
      rows_drawn_ += y - run_start;
      in_run = false;
    }
  }
  if (rows_drawn_ > 0) ++version_;
}

}  // namespace tx86::dev
