#include "devices/dma/isa_dma.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "tests/unit/devices/dma_programming.h"

namespace tx86::dev {
namespace {

using Bytes = std::vector<uint8_t>;

class DmaTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kRam = 16ull << 20;  // the whole 24-bit ISA space

  DmaTest() { mem.map_ram(0, kRam, 0); }

  void bios_setup() { testing::dma_bios_setup(io); }
  void program8(unsigned ch, uint8_t mode, uint8_t page, uint16_t addr, uint16_t count) {
    testing::dma_program8(io, ch, mode, page, addr, count);
  }

  uint16_t read_word(uint16_t port) {
    const uint8_t lo = io.read8(port);
    return static_cast<uint16_t>(lo | io.read8(port) << 8);
  }

  Bytes memory(uint32_t addr, size_t n) {
    Bytes v(n);
    mem.read_block(addr, v);
    return v;
  }

  core::IoBus io;
  core::MemoryBus mem{kRam};
  IsaDma dma{io, mem};
};

constexpr uint8_t kSingleWrite = 0x44;  // single mode, device -> memory
constexpr uint8_t kSingleRead = 0x48;   // single mode, memory -> device
constexpr uint8_t kAutoinit = 0x10;
constexpr uint8_t kDecrement = 0x20;

TEST_F(DmaTest, AddressAndCountUseTheFlipFlop) {
  io.write8(0x0C, 0);
  io.write8(0x02, 0x34);
  io.write8(0x02, 0x12);
  io.write8(0x03, 0xFF);
  io.write8(0x03, 0x01);
  EXPECT_EQ(read_word(0x02), 0x1234);
  EXPECT_EQ(read_word(0x03), 0x01FF);
  io.write8(0x02, 0x78);            // low byte
  EXPECT_EQ(io.read8(0x02), 0x12);  // the flip-flop now points at the high byte
  io.write8(0x0C, 0);
  EXPECT_EQ(io.read8(0x02), 0x78);
}

TEST_F(DmaTest, PageRegistersAreStorageAndPort80IsNotOurs) {
  for (uint16_t p = 0x81; p <= 0x8F; ++p) io.write8(p, static_cast<uint8_t>(p ^ 0x5A));
  for (uint16_t p = 0x81; p <= 0x8F; ++p) EXPECT_EQ(io.read8(p), p ^ 0x5A);
  EXPECT_EQ(dma.page(2), 0x81 ^ 0x5A);
  EXPECT_EQ(dma.page(4), 0x8F ^ 0x5A);
  EXPECT_EQ(io.owner(0x80), "");
}

TEST_F(DmaTest, MasterClearMasksEverythingAndBiosSetupOpensTheCascade) {
  EXPECT_EQ(io.read8(0x0F), 0x0F);
  EXPECT_EQ(io.read8(0xDE), 0x0F);
  bios_setup();
  EXPECT_EQ(io.read8(0xDE), 0x0E);
  EXPECT_TRUE(dma.channel(4).masked());  // the cascade never transfers
  io.write8(0x0E, 0);                    // clear mask register
  EXPECT_EQ(io.read8(0x0F), 0x00);
  EXPECT_FALSE(dma.channel(2).masked());
  io.write8(0x0D, 0);
  EXPECT_EQ(io.read8(0x0F), 0x0F);
}

TEST_F(DmaTest, WriteTransferStopsAtTerminalCountAndMasksTheChannel) {
  bios_setup();
  io.write8(0x0E, 0);                            // clear mask register: only TC will mask channel 2
  program8(2, kSingleWrite, 0x02, 0x1000, 511);  // a floppy sector
  Bytes data(600);
  std::iota(data.begin(), data.end(), 0);
  EXPECT_EQ(dma.channel(2).transfer_to_memory(data), 512u);
  EXPECT_TRUE(dma.channel(2).terminal_count());
  EXPECT_EQ(memory(0x21000, 4), (Bytes{0, 1, 2, 3}));
  EXPECT_EQ(memory(0x211FE, 3), (Bytes{0xFE, 0xFF, 0x00}));
  EXPECT_EQ(read_word(0x04), 0x1200);
  EXPECT_EQ(read_word(0x05), 0xFFFF);
  EXPECT_EQ(io.read8(0x08), 0x04);  // TC for channel 2 ...
  EXPECT_EQ(io.read8(0x08), 0x00);  // ... cleared by the read
  EXPECT_TRUE(dma.channel(2).masked());
  EXPECT_EQ(io.read8(0x0F), 0x04);
  EXPECT_EQ(dma.channel(2).transfer_to_memory(data), 0u);
  EXPECT_FALSE(dma.channel(2).terminal_count());
}

TEST_F(DmaTest, ShortTransfersLeaveTheCountRunning) {
  bios_setup();
  program8(1, kSingleWrite, 0x00, 0x0500, 9);
  EXPECT_EQ(dma.channel(1).transfer_to_memory(Bytes{1, 2, 3, 4}), 4u);
  EXPECT_FALSE(dma.channel(1).terminal_count());
  EXPECT_EQ(read_word(0x03), 5);
  EXPECT_EQ(dma.channel(1).transfer_to_memory(Bytes(10, 7)), 6u);
  EXPECT_TRUE(dma.channel(1).terminal_count());
  EXPECT_EQ(memory(0x500, 11), (Bytes{1, 2, 3, 4, 7, 7, 7, 7, 7, 7, 0}));
}

TEST_F(DmaTest, AddressWrapsInsideThe64KiBPage) {
  bios_setup();
  program8(3, kSingleWrite, 0x03, 0xFFFE, 3);
  EXPECT_EQ(dma.channel(3).transfer_to_memory(Bytes{0xA, 0xB, 0xC, 0xD}), 4u);
  EXPECT_EQ(memory(0x3FFFE, 2), (Bytes{0xA, 0xB}));
  EXPECT_EQ(memory(0x30000, 2), (Bytes{0xC, 0xD}));
  EXPECT_EQ(memory(0x40000, 1), (Bytes{0}));
}

TEST_F(DmaTest, DecrementModeWalksDown) {
  bios_setup();
  program8(2, kSingleWrite | kDecrement, 0x00, 0x0103, 3);
  EXPECT_EQ(dma.channel(2).transfer_to_memory(Bytes{1, 2, 3, 4}), 4u);
  EXPECT_EQ(memory(0x100, 4), (Bytes{4, 3, 2, 1}));
  EXPECT_EQ(read_word(0x04), 0x00FF);
}

TEST_F(DmaTest, AutoinitReloadsAndStaysUnmasked) {
  bios_setup();
  program8(1, kSingleWrite | kAutoinit, 0x00, 0x2000, 1);
  EXPECT_EQ(dma.channel(1).transfer_to_memory(Bytes{1, 2, 3}), 2u);
  EXPECT_TRUE(dma.channel(1).terminal_count());
  EXPECT_FALSE(dma.channel(1).masked());
  EXPECT_EQ(read_word(0x02), 0x2000);
  EXPECT_EQ(read_word(0x03), 1);
  EXPECT_EQ(dma.channel(1).transfer_to_memory(Bytes{5, 6}), 2u);
  EXPECT_EQ(memory(0x2000, 3), (Bytes{5, 6, 0}));
  EXPECT_EQ(io.read8(0x08), 0x02);
}

TEST_F(DmaTest, ReadTransferFeedsTheDevice) {
  bios_setup();
  mem.write_block(0x45670, Bytes{9, 8, 7});
  program8(2, kSingleRead, 0x04, 0x5670, 2);
  Bytes out(5, 0xEE);
  EXPECT_EQ(dma.channel(2).transfer_from_memory(out), 3u);
  EXPECT_EQ(out, (Bytes{9, 8, 7, 0xEE, 0xEE}));
}

TEST_F(DmaTest, VerifyTransferTouchesNoMemory) {
  bios_setup();
  program8(2, 0x40, 0x00, 0x0100, 1);  // single, verify
  EXPECT_EQ(dma.channel(2).transfer_to_memory(Bytes{1, 2}), 2u);
  EXPECT_TRUE(dma.channel(2).terminal_count());
  EXPECT_EQ(memory(0x100, 2), (Bytes{0, 0}));
}

TEST_F(DmaTest, DirectionMismatchMovesNothing) {
  bios_setup();
  program8(2, kSingleRead, 0x00, 0x0100, 1);
  EXPECT_EQ(dma.channel(2).transfer_to_memory(Bytes{1, 2}), 0u);
  EXPECT_EQ(read_word(0x05), 1);
}

TEST_F(DmaTest, MaskCascadeAndDisableBlockTransfers) {
  program8(2, kSingleWrite, 0x00, 0x0100, 1);
  EXPECT_TRUE(dma.channel(2).masked());  // channel 4 still masked: no path to the bus
  EXPECT_EQ(dma.channel(2).transfer_to_memory(Bytes{1}), 0u);
  bios_setup();
  program8(2, kSingleWrite, 0x00, 0x0100, 1);
  EXPECT_FALSE(dma.channel(2).masked());
  io.write8(0x0A, 0x06);  // single mask bit, channel 2
  EXPECT_TRUE(dma.channel(2).masked());
  io.write8(0x0A, 0x02);
  io.write8(0x08, 0x04);  // command: controller disable
  EXPECT_TRUE(dma.channel(2).masked());
  io.write8(0x08, 0x00);
  io.write8(0xD0, 0x04);  // disabling controller 2 cuts off controller 1
  EXPECT_TRUE(dma.channel(2).masked());
  io.write8(0xD0, 0x00);
  io.write8(0x0B, 0xC2);  // cascade mode on channel 2 itself
  EXPECT_TRUE(dma.channel(2).masked());
}

TEST_F(DmaTest, WordChannelAddressesWordsAcross128KiB) {
  bios_setup();
  // Channel 5: address 0xC4, count 0xC6, mode 0xD6, mask 0xD4, page 0x8B.
  io.write8(0xD8, 0);
  io.write8(0xD6, kSingleWrite | 1);
  io.write8(0xC4, 0x00);
  io.write8(0xC4, 0x80);  // word address 0x8000 -> byte offset 0x10000
  io.write8(0xC6, 0x01);
  io.write8(0xC6, 0x00);  // two words
  io.write8(0x8B, 0x13);  // bit 0 unused: the block is 0x120000
  io.write8(0xD4, 0x01);
  EXPECT_EQ(dma.channel(5).transfer_to_memory(Bytes{1, 2, 3, 4, 5}), 4u);
  EXPECT_TRUE(dma.channel(5).terminal_count());
  EXPECT_EQ(memory(0x130000, 5), (Bytes{1, 2, 3, 4, 0}));
  EXPECT_EQ(io.read8(0xD0), 0x02);  // TC of channel 5
}

TEST_F(DmaTest, WordChannelWrapsInsideThe128KiBBlock) {
  bios_setup();
  io.write8(0xD8, 0);
  io.write8(0xD6, kSingleWrite | 3);  // channel 7: 0xCC/0xCE, page 0x8A
  io.write8(0xCC, 0xFF);
  io.write8(0xCC, 0xFF);
  io.write8(0xCE, 0x01);
  io.write8(0xCE, 0x00);
  io.write8(0x8A, 0x12);
  io.write8(0xD4, 0x03);
  EXPECT_EQ(dma.channel(7).transfer_to_memory(Bytes{1, 2, 3, 4}), 4u);
  EXPECT_EQ(memory(0x13FFFE, 2), (Bytes{1, 2}));
  EXPECT_EQ(memory(0x120000, 2), (Bytes{3, 4}));
  EXPECT_EQ(memory(0x140000, 1), (Bytes{0}));
}

TEST_F(DmaTest, SoftwareRequestShowsInStatusUntilTerminalCount) {
  bios_setup();
  program8(2, kSingleWrite, 0x00, 0x0100, 0);
  io.write8(0x09, 0x06);  // set request, channel 2
  EXPECT_EQ(io.read8(0x08), 0x40);
  EXPECT_EQ(dma.channel(2).transfer_to_memory(Bytes{1}), 1u);
  EXPECT_EQ(io.read8(0x08), 0x04);
}

TEST_F(DmaTest, ResetMasksAllAndKeepsPages) {
  bios_setup();
  io.write8(0x81, 0x42);
  dma.reset();
  EXPECT_EQ(io.read8(0x0F), 0x0F);
  EXPECT_EQ(io.read8(0xDE), 0x0F);
  EXPECT_EQ(io.read8(0x81), 0x42);
}

TEST_F(DmaTest, IllegalReadsFloat) {
  EXPECT_EQ(io.read8(0x09), 0xFF);
  EXPECT_EQ(io.read8(0x0B), 0xFF);
  EXPECT_EQ(io.read8(0x0D), 0x00);  // temporary register
}

}  // namespace
}  // namespace tx86::dev
