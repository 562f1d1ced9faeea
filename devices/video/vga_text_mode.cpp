#include "devices/video/vga_text_mode.h"

#include <algorithm>
#include <array>

#include "devices/video/std_vga.h"

namespace tx86::dev {

namespace {

constexpr size_t kGlyphBytes = 16;
constexpr size_t kFontBytes = 256 * kGlyphBytes;
constexpr std::array<uint8_t, kGlyphBytes> kGlyphA = {
    0x00, 0x00, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0x00, 0x00, 0x00, 0x00};

// The standard mode 3 register set (IBM VGA Technical Reference; what
// SeaVGABIOS's mode table programs too).
constexpr uint8_t kMisc = 0x67;  // colour, 28 MHz dot clock, RAM enabled, I/O at 3Dx
constexpr std::array<uint8_t, 5> kSequencer = {0x03, 0x00, 0x03, 0x00, 0x02};
constexpr std::array<uint8_t, 25> kCrtc = {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00,
                                           0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E,
                                           0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF};
constexpr std::array<uint8_t, 9> kGraphics = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF};
constexpr std::array<uint8_t, 21> kAttribute = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                                0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D,
                                                0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00};

void out(StdVga& vga, uint16_t port, uint8_t value) {
  vga.io_write(port, 1, value);
}

void indexed(StdVga& vga, uint16_t port, uint8_t index, uint8_t value) {
  out(vga, port, index);
  out(vga, static_cast<uint16_t>(port + 1), value);
}

}  // namespace

std::span<const uint8_t> find_vga_font_8x16(std::span<const uint8_t> rom) {
  const auto a = std::search(rom.begin(), rom.end(), kGlyphA.begin(), kGlyphA.end());
  const auto at = static_cast<size_t>(a - rom.begin());
  if (a == rom.end() || at < 'A' * kGlyphBytes ||
      at - 'A' * kGlyphBytes + kFontBytes > rom.size()) {
    return {};
  }
  const std::span<const uint8_t> font = rom.subspan(at - 'A' * kGlyphBytes, kFontBytes);
  const auto blank = [&](unsigned c) {
    const auto glyph = font.subspan(c * kGlyphBytes, kGlyphBytes);
    return std::all_of(glyph.begin(), glyph.end(), [](uint8_t b) { return b == 0; });
  };
  return blank(0) && blank(' ') ? font : std::span<const uint8_t>{};
}

void set_vga_text_mode_3(StdVga& vga, std::span<const uint8_t> font_8x16) {
  out(vga, 0x3C2, kMisc);
  indexed(vga, 0x3C4, 0x00, 0x01);  // synchronous reset while the clocking changes
  for (uint8_t i = 1; i < kSequencer.size(); ++i) indexed(vga, 0x3C4, i, kSequencer[i]);
  indexed(vga, 0x3C4, 0x00, kSequencer[0]);
  indexed(vga, 0x3D4, 0x11, 0x00);  // unlock CRTC registers 0-7
  for (uint8_t i = 0; i < kCrtc.size(); ++i) indexed(vga, 0x3D4, i, kCrtc[i]);
  for (uint8_t i = 0; i < kGraphics.size(); ++i) indexed(vga, 0x3CE, i, kGraphics[i]);
  vga.io_read(0x3DA, 1);  // the attribute controller's flip-flop to "index"
  for (uint8_t i = 0; i < kAttribute.size(); ++i) {
    out(vga, 0x3C0, i);
    out(vga, 0x3C0, kAttribute[i]);
  }
  out(vga, 0x3C0, 0x20);  // palette address source: the screen shows again
  // The DAC: the EGA's 64 colours (2 bits of each primary: r g b at bits
  // 2 1 0 high intensity, 5 4 3 low), 6 bits each, then black.
  out(vga, 0x3C6, 0xFF);
  out(vga, 0x3C8, 0);
  for (unsigned i = 0; i < 256; ++i) {
    const auto level = [i](unsigned high, unsigned low) {
      return i < 64 ? static_cast<uint8_t>(((i >> high) & 1) * 0x2A + ((i >> low) & 1) * 0x15) : 0;
    };
    out(vga, 0x3C9, level(2, 5));
    out(vga, 0x3C9, level(1, 4));
    out(vga, 0x3C9, level(0, 3));
  }

  if (font_8x16.size() == kFontBytes) {
    // Plane 2 alone, linear, at A0000: 32-byte character slots.
    indexed(vga, 0x3C4, 0x02, 0x04);
    indexed(vga, 0x3C4, 0x04, 0x07);
    indexed(vga, 0x3CE, 0x04, 0x02);
    indexed(vga, 0x3CE, 0x05, 0x00);
    indexed(vga, 0x3CE, 0x06, 0x04);
    for (uint32_t c = 0; c < 256; ++c) {
      for (uint32_t row = 0; row < 32; ++row) {
        vga.mmio_write(c * 32 + row, 1, row < kGlyphBytes ? font_8x16[c * kGlyphBytes + row] : 0);
      }
    }
    indexed(vga, 0x3C4, 0x02, kSequencer[2]);
    indexed(vga, 0x3C4, 0x04, kSequencer[4]);
    indexed(vga, 0x3CE, 0x04, kGraphics[4]);
    indexed(vga, 0x3CE, 0x05, kGraphics[5]);
    indexed(vga, 0x3CE, 0x06, kGraphics[6]);
  }
  // A blank screen (grey on black) at B8000, the cursor at the top left.
  for (uint32_t at = 0x18000; at < 0x18000 + 80 * 25 * 2; at += 2) vga.mmio_write(at, 2, 0x0720);
  indexed(vga, 0x3D4, 0x0E, 0x00);
  indexed(vga, 0x3D4, 0x0F, 0x00);
}

}  // namespace tx86::dev
