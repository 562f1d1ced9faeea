// The IDE bus master (bus_master.cpp) against guest-controlled PRD tables:
// regions past the end of RAM, straddling it or at MMIO; a table that runs
// off the end of RAM itself; a byte count of 0 (64 KiB), also where it
// crosses RAM's end; and a table with no end-of-table bit, which the engine
// stops after the 8192 entries a 64 KiB table holds. Data moves through the
// MemoryBus, so RAM's end is respected (stores dropped, reads all-ones)
// and host memory behind RAM is never touched (guarded_ram.h). Ordinary
// tables and a table shorter than the transfer are ata_disk_test.cpp's.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/mem/memory_bus.h"
#include "core/storage/disk_image.h"
#include "devices/storage/ata/ata_disk.h"
#include "devices/storage/ata/ata_regs.h"
#include "devices/storage/ata/bus_master.h"
#include "devices/storage/ata/piix3_ide.h"
#include "tests/unit/core/guarded_ram.h"

namespace tx86::dev {
namespace {

using namespace ata;
using Bytes = std::vector<uint8_t>;

constexpr uint64_t kRam = 1u << 20;
constexpr size_t kSectors = 2048;
constexpr uint16_t kBase = 0x1F0;
constexpr uint16_t kBm = 0xC000;
constexpr uint32_t kTable = 0x1000;

// Records the bytes a DMA stores into an MMIO page.
struct MmioRecorder : core::MmioHandler {
  uint32_t mmio_read(uint32_t, unsigned size) override {
    return size == 4 ? 0x5A5A5A5Au : size == 2 ? 0x5A5A : 0x5A;
  }
  void mmio_write(uint32_t offset, unsigned size, uint32_t value) override {
    for (unsigned i = 0; i < size; ++i)
      writes.push_back({offset + i, static_cast<uint8_t>(value >> (8 * i))});
  }
  struct Write {
    uint32_t offset;
    uint8_t value;
  };
  std::vector<Write> writes;
};

class IdeBusMasterBoundsTest : public ::testing::Test {
 protected:
  IdeBusMasterBoundsTest() {
    testing::map_guarded_ram(mem, kRam);
    for (uint64_t i = 0; i < kRam; ++i) mem.ram()[i] = static_cast<uint8_t>(i * 5 + 1);
    ide.config_write(0x20, 4, kBm | 1);  // BAR4
    ide.config_write(0x04, 2, 0x0005);   // I/O decode, bus master
    auto image = core::DiskImage::in_memory(pattern(kSectors * 512));
    image_ = image.get();
    ide.channel(0).attach(0, std::make_unique<AtaDisk>(std::move(image), "BOUNDS"));
    irq14.connect([this](bool level) {
      if (level) ++irqs;
    });
  }

  static Bytes pattern(size_t bytes) {
    Bytes v(bytes);
    for (size_t i = 0; i < bytes; ++i) v[i] = static_cast<uint8_t>(i * 13 + i / 512);
    return v;
  }
  Bytes sectors(uint64_t lba, size_t n) const {
    const Bytes& b = image_->memory();
    return {b.begin() + static_cast<std::ptrdiff_t>(lba * 512),
            b.begin() + static_cast<std::ptrdiff_t>((lba + n) * 512)};
  }
  Bytes ram(uint32_t addr, size_t n) { return {mem.ram() + addr, mem.ram() + addr + n}; }

  // Entries {address, flags word}: the caller sets count and end-of-table.
  void put_prds(uint32_t at, const std::vector<std::pair<uint32_t, uint32_t>>& entries) {
    for (size_t i = 0; i < entries.size(); ++i) {
      mem.write32(static_cast<uint32_t>(at + 8 * i), entries[i].first);
      mem.write32(static_cast<uint32_t>(at + 8 * i + 4), entries[i].second);
    }
    io.write32(kBm + 4, at);
  }
  // A DMA command for `count` sectors from LBA `lba`, then the engine
  // started; `before` is RAM just before the start.
  void run_dma(uint8_t command, uint32_t lba, uint8_t count, bool to_memory) {
    io.write8(kBase + 6, 0xE0);
    io.write8(kBase + 2, count);
    io.write8(kBase + 3, static_cast<uint8_t>(lba));
    io.write8(kBase + 4, static_cast<uint8_t>(lba >> 8));
    io.write8(kBase + 5, static_cast<uint8_t>(lba >> 16));
    io.write8(kBase + 7, command);
    before = testing::snapshot(mem, kRam);
    io.write8(kBm, static_cast<uint8_t>((to_memory ? BusMaster::kCmdToMemory : 0) |
                                        BusMaster::kCmdStart));
  }
  uint8_t bm_status() { return io.read8(kBm + 2) & 0x07; }
  uint8_t status() { return io.read8(kBase + 7); }

