// The std VGA against guest-controlled indexes and offsets: the VBE bank
// register (index 5) and the banked window's upper half, the linear frame
// buffer's last bytes and what lies past the BAR, the X/Y offsets, virtual
// width and depth the renderer follows (to VRAM's end and past it, and a
// depth of 0 or 4 bits), planar accesses with every map mask and read map
// select, and the A0000-BFFFF window under each memory map of the GC misc
// register. Nothing may reach host memory outside the 16 MiB of VRAM: where
// the host page after VRAM is free, the test claims it inaccessible, so an
// overrun dies there instead of reading a neighbour's bytes.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <algorithm>
#include <vector>

#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "core/sched/scheduler.h"
#include "devices/video/std_vga.h"

namespace tx86::dev {
namespace {

constexpr uint32_t kVram = StdVga::kVramSize;
constexpr uint32_t kLfb = 0xFD000000;

// An inaccessible page right after VRAM, when that page is unmapped.
class GuardAfter {
 public:
  explicit GuardAfter(const uint8_t* end) {
    void* want = const_cast<uint8_t*>(end);
    void* got = mmap(want, core::kPageSize, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == want) page_ = got;
    if (got != MAP_FAILED && got != want) munmap(got, core::kPageSize);  // (an old kernel's hint)
  }
  ~GuardAfter() {
    if (page_ != nullptr) munmap(page_, core::kPageSize);
  }
  GuardAfter(const GuardAfter&) = delete;
  GuardAfter& operator=(const GuardAfter&) = delete;

 private:
  void* page_ = nullptr;
};

class VgaBoundsTest : public ::testing::Test {
 protected:
  VgaBoundsTest() : mem(1 << 20), vga(io, mem, sched, {0x55, 0xAA}) {
    mem.map_ram(0, 1 << 20, 0);
    mem.set_ram_access(0xA0000, 0x20000, false, false);  // the window is the VGA's, as on a PC
  }

  void vbe(uint16_t index, uint16_t value) {
    io.write16(0x1CE, index);
    io.write16(0x1CF, value);
  }
  uint16_t vbe_read(uint16_t index) {
    io.write16(0x1CE, index);
    return io.read16(0x1CF);
  }
  void vbe_mode(uint16_t x, uint16_t y, uint16_t bpp) {
    vbe(1, x);
    vbe(2, y);
    vbe(3, bpp);
    vbe(4, 0x41);  // enabled, linear frame buffer
  }
  void seq(uint8_t i, uint8_t v) { io.write16(0x3C4, static_cast<uint16_t>(i | (v << 8))); }
  void gc(uint8_t i, uint8_t v) { io.write16(0x3CE, static_cast<uint16_t>(i | (v << 8))); }
  void map_lfb() {
    vga.config_write(0x10, 4, kLfb);
    vga.config_write(0x04, 2, 0x0003);
  }
  uint8_t vram(uint32_t at) const { return vga.vram()[at]; }
  // Bytes of VRAM from `at` on that are not zero, counted.
  size_t nonzero_from(uint32_t at) const {
    const auto v = vga.vram();
    return static_cast<size_t>(std::count_if(v.begin() + at, v.end(), [](uint8_t b) { return b; }));
  }

