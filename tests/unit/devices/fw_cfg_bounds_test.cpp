// fw_cfg (fw_cfg.cpp) against guest-controlled selectors and offsets:
// items that do not exist, reads far past an item's end and across it at
// 16 bits, selector writes of the wrong width, and data-port writes. tx86
// offers only the traditional interface: no DMA (the ID item's bit 1 is
// clear and the device holds no MemoryBus), so a guest that programs QEMU's
// DMA address registers at 0x514 anyway reaches nothing and guest RAM stays
// as it was. Reading an unknown key once is fw_cfg_test.cpp's.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "devices/firmware/fw_cfg.h"
#include "tests/unit/core/guarded_ram.h"

namespace tx86::dev {
namespace {

class FwCfgBoundsTest : public ::testing::Test {
 protected:
  FwCfgBoundsTest() { cfg.add_file("etc/test", {1, 2, 3}); }

  void select(uint16_t key) { io.write16(FwCfg::kSelectorPort, key); }

  core::IoBus io;
  FwCfg cfg{io};
};

TEST_F(FwCfgBoundsTest, KeysThatDoNotExistReadZerosAtBothWidths) {
  for (const uint16_t key :
       {uint16_t{0x0002}, uint16_t{0x0021}, uint16_t{0x4000}, uint16_t{0x8019}, uint16_t{0xFFFF}}) {
    select(key);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(io.read8(FwCfg::kDataPort), 0) << key;
    for (int i = 0; i < 8; ++i) EXPECT_EQ(io.read16(FwCfg::kDataPort), 0) << key;
  }
}

TEST_F(FwCfgBoundsTest, ReadingFarPastAnItemsEndGivesZeros) {
  select(FwCfg::kFirstFileKey);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 1);
  EXPECT_EQ(io.read16(FwCfg::kDataPort), 0x0302) << "the last two bytes";
  for (int i = 0; i < 1 << 16; ++i) {
    ASSERT_EQ(io.read16(FwCfg::kDataPort), 0) << "read " << i;
  }
  select(FwCfg::kFirstFileKey);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 1) << "selecting rewinds";
}

TEST_F(FwCfgBoundsTest, ASixteenBitReadAcrossTheEndTakesZeroForTheMissingByte) {
  select(FwCfg::kFirstFileKey);
  io.read16(FwCfg::kDataPort);
  EXPECT_EQ(io.read16(FwCfg::kDataPort), 0x0003);
}

TEST_F(FwCfgBoundsTest, OnlySixteenBitSelectorWritesSelectAndDataWritesAreIgnored) {
  select(FwCfg::kFirstFileKey);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 1);
  io.write8(FwCfg::kSelectorPort, 0x00);  // neither selects the signature nor rewinds
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 2);
  for (int i = 0; i < 16; ++i) io.write8(FwCfg::kDataPort, 0xEE);
  io.write16(FwCfg::kDataPort, 0xEEEE);
  select(FwCfg::kFirstFileKey);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 1);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 2);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 3);
}

TEST_F(FwCfgBoundsTest, TheSelectorPortReadsTheOpenBus) {
  EXPECT_EQ(io.read8(FwCfg::kSelectorPort), 0xFF);
  EXPECT_EQ(io.read16(FwCfg::kSelectorPort), 0xFFFF);
}

TEST_F(FwCfgBoundsTest, WithoutADmaInterfaceADescriptorPastRamReachesNothing) {
  constexpr uint64_t kRam = 1 << 20;
  core::MemoryBus mem(testing::guarded_ram_size(kRam));
  testing::map_guarded_ram(mem, kRam);
  select(FwCfg::kKeyId);
  EXPECT_EQ(io.read8(FwCfg::kDataPort) & 0x02, 0) << "no DMA feature bit";
  // QEMU's DMA descriptor: control (read, select the file), a length that
  // would overflow 32 bits from its address, an address past RAM; stored
  // at the end of RAM, its address written big-endian to 0x514-0x51B.
  const uint32_t desc = kRam - 16;
  mem.write32(desc, 0x02002000);       // BE control: select 0x20, read
  mem.write32(desc + 4, 0xFFFFFFFF);   // length
  mem.write32(desc + 8, 0);            // address high
  mem.write32(desc + 12, 0x00F0FFFF);  // address low, BE: 0xFFFFF000
  const std::vector<uint8_t> before = testing::snapshot(mem, kRam);
  io.write32(0x514, 0);
  io.write32(0x518, 0xF0FF0F00);  // BE kRam - 16
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1);
  EXPECT_EQ(io.read32(0x514), 0xFFFFFFFFu) << "nothing decodes the DMA registers";
  select(FwCfg::kFirstFileKey);
  EXPECT_EQ(io.read8(FwCfg::kDataPort), 1) << "and the item was not consumed";
}

}  // namespace
}  // namespace tx86::dev
