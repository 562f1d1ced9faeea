// The VGA renderer on known register settings and memory: each mode's
// frame must equal a checked-in golden PNG (tests/unit/devices/golden/),
// and a few pixels are checked by hand against what the registers say.
// TX86_UPDATE_GOLDEN=1 rewrites the goldens instead (look at them before
// committing).
#include "devices/video/vga_render.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <random>
#include <string>

#include "devices/video/frame_cache.h"
#include "frontends/common/png_file.h"

namespace tx86::dev {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(__FILE__).parent_path() / "golden";

// The standard register values of a BIOS mode (IBM VGA Technical
// Reference, the BIOS video parameter table).
struct ModeTable {
  uint8_t misc;
  std::initializer_list<uint8_t> seq, crtc, gc, attr;
};

constexpr uint8_t kEgaAttr[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07,
                                  0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F};

const ModeTable kMode3 = {
    0x67,
    {0x03, 0x00, 0x03, 0x00, 0x02},
    {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
     0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00}};
const ModeTable kMode4 = {
    0x63,
    {0x03, 0x09, 0x03, 0x00, 0x02},
    {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x00, 0xFF},
    {0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12,
     0x13, 0x14, 0x15, 0x16, 0x17, 0x01, 0x00, 0x03, 0x00, 0x00}};
const ModeTable kMode0D = {
    0x63,
    {0x03, 0x09, 0x0F, 0x00, 0x06},
    {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC0, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xE3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11, 0x12,
     0x13, 0x14, 0x15, 0x16, 0x17, 0x01, 0x00, 0x0F, 0x00, 0x00}};
const ModeTable kMode12 = {
    0xE3,
    {0x03, 0x01, 0x0F, 0x00, 0x06},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
     0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00}};
const ModeTable kMode13 = {
    0x63,
    {0x03, 0x01, 0x0F, 0x00, 0x0E},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
     0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00}};
// Mode X: mode 13h unchained (SR04 06h, CR14 00h, CR17 E3h) with the
// 480-line timing, so 320x240.
const ModeTable kModeX = {
    0xE3,
    {0x03, 0x01, 0x0F, 0x00, 0x06},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0D, 0x3E, 0x00, 0x41, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0xEA, 0xAC, 0xDF, 0x28, 0x00, 0xE7, 0x06, 0xE3, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF},
    {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
     0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00}};

// Mode 6: CGA 640x200 in two colours, one plane, the banks at 0 and 2000h.
const ModeTable kMode6 = {
    0x63,
    {0x03, 0x01, 0x01, 0x00, 0x06},
    {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x00, 0x96, 0xB9, 0xC2, 0xFF},
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0D, 0x00, 0xFF},
    {0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17,
     0x17, 0x17, 0x17, 0x17, 0x17, 0x01, 0x00, 0x01, 0x00, 0x00}};

class VgaRenderTest : public ::testing::Test {
 protected:
  VgaRenderTest() : vram(16u << 20, 0) {}

  void set_mode(const ModeTable& m) {
    regs = VgaRegisters{};
    regs.misc = m.misc;
    std::copy(m.seq.begin(), m.seq.end(), regs.seq.begin());
    std::copy(m.crtc.begin(), m.crtc.end(), regs.crtc.begin());
    std::copy(m.gc.begin(), m.gc.end(), regs.gc.begin());
    std::copy(m.attr.begin(), m.attr.end(), regs.attr.begin());
    regs.attr_index = 0x20;  // palette address source: the screen is on
    // The DAC: the 64 EGA colours (2 bits per component, rgbRGB), then a
    // grey ramp and a colour cube for the 256-colour modes.
    for (unsigned i = 0; i < 256; ++i) {
      uint8_t r, g, b;
      if (i < 64) {
        r = static_cast<uint8_t>(21 * (((i >> 2) & 1) * 2 + ((i >> 5) & 1)));
        g = static_cast<uint8_t>(21 * (((i >> 1) & 1) * 2 + ((i >> 4) & 1)));
        b = static_cast<uint8_t>(21 * ((i & 1) * 2 + ((i >> 3) & 1)));
      } else if (i < 128) {
        r = g = b = static_cast<uint8_t>(i - 64);
      } else {
        r = static_cast<uint8_t>((i & 3) * 21);
        g = static_cast<uint8_t>(((i >> 2) & 7) * 9);
        b = static_cast<uint8_t>(((i >> 5) & 3) * 21);
      }
      regs.dac[i * 3] = r;
      regs.dac[i * 3 + 1] = g;
      regs.dac[i * 3 + 2] = b;
    }
  }
  uint8_t& plane(uint32_t offset, unsigned p) { return vram[offset * 4 + p]; }
  // The DAC colour of entry i as the renderer shows it (6 to 8 bits).
  uint32_t dac(uint8_t i) const {
    const auto w = [](uint8_t v) { return static_cast<uint8_t>(v << 2 | v >> 4); };
    return Frame::rgb(w(regs.dac[i * 3]), w(regs.dac[i * 3 + 1]), w(regs.dac[i * 3 + 2]));
  }
  static uint32_t at(const Frame& f, uint32_t x, uint32_t y) {
    return f.pixels[static_cast<size_t>(y) * f.width + x];
  }

