#include "devices/storage/ata/ata_disk.h"

#include <gtest/gtest.h>

#include "tests/unit/devices/ide_rig.h"

namespace tx86::dev {
namespace {

using namespace ata;

constexpr size_t kSectors = 2048;  // 1 MiB

class AtaDiskTest : public IdeRig {
 protected:
  AtaDiskTest() {
    auto image = core::DiskImage::in_memory(pattern(kSectors * 512));
    image_ = image.get();
    auto d = std::make_unique<AtaDisk>(std::move(image), "SERIAL42");
    disk_ = d.get();
    ide.channel(0).attach(0, std::move(d));
  }
  const std::vector<uint8_t>& bytes() const { return image_->memory(); }
  std::vector<uint8_t> sectors(uint64_t lba, size_t n) const {
    return {bytes().begin() + static_cast<std::ptrdiff_t>(lba * 512),
            bytes().begin() + static_cast<std::ptrdiff_t>((lba + n) * 512)};
  }
  static uint16_t word(const std::vector<uint8_t>& id, unsigned w) {
    return static_cast<uint16_t>(id[2 * w] | id[2 * w + 1] << 8);
  }

  core::DiskImage* image_ = nullptr;
  AtaDisk* disk_ = nullptr;
};

TEST_F(AtaDiskTest, ResetLeavesTheAtaSignatureAndAReadyDisk) {
  io.write8(kControl, kSrst);
  io.write8(kControl, 0);
  EXPECT_EQ(io.read8(kBase + 2), 1);
  EXPECT_EQ(io.read8(kBase + 3), 1);
  EXPECT_EQ(io.read8(kBase + 4), 0);
  EXPECT_EQ(io.read8(kBase + 5), 0);
  EXPECT_EQ(error(), 0x01);
  EXPECT_EQ(status(), kDrdy | kDsc);
}

TEST_F(AtaDiskTest, IdentifyDescribesTheDiskConsistently) {
  select(0);
  command(cmd::kIdentify);
  EXPECT_EQ(status(), kDrdy | kDsc | kDrq);
  EXPECT_EQ(irqs, 1);
  const std::vector<uint8_t> id = read_data(512);
  EXPECT_EQ(status(), kDrdy | kDsc);
  const ChsGeometry g = default_geometry(kSectors);
  EXPECT_EQ(word(id, 1), g.cylinders);
  EXPECT_EQ(word(id, 3), 16);
  EXPECT_EQ(word(id, 6), 63);
  EXPECT_EQ(word(id, 60) | word(id, 61) << 16, kSectors);
  EXPECT_EQ(word(id, 100), kSectors);
  EXPECT_TRUE(word(id, 83) & (1u << 10)) << "48-bit addresses";
  EXPECT_EQ(word(id, 27), 'T' << 8 | 'X');  // strings have their bytes swapped
  EXPECT_EQ(word(id, 10), 'S' << 8 | 'E');
  uint8_t sum = 0;
  for (uint8_t b : id) sum = static_cast<uint8_t>(sum + b);
  EXPECT_EQ(sum, 0) << "integrity word";
  EXPECT_EQ(id[510], 0xA5);
}

TEST_F(AtaDiskTest, ReadSectorsInterruptsOncePerSector) {
  lba28(100, 3);
  command(cmd::kReadSectors);
  std::vector<uint8_t> got;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(status() & (kBsy | kDrq), kDrq);
    EXPECT_EQ(irqs, i + 1);
    const std::vector<uint8_t> s = read_data(512);
    got.insert(got.end(), s.begin(), s.end());
  }
  EXPECT_EQ(got, sectors(100, 3));
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(irqs, 3) << "no interrupt after the last block of a read";
  EXPECT_EQ(io.read8(kBase + 3), 102) << "the task file names the last sector";
}

TEST_F(AtaDiskTest, ThirtyTwoBitDataAccessesMoveFourBytes) {
  lba28(7, 1);
  command(cmd::kReadSectors);
  std::vector<uint8_t> got;
  for (int i = 0; i < 128; ++i) {
    const uint32_t v = io.read32(kBase);
    for (int b = 0; b < 4; ++b) got.push_back(static_cast<uint8_t>(v >> (8 * b)));
  }
  EXPECT_EQ(got, sectors(7, 1));
}

// REP INS's runs (IoHandler::io_read_string): a run stops at the end of a
// block, whose last read moves the command on as a single read's does
// (the next sector and its interrupt); other ports and a data port with
// nothing to read hand over none.
TEST_F(AtaDiskTest, DataRunsStopAtEachBlocksEnd) {
  std::vector<uint8_t> buf(4096, 0xEE);
  EXPECT_EQ(io.read_string(kBase, 2, buf.data(), 256), 0u) << "no command: no data";
  lba28(40, 2);
  command(cmd::kReadSectors);
  EXPECT_EQ(io.read_string(kBase + 7, 1, buf.data(), 4), 0u) << "only the data port runs";
  EXPECT_EQ(status() & (kBsy | kDrq), kDrq);  // (and the interrupt acknowledged)
  EXPECT_EQ(io.read_string(kBase, 2, buf.data(), 100), 100u);
  EXPECT_EQ(io.read_string(kBase, 2, buf.data() + 200, 1000), 156u) << "to the block's end";
  EXPECT_EQ(irqs, 2) << "the second sector's";
  EXPECT_EQ(status() & (kBsy | kDrq), kDrq);
  EXPECT_EQ(io.read_string(kBase, 4, buf.data() + 512, 1000), 128u);
  EXPECT_EQ(std::vector<uint8_t>(buf.begin(), buf.begin() + 1024), sectors(40, 2));
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(buf[1024], 0xEE);
}

TEST_F(AtaDiskTest, WriteSectorsAsksForTheFirstBlockWithoutAnInterrupt) {
  lba28(5, 2);
  command(cmd::kWriteSectors);
  EXPECT_EQ(status() & kDrq, kDrq);
  EXPECT_EQ(irqs, 0);
  const std::vector<uint8_t> first(512, 0x11), second(512, 0x22);
  write_data(first);
  EXPECT_EQ(irqs, 1);
  EXPECT_EQ(status() & kDrq, kDrq);  // (acknowledges, as the driver's handler)
  write_data(second);
  EXPECT_EQ(irqs, 2);
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(sectors(5, 1), first);
  EXPECT_EQ(sectors(6, 1), second);
  const std::vector<uint8_t> original = pattern(kSectors * 512);
  EXPECT_TRUE(
      std::equal(original.begin() + 7 * 512, original.begin() + 8 * 512, bytes().begin() + 7 * 512))
      << "the sector after is untouched";
}

TEST_F(AtaDiskTest, MultipleModeMovesBlocksPerInterrupt) {
  io.write8(kBase + 2, 4);
  select(0);
  command(cmd::kSetMultiple);
  EXPECT_EQ(status(), kDrdy | kDsc);
  irqs = 0;
  lba28(10, 8);
  command(cmd::kReadMultiple);
  status();
  EXPECT_EQ(read_data(4 * 512), sectors(10, 4));
  status();
  EXPECT_EQ(read_data(4 * 512), sectors(14, 4));
  EXPECT_EQ(irqs, 2);
  io.write8(kBase + 2, 3);
  command(cmd::kSetMultiple);
  EXPECT_EQ(status() & kErr, kErr) << "not a power of two";
}

TEST_F(AtaDiskTest, Lba48UsesTheHighOrderBytes) {
  // Sector count 0x0002, LBA 0x0000'0000'0140, written high bytes first.
  io.write8(kBase + 2, 0x00);
  io.write8(kBase + 2, 0x02);
  io.write8(kBase + 3, 0x00);
  io.write8(kBase + 3, 0x40);
  io.write8(kBase + 4, 0x00);
  io.write8(kBase + 4, 0x01);
  io.write8(kBase + 5, 0x00);
  io.write8(kBase + 5, 0x00);
  select(0);
  command(cmd::kReadSectorsExt);
  EXPECT_EQ(read_data(1024), sectors(0x140, 2));
  io.write8(kControl, kHob);
  EXPECT_EQ(io.read8(kBase + 3), 0x00) << "HOB reads the previous byte";
  io.write8(kControl, 0);
  EXPECT_EQ(io.read8(kBase + 3), 0x41);
  // A sector past the end, through the high-order byte.
  io.write8(kBase + 3, 0x01);
  io.write8(kBase + 3, 0x00);
  io.write8(kBase + 2, 0);
  io.write8(kBase + 2, 1);
  command(cmd::kReadSectorsExt);
  EXPECT_EQ(status() & (kErr | kDrq), kErr);
  EXPECT_EQ(error(), kIdnf);
}

TEST_F(AtaDiskTest, SectorsPastTheEndAreRefusedWithIdnf) {
  const std::vector<uint8_t> before = bytes();
  lba28(kSectors - 1, 2);
  command(cmd::kWriteSectors);
  EXPECT_EQ(status(), kDrdy | kDsc | kErr);
  EXPECT_EQ(error(), kIdnf);
  write_data(std::vector<uint8_t>(1024, 0xEE));
  EXPECT_EQ(bytes(), before);
}

TEST_F(AtaDiskTest, ChsAddressesFollowTheGeometryTheHostSet) {
  // 4 heads, 17 sectors per track; C/H/S 3/2/5 is LBA (3*4+2)*17+4.
  io.write8(kBase + 2, 17);
  io.write8(kBase + 6, 0xA0 | 3);
  command(cmd::kInitializeParams);
  EXPECT_EQ(status(), kDrdy | kDsc);
  io.write8(kBase + 2, 1);
  io.write8(kBase + 3, 5);
  io.write8(kBase + 4, 3);
  io.write8(kBase + 5, 0);
  io.write8(kBase + 6, 0xA0 | 2);
  command(cmd::kReadSectors);
  EXPECT_EQ(read_data(512), sectors((3 * 4 + 2) * 17 + 4, 1));
  io.write8(kBase + 3, 18);  // no sector 18 on a 17-sector track
  command(cmd::kReadSectors);
  EXPECT_EQ(error(), kIdnf);
}

TEST_F(AtaDiskTest, NienMasksTheInterruptLine) {
  io.write8(kControl, kNien);
  lba28(0, 1);
  command(cmd::kReadSectors);
  EXPECT_EQ(irqs, 0);
  EXPECT_FALSE(irq14.level());
  io.write8(kControl, 0);
  EXPECT_TRUE(irq14.level()) << "the request was pending";
  status();
  EXPECT_FALSE(irq14.level()) << "reading status acknowledges it";
}

TEST_F(AtaDiskTest, DmaReadAndWriteFollowThePrdTable) {
  // Two regions for three sectors: 1024 bytes at 0x20000, 512 at 0x30000.
  prd_table(0x1000, {{0x20000, 1024}, {0x30000, 512}});
  lba28(40, 3);
  command(cmd::kReadDma);
  EXPECT_EQ(irqs, 0) << "waits for the bus master";
  io.write8(kBm, BusMaster::kCmdToMemory | BusMaster::kCmdStart);
  EXPECT_EQ(irqs, 1);
  EXPECT_EQ(io.read8(kBm + 2) & 0x07, BusMaster::kStatusInterrupt) << "done: interrupt, not active";
  std::vector<uint8_t> got(1536);
  mem.read_block(0x20000, std::span(got).first(1024));
  mem.read_block(0x30000, std::span(got).subspan(1024));
  EXPECT_EQ(got, sectors(40, 3));
  EXPECT_EQ(status(), kDrdy | kDsc);
  io.write8(kBm, 0);
  io.write8(kBm + 2, BusMaster::kStatusInterrupt);  // write 1 to clear
  EXPECT_EQ(io.read8(kBm + 2) & 0x07, 0);

  const std::vector<uint8_t> data(1024, 0x5C);
  mem.write_block(0x40000, data);
  prd_table(0x1000, {{0x40000, 1024}});
  lba28(60, 2);
  command(cmd::kWriteDma);
  io.write8(kBm, BusMaster::kCmdStart);
  EXPECT_EQ(sectors(60, 2), data);
  EXPECT_EQ(status(), kDrdy | kDsc);
}

TEST_F(AtaDiskTest, AShortPrdTableEndsTheCommandInError) {
  prd_table(0x1000, {{0x20000, 512}});
  lba28(0, 2);
  command(cmd::kReadDma);
  io.write8(kBm, BusMaster::kCmdToMemory | BusMaster::kCmdStart);
  EXPECT_EQ(io.read8(kBm + 2) & BusMaster::kStatusActive, 0);
  EXPECT_EQ(status() & kErr, kErr);
}

TEST_F(AtaDiskTest, TransferModeShowsInIdentify) {
  io.write8(kBase + 1, 0x03);
  io.write8(kBase + 2, 0x42);  // UDMA 2
  select(0);
  command(cmd::kSetFeatures);
  EXPECT_EQ(status(), kDrdy | kDsc);
  command(cmd::kIdentify);
  const std::vector<uint8_t> id = read_data(512);
  EXPECT_EQ(word(id, 88), 0x043F);
  io.write8(kBase + 1, 0x03);
  io.write8(kBase + 2, 0x47);  // no UDMA 7
  command(cmd::kSetFeatures);
  EXPECT_EQ(error(), kAbrt);
}

TEST_F(AtaDiskTest, PacketCommandsAbortOnADisk) {
  select(0);
  command(cmd::kIdentifyPacket);
  EXPECT_EQ(status(), kDrdy | kDsc | kErr);
  EXPECT_EQ(error(), kAbrt);
  command(cmd::kFlushCache);
  EXPECT_EQ(status(), kDrdy | kDsc);
}

TEST_F(AtaDiskTest, AnAbsentSlaveReadsStatusZeroButKeepsItsRegisters) {
  select(1);
  EXPECT_EQ(status(), 0);
  EXPECT_EQ(alt_status(), 0);
  io.write8(kBase + 2, 0x55);
  EXPECT_EQ(io.read8(kBase + 2), 0x55);
  command(cmd::kIdentify);
  EXPECT_EQ(status(), 0);
  EXPECT_EQ(irqs, 0);
}

TEST(IdeChannelTest, AnEmptyChannelReadsZero) {
  core::IoBus io;
  core::MemoryBus mem(1 << 20);
  core::IrqLine a, b;
  Piix3Ide ide{io, mem, a, b};
  EXPECT_EQ(io.read8(0x177), 0);
  io.write8(0x172, 0x55);
  EXPECT_EQ(io.read8(0x172), 0);
  EXPECT_EQ(io.read8(0x376), 0);
}

TEST(AtaGeometryTest, DefaultGeometryFitsTheCapacity) {
  EXPECT_EQ(default_geometry(16 * 63 * 100).cylinders, 100u);
  EXPECT_EQ(default_geometry(1ull << 30).cylinders, 16383u) << "capped";
  EXPECT_EQ(default_geometry(10).cylinders, 1u);
}

}  // namespace
}  // namespace tx86::dev
