// Save states of the std VGA: registers, DAC, latches, VBE state and VRAM
// come back in a VGA built the same way, which then shows and answers what
// the original does.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>

#include "core/state/state_stream.h"
#include "devices/video/std_vga.h"

namespace tx86::dev {
namespace {

// BIOS mode 12h (640x480, 16 colours planar), as the VGA BIOS programs it
// (IBM VGA Technical Reference, the video parameter table).
constexpr uint8_t kMode12Misc = 0xE3;
constexpr std::initializer_list<uint8_t> kMode12Seq = {0x03, 0x01, 0x0F, 0x00, 0x06};
constexpr std::initializer_list<uint8_t> kMode12Crtc = {
    0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF};
constexpr std::initializer_list<uint8_t> kMode12Gc = {0x00, 0x00, 0x00, 0x00, 0x00,
                                                      0x00, 0x05, 0x0F, 0xFF};
constexpr std::initializer_list<uint8_t> kMode12Attr = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                                        0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D,
                                                        0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00};

// One VGA on its buses, as StdVgaTest builds it.
struct Machine {
  Machine() : mem(1 << 20), vga(io, mem, sched, {0x55, 0xAA, 0x40}) {}

  void seq(uint8_t i, uint8_t v) { io.write16(0x3C4, static_cast<uint16_t>(i | (v << 8))); }
  void gc(uint8_t i, uint8_t v) { io.write16(0x3CE, static_cast<uint16_t>(i | (v << 8))); }
  void vbe(uint16_t index, uint16_t v) {
    io.write16(0x1CE, index);
    io.write16(0x1CF, v);
  }
  void set_mode_12() {
    io.write8(0x3C2, kMode12Misc);
    uint8_t i = 0;
    for (uint8_t v : kMode12Seq) seq(i++, v);
    i = 0;
    for (uint8_t v : kMode12Crtc) io.write16(0x3D4, static_cast<uint16_t>(i++ | (v << 8)));
    i = 0;
    for (uint8_t v : kMode12Gc) gc(i++, v);
    io.read8(0x3DA);
    i = 0;
    for (uint8_t v : kMode12Attr) {
      io.write8(0x3C0, i++);
      io.write8(0x3C0, v);
    }
    io.write8(0x3C0, 0x20);  // PAS: the display on
  }

  // As the machine would save it: the VGA's part, then what the PCI host
  // saves of it (the configuration space).
  std::vector<uint8_t> save() const {
    core::StateWriter w;
    w.begin("vga", 1);
    vga.save_state(w);
    w.end();
    w.begin("pci", 1);
    vga.save_config(w);
    w.end();
    return w.data();
  }
  void load(std::span<const uint8_t> state) {
    core::StateReader r(state);
    r.begin("vga", 1);
    vga.load_state(r);
    r.end();
    r.begin("pci", 1);
    vga.load_config(r);
    r.end();
    if (!r.at_end()) r.fail("more");
  }

  core::IoBus io;
  core::MemoryBus mem;
  core::Scheduler sched;
  StdVga vga;
};

class VgaStateTest : public ::testing::Test {
 protected:
  // A new VGA that has drawn a frame of its own (so a stale picture would
  // show), with the original's state loaded; it must save it back byte for
  // byte.
  std::unique_ptr<Machine> restored() {
    const std::vector<uint8_t> state = original.save();
    auto m = std::make_unique<Machine>();
    m->vga.frame(0);
    m->load(state);
    EXPECT_EQ(m->save(), state);
    return m;
  }