  void expect_golden(const Frame& f, const std::string& name) {
    const fs::path path = kGoldenDir / (name + ".png");
    if (std::getenv("TX86_UPDATE_GOLDEN") != nullptr) {
      fe::write_png(path, f);
      return;
    }
    const std::optional<Frame> golden = fe::read_png(path);
    ASSERT_TRUE(golden) << "no golden image " << path;
    ASSERT_EQ(golden->width, f.width) << name;
    ASSERT_EQ(golden->height, f.height) << name;
    size_t differ = 0;
    for (size_t i = 0; i < f.pixels.size(); ++i) differ += golden->pixels[i] != f.pixels[i];
    EXPECT_EQ(differ, 0u) << name << ": pixels differ from " << path;
  }

  VgaRegisters regs;
  std::vector<uint8_t> vram;
  VbeDisplay vbe;
};

TEST_F(VgaRenderTest, Text80x25WithNineDotCellsCursorAndBlink) {
  set_mode(kMode3);
  // Font A and B at plane 2 offset 0: 'A' as a box, C4h a horizontal line
  // (a line-drawing character: its ninth dot repeats the eighth).
  for (unsigned row = 0; row < 16; ++row) {
    plane('A' * 32 + row, 2) = row == 0 || row == 15 ? 0xFF : 0x81;
    plane(0xC4 * 32 + row, 2) = row == 8 ? 0xFF : 0x00;
    plane('#' * 32 + row, 2) = 0x55;
  }
  const auto put = [&](unsigned col, unsigned row, uint8_t ch, uint8_t attr) {
    plane(row * 80 + col, 0) = ch;
    plane(row * 80 + col, 1) = attr;
  };
  for (unsigned i = 0; i < 16; ++i) put(i, 0, 'A', static_cast<uint8_t>(i << 4 | (15 - i)));
  put(0, 1, 0xC4, 0x0F);
  put(1, 1, 0xC4, 0x0F);
  put(0, 2, '#', 0x8E);  // blinking
  put(79, 24, 'A', 0x4E);
  put(2, 3, ' ', 0x07);
  regs.crtc[0x0E] = 0;
  regs.crtc[0x0F] = 80 * 3 + 2;  // cursor at column 2, row 3, lines 13-14

  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 720u);
  ASSERT_EQ(f.height, 400u);
  EXPECT_EQ(at(f, 0, 0), dac(0x3F)) << "'A' row 0 in white (attribute 0Fh)";
  EXPECT_EQ(at(f, 8, 1), dac(0x00)) << "ninth dot: background";
  EXPECT_EQ(at(f, 9 + 1, 1), dac(0x01)) << "the second cell's background: blue (1) maps to 01h";
  EXPECT_EQ(at(f, 8, 16 + 8), dac(0x3F)) << "C4h's ninth dot repeats the eighth";
  EXPECT_EQ(at(f, 2 * 9, 3 * 16 + 13), dac(0x07)) << "cursor, in the cell's foreground";
  EXPECT_EQ(at(f, 1, 32), dac(0x3E)) << "blinking '#' shown in the first phase";
  const Frame off = render_vga(regs, vram, vbe, 32);
  EXPECT_EQ(at(off, 1, 32), dac(0x00)) << "and hidden in the second";
  expect_golden(f, "text80x25");
}

TEST_F(VgaRenderTest, Mode13hIsOneBytePerPixelAt320x200) {
  set_mode(kMode13);
  for (uint32_t y = 0; y < 200; ++y) {
    for (uint32_t x = 0; x < 320; ++x) vram[y * 320 + x] = static_cast<uint8_t>((x / 2 + y) & 0xFF);
  }
  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 200u);
  EXPECT_EQ(at(f, 10, 5), dac(10));
  EXPECT_EQ(at(f, 300, 199), dac(static_cast<uint8_t>(150 + 199)));
  expect_golden(f, "mode13h");
}

