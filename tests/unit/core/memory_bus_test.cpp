#include "core/mem/memory_bus.h"

#include <gtest/gtest.h>

#include <vector>

namespace tx86::core {
namespace {

class CountingMmio : public MmioHandler {
 public:
  uint32_t mmio_read(uint32_t offset, unsigned size) override {
    last_read = {offset, size};
    return 0xA0B0C0D0u & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
  }
  void mmio_write(uint32_t offset, unsigned size, uint32_t value) override {
    writes.push_back({offset, size, value});
  }
  struct Access {
    uint32_t offset;
    unsigned size;
    uint32_t value = 0;
  };
  Access last_read{};
  std::vector<Access> writes;
};

TEST(MemoryBus, RamReadsBackWhatWasWrittenAtEveryWidth) {
  MemoryBus bus(1 << 20);
  bus.map_ram(0, 1 << 20, 0);
  bus.write32(0x1000, 0x11223344);
  EXPECT_EQ(bus.read32(0x1000), 0x11223344u);
  EXPECT_EQ(bus.read16(0x1001), 0x2233u);
  EXPECT_EQ(bus.read8(0x1003), 0x11u);
  bus.write8(0x1000, 0xAA);
  bus.write16(0x1002, 0xBBCC);
  EXPECT_EQ(bus.read32(0x1000), 0xBBCC33AAu);
  EXPECT_EQ(bus.ram()[0x1000], 0xAA);
}

TEST(MemoryBus, AccessCrossingPagesSplitsAcrossBothPages) {
  MemoryBus bus(1 << 20);
  bus.map_ram(0, 1 << 20, 0);
  bus.write32(0x1FFE, 0xDEADBEEF);
  EXPECT_EQ(bus.read8(0x1FFE), 0xEF);
  EXPECT_EQ(bus.read8(0x1FFF), 0xBE);
  EXPECT_EQ(bus.read8(0x2000), 0xAD);
  EXPECT_EQ(bus.read8(0x2001), 0xDE);
  EXPECT_EQ(bus.read32(0x1FFE), 0xDEADBEEFu);
}

TEST(MemoryBus, UnassignedReadsAllOnesAndDropsWrites) {
  MemoryBus bus(1 << 20);
  EXPECT_EQ(bus.read8(0xC0000), 0xFF);
  EXPECT_EQ(bus.read16(0xC0000), 0xFFFF);
  EXPECT_EQ(bus.read32(0xFEBFFFFC), 0xFFFFFFFFu);
  bus.write32(0xC0000, 0);
  EXPECT_EQ(bus.read32(0xC0000), 0xFFFFFFFFu);
}

TEST(MemoryBus, AccessStraddlingRamAndUnassignedMixesBoth) {
  MemoryBus bus(1 << 20);
  bus.map_ram(0, 0xA0000, 0);
  bus.write8(0x9FFFF, 0x12);
  EXPECT_EQ(bus.read16(0x9FFFF), 0xFF12);
}

TEST(MemoryBus, RomIsReadOnly) {
  MemoryBus bus(1 << 20);
  std::vector<uint8_t> rom(kPageSize, 0x5A);
  rom[0] = 0x01;
  bus.map_rom(0xF0000, rom);
  EXPECT_EQ(bus.read8(0xF0000), 0x01);
  EXPECT_EQ(bus.read32(0xF0004), 0x5A5A5A5Au);
  bus.write8(0xF0000, 0x99);
  bus.write32(0xF0004, 0);
  EXPECT_EQ(bus.read8(0xF0000), 0x01);
  EXPECT_EQ(bus.read32(0xF0004), 0x5A5A5A5Au);
}

TEST(MemoryBus, LoadBlockWritesIntoRomImages) {
  MemoryBus bus(1 << 20);
  bus.map_rom(0xF0000, std::vector<uint8_t>(kPageSize, 0));
  const uint8_t data[] = {1, 2, 3};
  bus.load_block(0xF0010, data);
  EXPECT_EQ(bus.read8(0xF0012), 3);
}

TEST(MemoryBus, MmioGetsRangeRelativeOffsetsAndSizes) {
  MemoryBus bus(1 << 20);
  CountingMmio dev;
  bus.map_mmio(0xFEC00000, 2 * kPageSize, &dev);
  EXPECT_EQ(bus.read16(0xFEC01002), 0xC0D0);
  EXPECT_EQ(dev.last_read.offset, 0x1002u);
  EXPECT_EQ(dev.last_read.size, 2u);
  bus.write32(0xFEC00010, 0x12345678);
  ASSERT_EQ(dev.writes.size(), 1u);
  EXPECT_EQ(dev.writes[0].offset, 0x10u);
  EXPECT_EQ(dev.writes[0].size, 4u);
  EXPECT_EQ(dev.writes[0].value, 0x12345678u);
}

TEST(MemoryBus, A20MaskWrapsTheSecondMegabyteOntoTheFirst) {
  MemoryBus bus(2 << 20);
  bus.map_ram(0, 2 << 20, 0);
  bus.write8(0x000010, 0x11);
  bus.write8(0x100010, 0x22);
  bus.set_a20(false);
  EXPECT_FALSE(bus.a20());
  EXPECT_EQ(bus.read8(0x100010), 0x11);
  bus.write8(0x100010, 0x33);
  EXPECT_EQ(bus.read8(0x000010), 0x33);
  bus.set_a20(true);
  EXPECT_EQ(bus.read8(0x100010), 0x22);
}

TEST(MemoryBus, EnabledRamHidesTheDeviceLayer) {
  MemoryBus bus(1 << 20);
  bus.map_ram(0, 1 << 20, 0);
  bus.write8(0xC0000, 0x42);
  bus.map_rom(0xC0000, std::vector<uint8_t>(kPageSize, 0x77));
  EXPECT_EQ(bus.read8(0xC0000), 0x42);  // RAM decodes first
  bus.set_ram_access(0xC0000, kPageSize, false, false);
  EXPECT_EQ(bus.read8(0xC0000), 0x77);
  bus.unmap(0xC0000, kPageSize);
  EXPECT_EQ(bus.read8(0xC0000), 0xFF);
  bus.set_ram_access(0xC0000, kPageSize, true, true);
  EXPECT_EQ(bus.read8(0xC0000), 0x42);  // the RAM kept its contents
}

TEST(MemoryBus, ShadowReadAndWriteEnablesAreIndependent) {
  MemoryBus bus(1 << 20);
  bus.attach_hidden_ram(0xF0000, 0x10000, 0xF0000);
  bus.map_rom(0xF0000, std::vector<uint8_t>(0x10000, 0xAB));
  EXPECT_EQ(bus.read8(0xF0010), 0xAB);  // power on: ROM
  bus.write8(0xF0010, 0x11);            // dropped
  // Write-only shadowing (PAM WE=1, RE=0): copy the ROM into RAM in place.
  bus.set_ram_access(0xF0000, 0x10000, false, true);
  bus.write8(0xF0010, bus.read8(0xF0010) + 1);
  EXPECT_EQ(bus.read8(0xF0010), 0xAB);
  bus.set_ram_access(0xF0000, 0x10000, true, false);  // read-only RAM
  EXPECT_EQ(bus.read8(0xF0010), 0xAC);
  bus.write8(0xF0010, 0x00);  // dropped
  EXPECT_EQ(bus.read8(0xF0010), 0xAC);
}

TEST(MemoryBus, DeviceMemoryIsAccessedInPlace) {
  MemoryBus bus(1 << 20);
  std::vector<uint8_t> vram(2 * kPageSize, 0);
  bus.map_device_memory(0xFD000000, vram.size(), vram.data(), true);
  bus.write32(0xFD001000, 0x01020304);
  EXPECT_EQ(vram[0x1000], 0x04);
  vram[4] = 0x99;
  EXPECT_EQ(bus.read8(0xFD000004), 0x99);
  EXPECT_EQ(bus.host_page_for_write(0xFD000000), vram.data());
}

TEST(MemoryBus, RejectsBadSizesAndMappings) {
  EXPECT_THROW(MemoryBus(0), std::invalid_argument);
  EXPECT_THROW(MemoryBus(12345), std::invalid_argument);
  MemoryBus bus(1 << 20);
  EXPECT_THROW(bus.map_ram(0x123, kPageSize, 0), std::invalid_argument);
  EXPECT_THROW(bus.map_ram(0, 2 << 20, 0), std::invalid_argument);  // beyond RAM
  EXPECT_THROW(bus.map_rom(0xFFFFF000, std::vector<uint8_t>(2 * kPageSize)), std::invalid_argument);
}

TEST(MemoryBus, TopOfAddressSpaceIsReachable) {
  MemoryBus bus(1 << 20);
  std::vector<uint8_t> rom(kPageSize, 0);
  rom[kPageSize - 1] = 0xEE;
  bus.map_rom(0xFFFFF000, rom);
  EXPECT_EQ(bus.read8(0xFFFFFFFF), 0xEE);
  // A dword at the very top wraps to address 0 for its last three bytes.
  bus.map_ram(0, kPageSize, 0);
  bus.write8(0, 0x01);
  EXPECT_EQ(bus.read16(0xFFFFFFFF), 0x01EE);
}

// The code-near map: a page's byte is set while it or the next page holds
// translated code, and cleared when neither does.
TEST(MemoryBus, CodeNearMapMarksACodePageAndThePageBefore) {
  MemoryBus bus(1 << 20);
  bus.map_ram(0, 1 << 20, 0);
  const uint8_t* near = bus.code_near_map();
  bus.set_code_page(0x5000, true);
  EXPECT_EQ(near[3], 0);
  EXPECT_NE(near[4], 0);
  EXPECT_NE(near[5], 0);
  EXPECT_EQ(near[6], 0);
  bus.set_code_page(0x6000, true);
  bus.set_code_page(0x5000, false);
  EXPECT_EQ(near[4], 0);
  EXPECT_NE(near[5], 0);  // (the next page's code)
  EXPECT_NE(near[6], 0);
  bus.set_code_page(0x6000, false);
  EXPECT_EQ(near[5], 0);
  EXPECT_EQ(near[6], 0);
  bus.set_code_page(0, true);  // the first page and the last have one neighbour
  bus.set_code_page(0xFF000, true);
  EXPECT_NE(near[0], 0);
  EXPECT_NE(near[0xFE], 0);
  EXPECT_NE(near[0xFF], 0);
}

}  // namespace
}  // namespace tx86::core
