#include "devices/video/std_vga.h"

#include <gtest/gtest.h>

namespace tx86::dev {
namespace {

class StdVgaTest : public ::testing::Test {
 protected:
  StdVgaTest() : mem(1 << 20), vga(io, mem, sched, {0x55, 0xAA, 0x40}) {}

  void seq(uint8_t i, uint8_t v) { io.write16(0x3C4, static_cast<uint16_t>(i | (v << 8))); }
  void gc(uint8_t i, uint8_t v) { io.write16(0x3CE, static_cast<uint16_t>(i | (v << 8))); }
  uint8_t plane(uint32_t offset, unsigned p) const { return vga.vram()[offset * 4 + p]; }

  core::IoBus io;
  core::MemoryBus mem;
  core::Scheduler sched;
  StdVga vga;
};

TEST_F(StdVgaTest, PlanarWriteMode0WithMapMaskAndSetReset) {
  seq(4, 0x06);  // planar: no chain-4, no odd/even
  gc(5, 0x00);
  gc(6, 0x05);   // graphics, A0000-AFFFF
  seq(2, 0x05);  // planes 0 and 2
  gc(8, 0xFF);
  mem.write8(0xA0010, 0x3C);
  EXPECT_EQ(plane(0x10, 0), 0x3C);
  EXPECT_EQ(plane(0x10, 1), 0x00);
  EXPECT_EQ(plane(0x10, 2), 0x3C);
  seq(2, 0x0F);
  gc(1, 0x0F);  // set/reset on every plane
  gc(0, 0x06);  // planes 1 and 2 set, 0 and 3 clear
  mem.write8(0xA0011, 0x00);
  EXPECT_EQ(plane(0x11, 0), 0x00);
  EXPECT_EQ(plane(0x11, 1), 0xFF);
  EXPECT_EQ(plane(0x11, 2), 0xFF);
  EXPECT_EQ(plane(0x11, 3), 0x00);
}

TEST_F(StdVgaTest, LatchesBitMaskAndLogicalFunction) {
  seq(4, 0x06);
  gc(6, 0x05);
  seq(2, 0x0F);
  gc(8, 0xFF);
  mem.write8(0xA0000, 0xF0);            // all planes 0xF0
  EXPECT_EQ(mem.read8(0xA0000), 0xF0);  // read mode 0, map 0; loads the latches
  gc(8, 0x0F);                          // only the low nibble from the CPU
  gc(3, 0x18);                          // XOR with the latches
  mem.write8(0xA0000, 0xFF);
  EXPECT_EQ(plane(0, 0), 0xFF);  // high nibble kept from the latch, low = 0x0 ^ 0xF
  gc(3, 0x00);
  gc(5, 0x01);  // write mode 1: copy the latches
  gc(8, 0xFF);
  EXPECT_EQ(mem.read8(0xA0000), 0xFF);
  mem.write8(0xA0001, 0x00);
  EXPECT_EQ(plane(1, 2), 0xFF);
}

TEST_F(StdVgaTest, WriteMode2AndReadMode1ColorCompare) {
  seq(4, 0x06);
  gc(6, 0x05);
  seq(2, 0x0F);
  gc(8, 0x81);
  gc(5, 0x02);  // write mode 2: data bits 0-3 are the colour
  mem.write8(0xA0020, 0x05);
  EXPECT_EQ(plane(0x20, 0), 0x81);
  EXPECT_EQ(plane(0x20, 1), 0x00);
  EXPECT_EQ(plane(0x20, 2), 0x81);
  gc(5, 0x08);  // read mode 1
  gc(2, 0x05);  // colour 5
  gc(7, 0x0F);
  EXPECT_EQ(mem.read8(0xA0020), 0x81);
  gc(7, 0x00);  // nothing cared about: every bit matches
  EXPECT_EQ(mem.read8(0xA0020), 0xFF);
}

TEST_F(StdVgaTest, Chain4AddressesPlanesLinearly) {
  seq(4, 0x0E);  // chain-4
  gc(6, 0x05);
  seq(2, 0x0F);
  gc(8, 0xFF);
  for (uint8_t i = 0; i < 8; ++i) mem.write8(0xA0000 + i, i);
  EXPECT_EQ(plane(0, 3), 3);
  EXPECT_EQ(plane(1, 1), 5);
  EXPECT_EQ(mem.read8(0xA0006), 6);
}

TEST_F(StdVgaTest, OddEvenTextModeAndTheTextDump) {
  // Mode 3 essentials: odd/even, window B8000, 80x25, 16-line characters.
  io.write8(0x3C2, 0x67);
  seq(2, 0x03);
  seq(4, 0x02);
  gc(5, 0x10);
  gc(6, 0x0E);
  gc(8, 0xFF);
  const uint8_t crtc[][2] = {{0x01, 79},   {0x07, 0x1F}, {0x09, 0x4F},
                             {0x12, 0x8F}, {0x0C, 0},    {0x0D, 0}};
  for (const auto& r : crtc) io.write16(0x3D4, static_cast<uint16_t>(r[0] | (r[1] << 8)));
  const char* text = "SeaBIOS";
  for (int i = 0; text[i]; ++i) {
    mem.write8(0xB8000 + 2 * i, static_cast<uint8_t>(text[i]));
    mem.write8(0xB8000 + 2 * i + 1, 0x07);
  }
  mem.write8(0xB8000 + 160, 0xC9);  // a CP437 box corner on row 2
  EXPECT_EQ(plane(0, 0), 'S');
  EXPECT_EQ(plane(0, 1), 0x07);
  EXPECT_EQ(mem.read8(0xB8002), 'e');
  const std::string screen = text_screen(vga.registers(), vga.vram());
  EXPECT_EQ(screen.substr(0, screen.find('\n')), "SeaBIOS");
  EXPECT_EQ(screen.substr(screen.find('\n') + 1, 4), "╔\n");
  EXPECT_EQ(std::count(screen.begin(), screen.end(), '\n'), 25);
}

TEST_F(StdVgaTest, AttributeFlipFlopResetsOnInputStatusRead) {
  io.write8(0x3C2, 0x01);
  io.read8(0x3DA);
  io.write8(0x3C0, 0x10);
  io.write8(0x3C0, 0x01);  // attribute mode control: graphics
  EXPECT_EQ(vga.registers().attr[0x10], 0x01);
  io.write8(0x3C0, 0x12);  // flip-flop now expects an index again
  io.read8(0x3DA);
  io.write8(0x3C0, 0x11);
  io.write8(0x3C0, 0x3F);
  EXPECT_EQ(vga.registers().attr[0x11], 0x3F);
  EXPECT_EQ(text_screen(vga.registers(), vga.vram()), "(the display is in a graphics mode)\n");
}

TEST_F(StdVgaTest, InputStatusFollowsGuestTime) {
  io.write8(0x3C2, 0x01);
  EXPECT_EQ(io.read8(0x3DA) & 0x09, 0x00);  // t = 0: first visible line
  sched.retire(490 * 31778 / 1 / 1);        // 1 ns per instruction: into vertical sync
  EXPECT_EQ(io.read8(0x3DA) & 0x09, 0x09);
}

TEST_F(StdVgaTest, DacAutoIncrementsThroughComponents) {
  io.write8(0x3C8, 5);
  for (uint8_t v : {0x3F, 0x20, 0x01, 0x7F}) io.write8(0x3C9, v);
  io.write8(0x3C7, 5);
  EXPECT_EQ(io.read8(0x3C9), 0x3F);
  EXPECT_EQ(io.read8(0x3C9), 0x20);
  EXPECT_EQ(io.read8(0x3C9), 0x01);
  EXPECT_EQ(io.read8(0x3C9), 0x3F);  // entry 6 red: 0x7F masked to 6 bits
}

TEST_F(StdVgaTest, VbeDispiIdentifiesAndReportsCapabilities) {
  io.write16(0x1CE, 0);
  io.write16(0x1CF, 0xB0C0);
  EXPECT_EQ(io.read16(0x1CF), 0xB0C0u);
  io.write16(0x1CF, 0xB0C5);
  io.write16(0x1CE, 0xA);
  EXPECT_EQ(io.read16(0x1CF), 256u);  // 16 MiB in 64 KiB units
  io.write16(0x1CE, 4);
  io.write16(0x1CF, 0x02);  // GETCAPS
  io.write16(0x1CE, 1);
  EXPECT_EQ(io.read16(0x1CF), StdVga::kMaxXres);
  io.write16(0x1CE, 3);
  EXPECT_EQ(io.read16(0x1CF), StdVga::kMaxBpp);
}

TEST_F(StdVgaTest, VbeBankedWindowAndLinearFrameBufferReachTheSameMemory) {
  io.write16(0x1CE, 1);
  io.write16(0x1CF, 640);
  io.write16(0x1CE, 2);
  io.write16(0x1CF, 480);
  io.write16(0x1CE, 3);
  io.write16(0x1CF, 8);
  io.write16(0x1CE, 4);
  io.write16(0x1CF, 0x41);  // enabled, LFB
  io.write16(0x1CE, 5);
  io.write16(0x1CF, 2);  // bank 2
  mem.write8(0xA0010, 0x99);
  EXPECT_EQ(vga.vram()[2 * 0x10000 + 0x10], 0x99);
  // BAR0 at FD000000 with memory decoding on.
  vga.config_write(0x10, 4, 0xFD000000);
  vga.config_write(0x04, 2, 0x0003);
  EXPECT_EQ(mem.read8(0xFD020010), 0x99);
}

TEST_F(StdVgaTest, RomBarServesTheVgaBios) {
  EXPECT_EQ(vga.config_read(0x00, 4), 0x11111234u);
  EXPECT_EQ(vga.config_read(0x08, 4) >> 8, 0x030000u);
  vga.config_write(0x30, 4, 0xFFFFFFFF);
  EXPECT_EQ(vga.config_read(0x30, 4), 0xFFFF0001u);  // 64 KiB
  vga.config_write(0x30, 4, 0xFEBE0001);
  vga.config_write(0x04, 2, 0x0002);
  EXPECT_EQ(mem.read8(0xFEBE0000), 0x55);
  EXPECT_EQ(mem.read8(0xFEBE0002), 0x40);
  mem.write8(0xFEBE0000, 0);  // a ROM
  EXPECT_EQ(mem.read8(0xFEBE0000), 0x55);
  vga.config_write(0x30, 4, 0xFEBE0000);  // enable bit off
  EXPECT_EQ(mem.read8(0xFEBE0000), 0xFF);
}

}  // namespace
}  // namespace tx86::dev