TEST_F(VgaRenderTest, ModeXPlanesAndStartAddressPageFlip) {
  set_mode(kModeX);
  // Page 1 at plane offset 80 * 240: pixel (x, y) in plane x & 3.
  const uint32_t page = 80 * 240;
  for (uint32_t y = 0; y < 240; ++y) {
    for (uint32_t x = 0; x < 320; ++x) {
      plane(page + y * 80 + x / 4, x & 3) =
          static_cast<uint8_t>(x < 160 ? 128 + (y & 127) : 64 + x / 8);
    }
  }
  regs.crtc[0x0C] = static_cast<uint8_t>(page >> 8);
  regs.crtc[0x0D] = static_cast<uint8_t>(page);
  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 240u);
  EXPECT_EQ(at(f, 5, 7), dac(128 + 7));
  EXPECT_EQ(at(f, 203, 100), dac(64 + 203 / 8));
  expect_golden(f, "modex");
}

TEST_F(VgaRenderTest, Mode12hPlanarSixteenColours) {
  set_mode(kMode12);
  // Vertical stripes of the 16 colours, 40 pixels each; a diagonal in 15.
  for (uint32_t y = 0; y < 480; ++y) {
    for (uint32_t x = 0; x < 640; ++x) {
      const unsigned c = (x == y) ? 15 : x / 40;
      for (unsigned p = 0; p < 4; ++p) {
        if (c & (1u << p)) plane(y * 80 + x / 8, p) |= static_cast<uint8_t>(0x80 >> (x & 7));
      }
    }
  }
  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 640u);
  ASSERT_EQ(f.height, 480u);
  EXPECT_EQ(at(f, 85, 10), dac(kEgaAttr[2]));
  EXPECT_EQ(at(f, 300, 300), dac(kEgaAttr[15]));
  expect_golden(f, "mode12h");
}

TEST_F(VgaRenderTest, Mode4CgaBanksInterleaveLines) {
  set_mode(kMode4);
  // CGA layout: even lines from B8000h, odd lines from BA000h, 80 bytes a
  // line, four 2-bit pixels a byte. With odd/even addressing byte 2k is
  // plane 0 and 2k+1 plane 1 of plane offset k.
  const auto put_byte = [&](uint32_t cpu, uint8_t v) { plane(cpu / 2, cpu & 1) = v; };
  for (uint32_t y = 0; y < 200; ++y) {
    const uint32_t line = (y & 1) * 0x2000 + (y / 2) * 80;
    for (uint32_t b = 0; b < 80; ++b) {
      const uint8_t c = static_cast<uint8_t>((y & 1) ? 0xAA : (b < 40 ? 0x55 : 0xFF));
      put_byte(line + b, c);
    }
  }
  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 200u);
  EXPECT_EQ(at(f, 3, 0), dac(regs.attr[1])) << "even line, colour 1";
  EXPECT_EQ(at(f, 3, 1), dac(regs.attr[2])) << "odd line, colour 2";
  EXPECT_EQ(at(f, 200, 10), dac(regs.attr[3]));
  expect_golden(f, "mode4");
}

TEST_F(VgaRenderTest, Mode0DhSplitScreenRestartsAtAddressZero) {
  set_mode(kMode0D);
  // The top part shows the page at plane offset 8000 (colour 4); the
  // split at scan line 299 (after 150 double-scanned lines) shows offset 0
  // (colour 9).
  for (uint32_t off = 0; off < 8000; ++off) {
    plane(off, 0) = 0xFF;
    plane(off, 3) = 0xFF;
    plane(8000 + off, 2) = 0xFF;
  }
  regs.crtc[0x0C] = 8000 >> 8;
  regs.crtc[0x0D] = 8000 & 0xFF;
  regs.crtc[0x18] = 299 & 0xFF;
  regs.crtc[0x07] |= 0x10;                                          // line compare bit 8
  regs.crtc[0x09] = static_cast<uint8_t>(regs.crtc[0x09] & ~0x40);  // and bit 9
  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 320u);
  ASSERT_EQ(f.height, 200u);
  EXPECT_EQ(at(f, 10, 100), dac(regs.attr[4]));
  EXPECT_EQ(at(f, 10, 160), dac(regs.attr[9]));
  expect_golden(f, "mode0dh_split");
}

