// ISA DMA against the end of guest RAM: channels programmed with a page and
// address past RAM, runs that cross RAM's end, and the 64 KiB (8-bit) and
// 128 KiB (16-bit) wrap happening beyond RAM. Every byte goes through the
// MemoryBus, so what lies past RAM reads as an open bus (all-ones) and
// takes no stores, and no host memory behind RAM is touched (guarded_ram.h).
// The wrap inside a page with all of it in RAM is dma_test.cpp's.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "devices/dma/isa_dma.h"
#include "tests/unit/core/guarded_ram.h"
#include "tests/unit/devices/dma_programming.h"

namespace tx86::dev {
namespace {

using Bytes = std::vector<uint8_t>;

// 992 KiB: RAM ends inside DMA page 0Fh, so a run can cross the end.
constexpr uint64_t kRam = 0xF8000;
constexpr uint8_t kSingleWrite = 0x44;  // single mode, device -> memory
constexpr uint8_t kSingleRead = 0x48;   // single mode, memory -> device
constexpr uint8_t kDecrement = 0x20;

class DmaBoundsTest : public ::testing::Test {
 protected:
  DmaBoundsTest() {
    testing::map_guarded_ram(mem, kRam);
    for (uint64_t i = 0; i < kRam; ++i) mem.ram()[i] = static_cast<uint8_t>(i * 7 + 3);
    before = testing::snapshot(mem, kRam);
    testing::dma_bios_setup(io);
  }

  void program8(unsigned ch, uint8_t mode, uint8_t page, uint16_t addr, uint16_t count) {
    testing::dma_program8(io, ch, mode, page, addr, count);
  }

  // Channel 5 (controller 2, local channel 1): word address and count.
  void program_channel5(uint8_t mode, uint8_t page, uint16_t word_addr, uint16_t words_minus_1) {
    io.write8(0xD4, 0x05);
    io.write8(0xD8, 0);
    io.write8(0xD6, static_cast<uint8_t>(mode | 1));
    io.write8(0xC4, static_cast<uint8_t>(word_addr));
    io.write8(0xC4, static_cast<uint8_t>(word_addr >> 8));
    io.write8(0xC6, static_cast<uint8_t>(words_minus_1));
    io.write8(0xC6, static_cast<uint8_t>(words_minus_1 >> 8));
    io.write8(0x8B, page);
    io.write8(0xD4, 0x01);
  }

  Bytes ram(uint32_t addr, size_t n) { return {mem.ram() + addr, mem.ram() + addr + n}; }
  uint16_t current_address(uint16_t port) {
    io.write8(0x0C, 0);
    io.write8(0xD8, 0);
    const uint8_t lo = io.read8(port);
    return static_cast<uint16_t>(lo | io.read8(port) << 8);
  }

  static Bytes counting(size_t n, uint8_t first) {
    Bytes v(n);
    std::iota(v.begin(), v.end(), first);
    return v;
  }