  core::IoBus io;
  core::MemoryBus mem{testing::guarded_ram_size(kRam)};
  core::IrqLine irq14, irq15;
  Piix3Ide ide{io, mem, irq14, irq15};
  core::DiskImage* image_ = nullptr;
  int irqs = 0;
  Bytes before;
};

constexpr uint32_t kEot = 0x80000000u;

TEST_F(IdeBusMasterBoundsTest, ARegionPastTheEndOfRamTakesNoStoresAndTheCommandCompletes) {
  put_prds(kTable, {{0x00200000, 1024 | kEot}});
  run_dma(cmd::kReadDma, 5, 2, true);
  EXPECT_EQ(irqs, 1);
  EXPECT_EQ(bm_status(), BusMaster::kStatusInterrupt) << "done, no error";
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1);
}

TEST_F(IdeBusMasterBoundsTest, ARegionStraddlingTheEndOfRamFillsOnlyItsRamPart) {
  put_prds(kTable, {{0xFFE00, 1024 | kEot}});
  run_dma(cmd::kReadDma, 9, 2, true);
  EXPECT_EQ(bm_status(), BusMaster::kStatusInterrupt);
  EXPECT_EQ(ram(0xFFE00, 512), sectors(9, 1));
  EXPECT_EQ(mem.read32(0x100000), 0xFFFFFFFFu);
  EXPECT_EQ(testing::changed_outside(mem, before, 0xFFE00, kRam), -1);
}

TEST_F(IdeBusMasterBoundsTest, AWriteFromPastTheEndOfRamStoresTheOpenBusAllOnes) {
  put_prds(kTable, {{0xFFF00, 256}, {0xFFFFFF00, 256 | kEot}});  // 256 of RAM, then 256 beyond
  run_dma(cmd::kWriteDma, 7, 1, false);
  EXPECT_EQ(status(), kDrdy | kDsc);
  const Bytes got = sectors(7, 1);
  EXPECT_EQ(Bytes(got.begin(), got.begin() + 256), ram(0xFFF00, 256));
  EXPECT_EQ(Bytes(got.begin() + 256, got.end()), Bytes(256, 0xFF));
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1);
}

TEST_F(IdeBusMasterBoundsTest, ARegionAtMmioReachesTheDeviceOnlyInsideItsRange) {
  MmioRecorder dev;
  mem.map_mmio(0xFEB00000, core::kPageSize, &dev);
  // The last 256 bytes of the MMIO page, then 256 of unassigned space.
  put_prds(kTable, {{0xFEB00F00, 512 | kEot}});
  run_dma(cmd::kReadDma, 3, 1, true);
  EXPECT_EQ(status(), kDrdy | kDsc);
  const Bytes sector = sectors(3, 1);
  ASSERT_EQ(dev.writes.size(), 256u);
  for (size_t i = 0; i < dev.writes.size(); ++i) {
    EXPECT_EQ(dev.writes[i].offset, 0xF00 + i);
    EXPECT_EQ(dev.writes[i].value, sector[i]);
  }
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1);
}

TEST_F(IdeBusMasterBoundsTest, AByteCountOfZeroMovesSixtyFourKibibytes) {
  put_prds(kTable, {{0x20000, 0 | kEot}});
  run_dma(cmd::kReadDma, 100, 128, true);
  EXPECT_EQ(bm_status(), BusMaster::kStatusInterrupt) << "the table ended with the transfer";
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(ram(0x20000, 65536), sectors(100, 128));
  EXPECT_EQ(testing::changed_outside(mem, before, 0x20000, 0x30000), -1);
}

TEST_F(IdeBusMasterBoundsTest, AByteCountOfZeroAtTheEndOfRamStopsStoringThere) {
  put_prds(kTable, {{0xF8000, 0 | kEot}});  // 32 KiB of RAM, then 32 KiB past it
  run_dma(cmd::kReadDma, 200, 128, true);
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(ram(0xF8000, 0x8000), sectors(200, 64));
  EXPECT_EQ(testing::changed_outside(mem, before, 0xF8000, kRam), -1);
}

TEST_F(IdeBusMasterBoundsTest, ATableRunningOffTheEndOfRamEndsAtTheAllOnesEntryPastIt) {
  // The table's last entry in RAM lacks end-of-table; the next one, past
  // RAM, reads as all-ones: region 0xFFFFFFFE, 0xFFFE bytes, end of table.
  // Its first two bytes are past RAM too; a 32-bit address counter then
  // wraps to 0, which is guest RAM.
  put_prds(0xFFFF8, {{0x80000, 512}});
  run_dma(cmd::kReadDma, 11, 2, true);
  EXPECT_EQ(bm_status(), BusMaster::kStatusActive | BusMaster::kStatusInterrupt)
      << "a region longer than the transfer leaves the engine for the driver to stop";
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(ram(0x80000, 512), sectors(11, 1));
  const Bytes second = sectors(12, 1);
  EXPECT_EQ(ram(0, 510), Bytes(second.begin() + 2, second.end()));
  EXPECT_EQ(testing::changed_outside(mem, before, {{0, 510}, {0x80000, 0x80200}}), -1);
}

TEST_F(IdeBusMasterBoundsTest, ATableWithoutEndOfTableStopsAfterEightThousandEntries) {
  // 8192 entries of two bytes each, none the last: 16 KiB of a 32 KiB
  // read. An entry 8193 would send 512 bytes to 0x50000.
  std::vector<std::pair<uint32_t, uint32_t>> prds;
  for (uint32_t n = 0; n < 8192; ++n) prds.push_back({0x40000 + 2 * n, 2});
  prds.push_back({0x50000, 512 | kEot});
  put_prds(0x10000, prds);
  run_dma(cmd::kReadDma, 300, 64, true);
  EXPECT_EQ(bm_status() & BusMaster::kStatusActive, 0);
  EXPECT_EQ(status() & kErr, kErr) << "the transfer came up short";
  EXPECT_EQ(ram(0x40000, 0x4000), sectors(300, 32));
  EXPECT_EQ(testing::changed_outside(mem, before, 0x40000, 0x44000), -1);
}

}  // namespace
}  // namespace tx86::dev