TEST_F(VgaRenderTest, Mode6CgaTwoColoursFromOnePlane) {
  set_mode(kMode6);
  // Sequential addressing in plane 0: even lines from offset 0, odd lines
  // from 2000h, 80 bytes a line, a pixel a bit.
  for (uint32_t y = 0; y < 200; ++y) {
    const uint32_t line = (y & 1) * 0x2000 + (y / 2) * 80;
    for (uint32_t b = 0; b < 80; ++b) {
      plane(line + b, 0) = static_cast<uint8_t>((y & 1) ? 0xF0 : (b < 40 ? 0xAA : 0x00));
      plane(line + b, 1) = 0xFF;  // not enabled in AR12: never shows
    }
  }
  const Frame f = render_vga(regs, vram, vbe, 0);
  ASSERT_EQ(f.width, 640u);
  ASSERT_EQ(f.height, 200u);
  EXPECT_EQ(at(f, 0, 0), dac(0x17));
  EXPECT_EQ(at(f, 1, 0), dac(0x00));
  EXPECT_EQ(at(f, 400, 0), dac(0x00));
  EXPECT_EQ(at(f, 3, 1), dac(0x17)) << "odd line from the second bank";
  EXPECT_EQ(at(f, 4, 1), dac(0x00));
  expect_golden(f, "mode6");
}

TEST_F(VgaRenderTest, PixelPanningShiftsPlanarLinesUntilTheSplit) {
  set_mode(kMode12);
  // One lit pixel per byte column (bit 7): columns 0, 8, 16, ... in colour 15.
  for (uint32_t y = 0; y < 480; ++y) {
    for (uint32_t b = 0; b < 80; ++b) {
      for (unsigned p = 0; p < 4; ++p) plane(y * 80 + b, p) = 0x80;
    }
  }
  regs.attr[0x13] = 3;      // pan left by three pixels
  regs.attr[0x10] |= 0x20;  // ... but not below the split
  regs.crtc[0x18] = 239 & 0xFF;
  regs.crtc[0x07] = static_cast<uint8_t>(regs.crtc[0x07] & ~0x10);
  regs.crtc[0x09] = static_cast<uint8_t>(regs.crtc[0x09] & ~0x40);
  const Frame f = render_vga(regs, vram, vbe, 0);
  EXPECT_EQ(at(f, 5, 10), dac(0x3F)) << "column 8 shows at 5";
  EXPECT_EQ(at(f, 8, 10), dac(0x00));
  EXPECT_EQ(at(f, 8, 300), dac(0x3F)) << "below the split: not panned";
  expect_golden(f, "mode12h_pan_split");
}

TEST_F(VgaRenderTest, VbeLinearModes) {
  set_mode(kMode3);
  vbe.enabled = true;
  vbe.xres = 64;
  vbe.yres = 48;
  vbe.virt_width = 80;
  for (const uint32_t bpp : {8u, 15u, 16u, 24u, 32u}) {
    std::fill(vram.begin(), vram.end(), 0);
    vbe.bpp = bpp;
    const uint32_t bytes = (bpp + 7) / 8;
    for (uint32_t y = 0; y < 48; ++y) {
      for (uint32_t x = 0; x < 64; ++x) {
        uint8_t* p = &vram[(y * 80 + x) * bytes];
        switch (bpp) {
          case 8: p[0] = static_cast<uint8_t>(64 + x); break;
          case 15: {
            const unsigned v = (x / 2) << 10 | (y / 2) << 5 | 31;
            p[0] = static_cast<uint8_t>(v);
            p[1] = static_cast<uint8_t>(v >> 8);
            break;
          }
          case 16: {
            const unsigned v = (x / 2) << 11 | y << 5 | 31;
            p[0] = static_cast<uint8_t>(v);
            p[1] = static_cast<uint8_t>(v >> 8);
            break;
          }
          default:
            p[0] = static_cast<uint8_t>(x * 4);  // blue
            p[1] = static_cast<uint8_t>(y * 5);  // green
            p[2] = 200;                          // red
            break;
        }
      }
    }
    const Frame f = render_vga(regs, vram, vbe, 0);
    ASSERT_EQ(f.width, 64u);
    ASSERT_EQ(f.height, 48u);
    if (bpp >= 24) {
      EXPECT_EQ(at(f, 10, 20), Frame::rgb(200, 100, 40)) << bpp;
    } else if (bpp == 8) {
      EXPECT_EQ(at(f, 10, 20), dac(74));
    } else if (bpp == 16) {
      EXPECT_EQ(at(f, 0, 0), Frame::rgb(0, 0, 255));
    }
    expect_golden(f, "vbe" + std::to_string(bpp));
  }
}

// --- FrameCache: only what changed is drawn again ---------------------------------