  core::IoBus io;
  core::MemoryBus mem{testing::guarded_ram_size(kRam)};
  IsaDma dma{io, mem};
  Bytes before;
};

TEST_F(DmaBoundsTest, AWriteRunningPastTheEndOfRamStoresOnlyTheBytesInsideIt) {
  program8(2, kSingleWrite, 0x0F, 0x7FF0, 31);  // 0xF7FF0-0xF800F; RAM ends at 0xF8000
  const Bytes data = counting(32, 0x40);
  EXPECT_EQ(dma.channel(2).transfer_to_memory(data), 32u) << "the channel runs to terminal count";
  EXPECT_TRUE(dma.channel(2).terminal_count());
  EXPECT_EQ(ram(0xF7FF0, 16), Bytes(data.begin(), data.begin() + 16));
  EXPECT_EQ(mem.read8(0xF8000), 0xFF) << "the stores past RAM went nowhere";
  EXPECT_EQ(testing::changed_outside(mem, before, 0xF7FF0, 0xF8000), -1);
}

TEST_F(DmaBoundsTest, AnEightBitRunWrapsInsideItsPageNotIntoTheNextBeyondRam) {
  // 0xFFFF8-0xFFFFF lie past RAM; the address counter then wraps to
  // 0xF0000, since the page register is never carried into.
  program8(1, kSingleWrite, 0x0F, 0xFFF8, 15);
  const Bytes data = counting(16, 0x80);
  EXPECT_EQ(dma.channel(1).transfer_to_memory(data), 16u);
  EXPECT_EQ(ram(0xF0000, 8), Bytes(data.begin() + 8, data.end()));
  EXPECT_EQ(current_address(0x02), 0x0008);
  EXPECT_EQ(dma.page(1), 0x0F);
  EXPECT_EQ(testing::changed_outside(mem, before, 0xF0000, 0xF0008), -1);
}

TEST_F(DmaBoundsTest, ADecrementingRunWrapsFromTheBottomOfItsPageToTheTopBeyondRam) {
  program8(3, kSingleWrite | kDecrement, 0x0F, 0x0003, 7);
  const Bytes data = counting(8, 0x10);
  EXPECT_EQ(dma.channel(3).transfer_to_memory(data), 8u);
  EXPECT_EQ(ram(0xF0000, 4), (Bytes{0x13, 0x12, 0x11, 0x10}));
  EXPECT_EQ(current_address(0x06), 0xFFFB) << "0xFFFFF down to 0xFFFFC went past RAM";
  EXPECT_EQ(testing::changed_outside(mem, before, 0xF0000, 0xF0004), -1);
}

TEST_F(DmaBoundsTest, PagesWhollyPastRamTakeNoStores) {
  for (const uint8_t page : {uint8_t{0x10}, uint8_t{0x7F}, uint8_t{0xFF}}) {
    program8(2, kSingleWrite, page, 0xFFF0, 0x0FFF);
    EXPECT_EQ(dma.channel(2).transfer_to_memory(Bytes(4096, 0xA5)), 4096u) << int{page};
  }
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1);
}

TEST_F(DmaBoundsTest, ReadsPastRamGiveTheOpenBusAllOnes) {
  program8(2, kSingleRead, 0x0F, 0x7FF8, 15);  // 8 bytes of RAM, then 8 past it
  Bytes out(16, 0);
  EXPECT_EQ(dma.channel(2).transfer_from_memory(out), 16u);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 8), ram(0xF7FF8, 8));
  EXPECT_EQ(Bytes(out.begin() + 8, out.end()), Bytes(8, 0xFF));

  program8(2, kSingleRead, 0xFF, 0x0000, 0xFFFF);  // 64 KiB at 0xFF0000
  Bytes all(65536, 0);
  EXPECT_EQ(dma.channel(2).transfer_from_memory(all), 65536u);
  EXPECT_EQ(all, Bytes(65536, 0xFF));
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1);
}

TEST_F(DmaBoundsTest, AWordRunWrapsInsideIts128KiBBlockBeyondRam) {
  // Page 0Fh drops bit 0: block 0xE0000; word 0xFFFC is byte 0xFFFF8, past
  // RAM; after four words the counter wraps to the block's start.
  program_channel5(kSingleWrite, 0x0F, 0xFFFC, 7);
  const Bytes data = counting(16, 0x20);
  EXPECT_EQ(dma.channel(5).transfer_to_memory(data), 16u);
  EXPECT_TRUE(dma.channel(5).terminal_count());
  EXPECT_EQ(ram(0xE0000, 8), Bytes(data.begin() + 8, data.end()));
  EXPECT_EQ(current_address(0xC4), 0x0004);
  EXPECT_EQ(testing::changed_outside(mem, before, 0xE0000, 0xE0008), -1);
}

TEST_F(DmaBoundsTest, AWordReadPastRamGivesAllOnesWords) {
  program_channel5(kSingleRead, 0x20, 0x0000, 3);  // 0x200000: past RAM
  Bytes out(8, 0);
  EXPECT_EQ(dma.channel(5).transfer_from_memory(out), 8u);
  EXPECT_EQ(out, Bytes(8, 0xFF));
}

}  // namespace
}  // namespace tx86::dev
