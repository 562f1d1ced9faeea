// The VGA as a VGA BIOS leaves it in mode 3 (80x25 colour text, 9x16
// cells, the 8x16 font in plane 2, a blank screen at B8000), for a kernel
// started directly (--kernel), which no BIOS prepares: Linux's VGA console
// takes the screen as it finds it and loads no font of its own.
#pragma once

#include <cstdint>
#include <span>

namespace tx86::dev {

class StdVga;

// The 8x16 font (256 glyphs of 16 bytes) in a VGA BIOS image, found by the
// IBM font's glyph for 'A' with blank glyphs 0 and ' ' before it; empty
// when the image has none.
std::span<const uint8_t> find_vga_font_8x16(std::span<const uint8_t> rom);

// Programs mode 3 through the VGA's ports and legacy window.
void set_vga_text_mode_3(StdVga& vga, std::span<const uint8_t> font_8x16);

}  // namespace tx86::dev
