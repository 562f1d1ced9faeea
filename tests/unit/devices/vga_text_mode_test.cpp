#include "devices/video/vga_text_mode.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "devices/video/std_vga.h"

namespace tx86::dev {
namespace {

constexpr const char* kVgaBios = "/usr/share/seabios/vgabios-stdvga.bin";  // Debian's seabios

std::vector<uint8_t> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(VgaFont, FoundInTheVgaBiosAndNotInOtherBytes) {
  const std::vector<uint8_t> rom = read_file(kVgaBios);
  ASSERT_FALSE(rom.empty()) << "needs " << kVgaBios
                            << " (scripts/install-deps.sh installs seabios)";
  const std::span<const uint8_t> font = find_vga_font_8x16(rom);
  ASSERT_EQ(font.size(), 4096u);
  const std::array<uint8_t, 16> b = {0x00, 0x00, 0xFC, 0x66, 0x66, 0x66, 0x7C, 0x66,
                                     0x66, 0x66, 0x66, 0xFC, 0x00, 0x00, 0x00, 0x00};
  EXPECT_TRUE(std::equal(b.begin(), b.end(), font.begin() + 'B' * 16));

  std::vector<uint8_t> other(rom.size(), 0x5A);
  EXPECT_TRUE(find_vga_font_8x16(other).empty());
  // The 'A' glyph alone, with no room for the font before it.
  std::copy(font.begin() + 'A' * 16, font.begin() + 'A' * 16 + 16, other.begin() + 16);
  EXPECT_TRUE(find_vga_font_8x16(other).empty());
}

// What a kernel started without a BIOS finds: the screen of mode 3, blank,
// and a character written to B8000 drawn from the BIOS's font in a 9x16
// cell, grey on black.
TEST(VgaTextMode, Mode3DrawsTextWithTheBiosFont) {
  const std::vector<uint8_t> rom = read_file(kVgaBios);
  ASSERT_FALSE(rom.empty()) << "needs " << kVgaBios;
  core::IoBus io;
  core::MemoryBus mem(1 << 20);
  core::Scheduler sched;
  StdVga vga(io, mem, sched, rom);
  const std::span<const uint8_t> font = find_vga_font_8x16(rom);
  set_vga_text_mode_3(vga, font);

  std::string screen = text_screen(vga.registers(), vga.vram());
  EXPECT_EQ(std::count(screen.begin(), screen.end(), '\n'), 25);
  EXPECT_EQ(screen.find_first_not_of(" \n"), std::string::npos) << "not blank: " << screen;

  // (The cursor blinks in cell 0: the characters go after it.)
  mem.write16(0xB8002, 0x1F42);  // 'B', white on blue
  mem.write16(0xB8004, 0x0741);  // 'A', grey on black
  screen = text_screen(vga.registers(), vga.vram());
  EXPECT_EQ(screen.substr(0, 3), " BA");
  const Frame& f = vga.frame(0);
  ASSERT_EQ(f.width, 720u);
  ASSERT_EQ(f.height, 400u);
  const uint32_t grey = Frame::rgb(0xAA, 0xAA, 0xAA);
  const uint32_t black = Frame::rgb(0, 0, 0);
  for (unsigned y = 0; y < 16; ++y) {
    const uint8_t row = font['A' * 16 + y];
    for (unsigned x = 0; x < 8; ++x) {
      const bool on = (row >> (7 - x)) & 1;
      EXPECT_EQ(f.pixels[y * 720 + 18 + x], on ? grey : black) << "A at " << x << "," << y;
    }
  }
  EXPECT_EQ(f.pixels[9 + 0], Frame::rgb(0, 0, 0xAA));  // B's cell: blue background
}

}  // namespace
}  // namespace tx86::dev