  Machine original;
};

TEST_F(VgaStateTest, APlanarModeWithPaletteAndLatchesGoesOnAfterALoad) {
  Machine& o = original;
  o.set_mode_12();
  o.io.write8(0x3C8, 0);
  for (unsigned i = 0; i < 16 * 3; ++i) o.io.write8(0x3C9, static_cast<uint8_t>(i * 5 % 64));
  for (uint8_t p = 0; p < 4; ++p) {
    o.seq(2, static_cast<uint8_t>(1u << p));
    for (uint32_t i = 0; i < 80 * 200; ++i)
      o.mem.write8(0xA0000 + i, static_cast<uint8_t>(i * (p + 3)));
  }
  o.seq(2, 0x0F);
  EXPECT_EQ(o.mem.read8(0xA0000 + 123), static_cast<uint8_t>(123 * 3));  // loads the latches
  o.gc(5, 0x01);                             // write mode 1: the latches go to memory
  o.io.write8(0x3C7, 3);                     // DAC read of entry 3, ...
  EXPECT_EQ(o.io.read8(0x3C9), 9 * 5 % 64);  // ... its red read
  o.io.read8(0x3DA);
  o.io.write8(0x3C0, 0x31);  // an attribute index: its value comes next
  std::unique_ptr<Machine> m = restored();

  const Frame& want = o.vga.frame(0);
  const Frame& got = m->vga.frame(0);
  EXPECT_EQ(got.width, 640u);
  EXPECT_EQ(got.height, 480u);
  EXPECT_TRUE(got.pixels == want.pixels) << "the loaded state's picture, not the old one";
  for (Machine* x : {&o, m.get()}) {
    x->mem.write8(0xA0000 + 9000, 0);
    for (unsigned p = 0; p < 4; ++p) {
      EXPECT_EQ(x->vga.vram()[9000 * 4 + p], static_cast<uint8_t>(123 * (p + 3)));
    }
    EXPECT_EQ(x->io.read8(0x3C9), 10 * 5 % 64);  // entry 3 green, blue, then entry 4
    EXPECT_EQ(x->io.read8(0x3C9), 11 * 5 % 64);
    EXPECT_EQ(x->io.read8(0x3C9), 12 * 5 % 64);
    x->io.write8(0x3C0, 0x07);
    EXPECT_EQ(x->vga.registers().attr[0x11], 0x07);
    x->gc(5, 0x00);
    x->gc(4, 2);  // read map 2
    EXPECT_EQ(x->mem.read8(0xA0000 + 77), static_cast<uint8_t>(77 * 5));
  }
  EXPECT_TRUE(std::equal(o.vga.vram().begin(), o.vga.vram().end(), m->vga.vram().begin()));
}

TEST_F(VgaStateTest, AVbeModeComesBackAndVramTheStateDoesNotHoldIsCleared) {
  Machine& o = original;
  o.vbe(1, 640);
  o.vbe(2, 480);
  o.vbe(3, 8);
  o.vbe(4, 0x41);  // enabled, LFB
  o.vbe(5, 37);    // bank 37: 2.3 MiB into VRAM
  for (uint32_t i = 0; i < 0x10000; i += 97) o.mem.write8(0xA0000 + i, static_cast<uint8_t>(i));
  const std::vector<uint8_t> state = o.save();

  Machine m;
  m.vbe(4, 0x41);
  m.vbe(5, 100);
  m.mem.write8(0xA0000 + 5, 0xEE);  // in a chunk the state holds as zeros
  m.load(state);
  EXPECT_EQ(m.save(), state);
  EXPECT_TRUE(std::equal(o.vga.vram().begin(), o.vga.vram().end(), m.vga.vram().begin()));
  EXPECT_EQ(m.vga.vram()[100 * 0x10000 + 5], 0);
  EXPECT_EQ(m.mem.read8(0xA0000 + 97), 97) << "bank 37 in the window";
  m.io.write16(0x1CE, 5);
  EXPECT_EQ(m.io.read16(0x1CF), 37u);
  EXPECT_TRUE(m.vga.vbe_display() == o.vga.vbe_display());
  EXPECT_TRUE(m.vga.frame(0).pixels == o.vga.frame(0).pixels);
}

TEST_F(VgaStateTest, ATruncatedOrCorruptStateThrowsStateError) {
  original.set_mode_12();
  original.mem.write8(0xA0000, 0x5A);
  const std::vector<uint8_t> state = original.save();
  Machine m;
  for (size_t cut :
       {size_t{0}, size_t{20}, size_t{100}, size_t{900}, state.size() / 2, state.size() - 1}) {
    EXPECT_THROW(m.load(std::span(state).first(cut)), core::StateError) << cut;
  }
  // The DAC component (0-2) is the tenth register byte after the section's
  // name (3 + 8), version (4) and length (8).
  std::vector<uint8_t> corrupt = state;
  ASSERT_EQ(corrupt[8 + 3 + 4 + 8 + 9], 0);
  corrupt[8 + 3 + 4 + 8 + 9] = 3;
  EXPECT_THROW(m.load(corrupt), core::StateError);
}

}  // namespace
}  // namespace tx86::dev