TEST_F(VgaRenderTest, CacheRedrawsOnlyTheVbeRowsWhoseBytesChanged) {
  set_mode(kMode3);
  vbe.enabled = true;
  vbe.xres = 64;
  vbe.yres = 48;
  vbe.bpp = 32;
  vbe.virt_width = 80;
  vbe.y_offset = 2;
  FrameCache cache;
  const auto row_byte = [&](uint32_t y, uint32_t x) -> uint8_t& {
    return vram[((y + 2) * 80 + x) * 4 + 1];
  };
  cache.update(regs, vram, vbe, 0, 1);
  EXPECT_EQ(cache.rows_drawn(), 48u);
  const uint64_t v0 = cache.version();

  cache.update(regs, vram, vbe, 1, 1);
  EXPECT_EQ(cache.rows_drawn(), 0u) << "nothing changed";
  EXPECT_EQ(cache.version(), v0);

  row_byte(10, 5) = 0x80;
  row_byte(3, 63) = 0x11;
  row_byte(4, 0) = 0x22;
  vram[(1 * 80 + 7) * 4] = 0x33;  // above the panned picture: not shown
  const Frame& f = cache.update(regs, vram, vbe, 2, 1);
  EXPECT_EQ(cache.rows_drawn(), 3u);
  EXPECT_EQ(cache.version(), v0 + 1);
  EXPECT_EQ(at(f, 5, 10), Frame::rgb(0, 0x80, 0));
  EXPECT_EQ(f.pixels, render_vga(regs, vram, vbe, 2).pixels);

  // A register write (here: panning) draws everything again.
  vbe.y_offset = 1;
  cache.update(regs, vram, vbe, 3, 2);
  EXPECT_EQ(cache.rows_drawn(), 48u);
  EXPECT_EQ(cache.update(regs, vram, vbe, 3, 2).pixels, render_vga(regs, vram, vbe, 3).pixels);
}

TEST_F(VgaRenderTest, CacheMatchesAFullRenderAfterRandomFrameBufferWrites) {
  set_mode(kMode3);
  vbe.enabled = true;
  vbe.xres = 100;
  vbe.yres = 75;
  FrameCache cache;
  std::mt19937 rng(8);
  for (const uint32_t bpp : {8u, 16u, 24u, 32u}) {
    vbe.bpp = bpp;
    const uint32_t bytes = 100 * 75 * ((bpp + 7) / 8);
    for (int step = 0; step < 30; ++step) {
      for (int w = 0; w < step % 5; ++w) vram[rng() % (bytes + 64)] = static_cast<uint8_t>(rng());
      const Frame& f = cache.update(regs, vram, vbe, static_cast<uint64_t>(step), bpp);
      ASSERT_EQ(f.pixels, render_vga(regs, vram, vbe, static_cast<uint64_t>(step)).pixels)
          << bpp << " bpp, step " << step;
    }
  }
}

TEST_F(VgaRenderTest, CacheKeepsATextPictureUntilAWriteOrTheCursorPhase) {
  set_mode(kMode3);
  for (unsigned row = 0; row < 16; ++row) plane('A' * 32 + row, 2) = 0xFF;
  plane(0, 0) = 'A';
  plane(0, 1) = 0x07;
  regs.crtc[0x0A] = 13;  // the cursor, at address 0
  regs.crtc[0x0B] = 14;
  FrameCache cache;
  cache.update(regs, vram, vbe, 0, 5);
  const uint64_t v0 = cache.version();
  cache.update(regs, vram, vbe, 15, 5);
  EXPECT_EQ(cache.rows_drawn(), 0u) << "same writes, same cursor phase";
  const Frame& off = cache.update(regs, vram, vbe, 16, 5);
  EXPECT_EQ(cache.rows_drawn(), 400u) << "the cursor blinks off";
  EXPECT_EQ(cache.version(), v0 + 1);
  EXPECT_EQ(off.pixels, render_vga(regs, vram, vbe, 16).pixels);
  cache.update(regs, vram, vbe, 17, 6);
  EXPECT_EQ(cache.rows_drawn(), 400u) << "a write: drawn again";
  EXPECT_EQ(cache.version(), v0 + 1) << "but the picture is the same";
  plane(1, 0) = 'A';
  plane(1, 1) = 0x07;
  EXPECT_EQ(cache.update(regs, vram, vbe, 18, 7).pixels, render_vga(regs, vram, vbe, 18).pixels);
  EXPECT_EQ(cache.version(), v0 + 2);
}

}  // namespace
}  // namespace tx86::dev
