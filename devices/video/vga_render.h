// Pictures of what the VGA shows, computed from its registers and memory
// (IBM VGA Technical Reference, the CRTC, sequencer, graphics and attribute
// controller chapters), never from a BIOS mode number: text modes of any
// geometry the CRTC describes with 8- or 9-dot fonts from plane 2, cursor,
// blink and underline; CGA 4-colour; planar 16-colour modes (CGA 2-colour
// is one of them); chained 256-colour (mode 13h) and unchained ("Mode X");
// line compare (split screen), start address and pixel panning; and the
// Bochs VBE linear modes at 8, 15, 16, 24 and 32 bits per pixel.
//
// A frame is the mode's own resolution (mode 13h is 320x200, 80x25 text
// with a 9-dot font is 720x400); stretching it to the screen's aspect is
// the display's business.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "devices/video/vga_registers.h"

namespace tx86::dev {

// The Bochs VBE DISPI state that decides the picture.
struct VbeDisplay {
  bool enabled = false;
  bool dac_8bit = false;
  uint32_t xres = 0, yres = 0, bpp = 0;
  uint32_t virt_width = 0;  // pixels per line in memory
  uint32_t x_offset = 0, y_offset = 0;

  bool operator==(const VbeDisplay&) const = default;
  bool shown() const { return enabled && xres > 0 && yres > 0; }
};

struct Frame {
  uint32_t width = 0;
  uint32_t height = 0;
  // Row after row, each pixel R, G, B, A bytes in memory (A = 255).
  std::vector<uint32_t> pixels;
  // Width over height of the picture on a monitor: 4:3 for the VGA's own
  // modes, whatever their pixels; square pixels for VBE modes.
  double aspect = 4.0 / 3.0;

  static uint32_t rgb(uint8_t r, uint8_t g, uint8_t b) {
    return uint32_t{r} | uint32_t{g} << 8 | uint32_t{b} << 16 | 0xFF000000u;
  }
};

// frame_number: frames since power-on, for the cursor (16 frames on, 16
// off) and blinking characters (32 and 32).
Frame render_vga(const VgaRegisters& regs, std::span<const uint8_t> vram, const VbeDisplay& vbe,
                 uint64_t frame_number);

// For redrawing a VBE picture piecewise (frame_cache.h): the bytes of VRAM
// that row y shows (clipped to VRAM; empty past its end), and rows
// [first, end) rendered into a frame of the mode's size.
struct VramSpan {
  uint64_t offset = 0;
  uint64_t size = 0;
};
VramSpan vbe_row_bytes(const VbeDisplay& vbe, uint32_t y, size_t vram_size);
void render_vbe_rows(const VgaRegisters& regs, std::span<const uint8_t> vram, const VbeDisplay& vbe,
                     Frame& frame, uint32_t first, uint32_t end);

}  // namespace tx86::dev
