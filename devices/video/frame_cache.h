// The VGA's picture, kept between frames and redrawn only where it may have
// changed, so a display asking 60 times a second pays for what the guest
// drew, not for the whole screen.
//
// The VGA's own modes reach memory only through the legacy window, and
// their registers only through ports: the device counts those writes, and
// an unchanged count (and, in text modes, the same cursor and blink phase)
// means the last picture stands. The VBE linear frame buffer is guest RAM
// the CPU writes directly, unseen: each row's bytes are compared with a
// copy of what the last picture showed, and only rows that differ are
// redrawn.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "devices/video/vga_registers.h"
#include "devices/video/vga_render.h"

namespace tx86::dev {

class FrameCache {
 public:
  // changes: the device's count of register and legacy-window writes.
  const Frame& update(const VgaRegisters& regs, std::span<const uint8_t> vram,
                      const VbeDisplay& vbe, uint64_t frame_number, uint64_t changes);

  // The next update() redraws everything (the device's state was replaced,
  // as a save state's load does, behind the change count).
  void invalidate() { valid_ = false; }

  // Goes up whenever the picture changes; a display redraws only then.
  uint64_t version() const { return version_; }
  // Rows the last update() drew (for tests and statistics).
  uint32_t rows_drawn() const { return rows_drawn_; }

 private:
  void redraw_all(const VgaRegisters& regs, std::span<const uint8_t> vram, const VbeDisplay& vbe,
                  uint64_t frame_number);
  void redraw_changed_rows(const VgaRegisters& regs, std::span<const uint8_t> vram,
                           const VbeDisplay& vbe);

  Frame frame_;
  bool valid_ = false;
  uint64_t changes_ = 0;
  uint64_t phase_ = 0;  // text modes: the cursor and blink phase drawn
  VbeDisplay vbe_;
  std::vector<uint8_t> shown_bytes_;  // VBE: each row's bytes as last drawn
  uint64_t version_ = 0;
  uint32_t rows_drawn_ = 0;
};

}  // namespace tx86::dev