  core::IoBus io;
  core::MemoryBus mem;
  core::Scheduler sched;
  StdVga vga;
  GuardAfter guard{vga.vram().data() + kVram};
};

TEST_F(VgaBoundsTest, TheBankRegisterRefusesBanksPastVram) {
  vbe_mode(640, 480, 8);
  vbe(5, 255);
  EXPECT_EQ(vbe_read(5), 255);
  for (const uint16_t bank : {uint16_t{256}, uint16_t{0x1000}, uint16_t{0xFFFF}}) {
    vbe(5, bank);
    EXPECT_EQ(vbe_read(5), 255) << bank << " is past the 16 MiB";
  }
  mem.write8(0xAFFFF, 0x5C);
  EXPECT_EQ(vram(kVram - 1), 0x5C) << "bank 255's last byte is VRAM's last";
  EXPECT_EQ(mem.read8(0xAFFFF), 0x5C);
}

TEST_F(VgaBoundsTest, TheBankedWindowsUpperHalfReadsOpenBusAndTakesNoStores) {
  vbe_mode(640, 480, 8);
  vbe(5, 255);
  for (const uint32_t addr : {0xB0000u, 0xB0001u, 0xBFFFFu}) {
    mem.write8(addr, 0x77);
    EXPECT_EQ(mem.read8(addr), 0xFF) << std::hex << addr;
  }
  mem.write32(0xAFFFE, 0x11223344);  // half in the bank, half past it
  EXPECT_EQ(vram(kVram - 2), 0x44);
  EXPECT_EQ(vram(kVram - 1), 0x33);
  EXPECT_EQ(mem.read32(0xAFFFE), 0xFFFF3344u);
  EXPECT_EQ(nonzero_from(0), 2u);
}

TEST_F(VgaBoundsTest, TheLinearFrameBufferEndsWithTheBar) {
  vbe_mode(640, 480, 32);
  map_lfb();
  mem.write32(kLfb + kVram - 4, 0xCAFEF00D);
  EXPECT_EQ(mem.read32(kLfb + kVram - 4), 0xCAFEF00Du);
  mem.write32(kLfb + kVram - 2, 0xA1B2C3D4);  // straddles the BAR's end
  EXPECT_EQ(vram(kVram - 2), 0xD4);
  EXPECT_EQ(vram(kVram - 1), 0xC3);
  EXPECT_EQ(mem.read32(kLfb + kVram - 2), 0xFFFFC3D4u);
  mem.write32(kLfb + kVram, 0x01020304);
  mem.write8(kLfb + kVram + 0x1000, 0x05);
  EXPECT_EQ(mem.read32(kLfb + kVram), 0xFFFFFFFFu);
  EXPECT_EQ(mem.read8(kLfb + kVram + 0x1000), 0xFF);
  EXPECT_EQ(nonzero_from(0), 4u);
}

TEST_F(VgaBoundsTest, ALinearFrameBufferEndingAtTheTopOfTheSpaceIsNotDecoded) {
  // Its last byte would be 0xFFFFFFFF, which BARs being sized reach: the
  // PCI function leaves such a BAR off, as QEMU does.
  vga.config_write(0x10, 4, 0xFF000000);
  vga.config_write(0x04, 2, 0x0003);
  mem.write16(0xFFFFFFFE, 0xBEEF);
  mem.write8(0xFF000000, 0x12);
  EXPECT_EQ(mem.read16(0xFFFFFFFE), 0xFFFF);
  EXPECT_EQ(mem.read8(0xFF000000), 0xFF);
  EXPECT_EQ(nonzero_from(0), 0u);
}

TEST_F(VgaBoundsTest, ARowRunningOffTheEndOfVramShowsBlackPastIt) {
  vbe_mode(640, 2, 32);
  // 4096 bytes a row; the picture starts 2048 bytes before VRAM's end, so
  // row 0 shows 512 pixels of VRAM, then black; row 1 lies past it.
  vbe(6, 1024);
  vbe(9, kVram / 4096 - 1);
  vbe(8, 512);
  map_lfb();
  mem.write32(kLfb + kVram - 4, 0x00102030);  // pixel 511 of row 0
  const Frame& f = vga.frame(0);
  ASSERT_EQ(f.width, 640u);
  ASSERT_EQ(f.height, 2u);
  EXPECT_EQ(f.pixels[511], Frame::rgb(0x10, 0x20, 0x30));
  EXPECT_EQ(f.pixels[512], Frame::rgb(0, 0, 0));
  EXPECT_EQ(f.pixels[640 + 0], Frame::rgb(0, 0, 0));
}

TEST_F(VgaBoundsTest, OffsetsAndVirtualWidthsAtTheirLargestRenderBlack) {
  for (const uint16_t bpp : {uint16_t{8}, uint16_t{15}, uint16_t{16}, uint16_t{24}, uint16_t{32}}) {
    vbe(4, 0);
    vbe_mode(1920, 1200, bpp);
    vbe(6, 0xFFFF);
    vbe(7, 0xFFFF);
    vbe(8, 0xFFFF);
    vbe(9, 0xFFFF);
    const Frame& f = vga.frame(0);
    ASSERT_EQ(f.pixels.size(), size_t{1920} * 1200);
    EXPECT_TRUE(std::all_of(f.pixels.begin(), f.pixels.end(),
                            [](uint32_t p) { return p == Frame::rgb(0, 0, 0); }))
        << bpp << " bits";
  }
}

TEST_F(VgaBoundsTest, AThreeByteDepthStopsAtTheLastWholePixelOfVram) {
  // 16 MiB is no multiple of 3: the picture starts 13 bytes before the
  // end, so four whole pixels and a byte of a fifth remain.
  vbe_mode(8, 1, 24);
  vbe(6, 0xFFFF);  // 196605 bytes a row
  vbe(9, 85);
  vbe(8, 21926);  // 85 * 196605 + 3 * 21926 = kVram - 13
  map_lfb();
  mem.write8(kLfb + kVram - 4, 0x01);  // pixel 3: B, G, R
  mem.write8(kLfb + kVram - 3, 0x02);
  mem.write8(kLfb + kVram - 2, 0x03);
  mem.write8(kLfb + kVram - 1, 0x04);  // the partial pixel's only byte
  const Frame& f = vga.frame(0);
  ASSERT_EQ(f.width, 8u);
  EXPECT_EQ(f.pixels[3], Frame::rgb(0x03, 0x02, 0x01));
  for (unsigned x = 4; x < 8; ++x) EXPECT_EQ(f.pixels[x], Frame::rgb(0, 0, 0)) << x;
}

TEST_F(VgaBoundsTest, AVbeModeWithoutADepthRendersWithoutFaulting) {
  // BPP still 0 from reset (QEMU takes such a mode as 8 bits).
  vbe(1, 640);
  vbe(2, 480);
  vbe(4, 0x01);
  ASSERT_EQ(vbe_read(3), 0);
  const Frame& f = vga.frame(0);
  EXPECT_EQ(f.width, 640u);
  EXPECT_EQ(f.height, 480u);
}

TEST_F(VgaBoundsTest, AFourBitVbeModeReadsNothingPastVram) {
  // One byte a pixel as the renderer counts 4 bits; row 0 ends at VRAM's
  // last byte (8191 * 2048 + 2032 = kVram - 16).
  vbe_mode(16, 1, 4);
  vbe(6, 2048);
  vbe(9, kVram / 2048 - 1);
  vbe(8, 2048 - 16);
  map_lfb();
  mem.write8(kLfb + kVram - 1, 0x07);
  const Frame& f = vga.frame(0);
  ASSERT_EQ(f.width, 16u);
  ASSERT_EQ(f.height, 1u);
}

TEST_F(VgaBoundsTest, PlanarAccessesWithEveryMapMaskAndReadMapStayInThePlanes) {
  for (unsigned mode = 0; mode < 4; ++mode) {
    // Plain planar, odd/even (sequencer and GC both), chain-4.
    const uint8_t memory_mode = mode == 0 ? 0x06 : mode == 1 ? 0x02 : 0x0E;
    const uint8_t gc_mode = mode == 1 ? 0x10 : 0x00;
    seq(4, memory_mode);
    gc(8, 0xFF);  // bit mask: the CPU's data reaches the planes
    gc(5, static_cast<uint8_t>(gc_mode | (mode == 3 ? 0x08 : 0)));  // mode 3: read mode 1
    gc(6, 0x01);                                                    // graphics, A0000-BFFFF
    for (unsigned mask = 0; mask < 256; mask += 5) {
      seq(2, static_cast<uint8_t>(mask));
      gc(4, static_cast<uint8_t>(mask));  // read map select: only bits 0-1 count
      for (const uint32_t addr : {0xA0000u, 0xA0001u, 0xAFFFFu, 0xB0000u, 0xBFFFEu, 0xBFFFFu}) {
        mem.write8(addr, static_cast<uint8_t>(mask ^ addr));
        (void)mem.read8(addr);
      }
      mem.write32(0xBFFFE, 0xFFFFFFFF);  // runs past the window's end
      (void)mem.read32(0xBFFFE);
    }
  }
  // The planes are 64 KiB each and a 128 KiB window addresses at most
  // 128 Ki plane offsets: 512 KiB of VRAM.
  EXPECT_EQ(nonzero_from(0x80000), 0u);
  EXPECT_GT(nonzero_from(0), 0u) << "the writes did reach the planes";
}

TEST_F(VgaBoundsTest, EachMemoryMapDecodesOnlyItsOwnPartOfTheWindow) {
  struct Map {
    uint8_t misc;
    uint32_t base, size;
  };
  const Map maps[] = {{0x00, 0xA0000, 0x20000},
                      {0x04, 0xA0000, 0x10000},
                      {0x08, 0xB0000, 0x08000},
                      {0x0C, 0xB8000, 0x08000}};
  for (const Map& m : maps) {
    vga.reset();
    seq(2, 0x0F);
    seq(4, 0x0E);  // chain-4: window offset n is VRAM byte n
    gc(8, 0xFF);   // bit mask: the CPU's data, not the latches
    gc(6, static_cast<uint8_t>(m.misc | 0x01));
    mem.write8(m.base, 0x11);
    mem.write8(m.base + m.size - 1, 0x22);
    EXPECT_EQ(mem.read8(m.base), 0x11) << int{m.misc};
    EXPECT_EQ(mem.read8(m.base + m.size - 1), 0x22) << int{m.misc};
    EXPECT_EQ(vram(0), 0x11);
    EXPECT_EQ(vram(m.size - 1), 0x22);
    // Outside the map: open bus, no stores.
    for (uint32_t addr = 0xA0000; addr < 0xC0000; addr += 0x4000) {
      if (addr >= m.base && addr < m.base + m.size) continue;
      mem.write8(addr + 3, 0x33);
      EXPECT_EQ(mem.read8(addr + 3), 0xFF) << std::hex << addr << " misc " << int{m.misc};
    }
    if (m.base > 0xA0000) {
      mem.write8(m.base - 1, 0x44);
      EXPECT_EQ(mem.read8(m.base - 1), 0xFF);
    }
    if (m.base + m.size < 0xC0000) {
      mem.write8(m.base + m.size, 0x44);
      EXPECT_EQ(mem.read8(m.base + m.size), 0xFF);
    }
    const auto v = vga.vram();
    EXPECT_EQ(std::count(v.begin(), v.end(), 0x33), 0) << int{m.misc};
    EXPECT_EQ(std::count(v.begin(), v.end(), 0x44), 0) << int{m.misc};
  }
}

}  // namespace
}  // namespace tx86::dev
