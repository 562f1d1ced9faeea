// The ATAPI CD-ROM (atapi_cdrom.cpp, mmc_commands.cpp) against
// guest-controlled numbers: READ(10), READ(12) and READ CD of blocks wholly
// past the end of the disc or whose LBA + count overflows 32 bits (CHECK
// CONDITION, ILLEGAL REQUEST, LBA out of range; by DMA nothing moves),
// allocation lengths larger than the reply (only the reply is sent), the
// byte count limit in the cylinder registers at 0 and odd values, and the
// host reading more data than a transfer holds, word by word and as a
// string (REP INSW's run). A READ(10) that runs across the end and the
// ordinary limits are atapi_cdrom_test.cpp's.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "devices/storage/ata/atapi_cdrom.h"
#include "devices/storage/ata/bus_master.h"
#include "tests/unit/devices/ide_rig.h"

namespace tx86::dev {
namespace {

using namespace ata;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kBlocks = 64;
constexpr uint8_t kIllegalRequest = 5;
constexpr uint8_t kAscLbaOutOfRange = 0x21;

class AtapiBoundsTest : public IdeRig {
 protected:
  AtapiBoundsTest() {
    ide.channel(0).attach(
        1, std::make_unique<AtapiCdrom>(
               core::DiskImage::in_memory(pattern(kBlocks * 2048), {.read_only = true}), "CD0"));
    select(1, 0);
    packet({0x00});  // TEST UNIT READY: takes the power-on UNIT ATTENTION
  }

  void packet(Bytes p, uint16_t limit = 0xFFFE, bool dma = false) {
    p.resize(12, 0);
    io.write8(kBase + 1, dma ? 1 : 0);
    io.write8(kBase + 4, static_cast<uint8_t>(limit));
    io.write8(kBase + 5, static_cast<uint8_t>(limit >> 8));
    command(cmd::kPacket);
    write_data(p);
  }
  size_t byte_count() { return io.read8(kBase + 4) | io.read8(kBase + 5) << 8; }
  // The PIO reply piece by piece, each read in words as drivers do (an odd
  // piece's last word carries one byte).
  Bytes data_in() {
    Bytes all;
    while (status() & kDrq) {
      const size_t n = byte_count();
      pieces.push_back(n);
      const Bytes part = read_data(n + (n & 1));
      all.insert(all.end(), part.begin(), part.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return all;
  }
  // 0 (good) or the sense key of a command that has ended.
  int sense_key() { return (status() & kErr) ? error() >> 4 : 0; }
  // The additional sense code REQUEST SENSE reports.
  uint8_t asc() {
    packet({0x03, 0, 0, 0, 18});
    const Bytes sense = data_in();
    return sense.size() > 12 ? sense[12] : 0xEE;
  }
  void expect_lba_out_of_range(const Bytes& cdb) {
    packet(cdb);
    EXPECT_EQ(status() & (kDrq | kErr), kErr) << "no data phase";
    EXPECT_EQ(sense_key(), kIllegalRequest);
    EXPECT_EQ(asc(), kAscLbaOutOfRange);
  }

  std::vector<size_t> pieces;
};

TEST_F(AtapiBoundsTest, ReadsWhollyPastTheEndOfTheDiscAreLbaOutOfRange) {
  expect_lba_out_of_range({0x28, 0, 0, 0, 0, kBlocks, 0, 0, 1});         // READ(10)
  expect_lba_out_of_range({0x28, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1});   // READ(10), LBA max
  expect_lba_out_of_range({0xA8, 0, 0, 0, 0, kBlocks + 5, 0, 0, 0, 1});  // READ(12)
  expect_lba_out_of_range({0xBE, 0, 0, 0, 0, kBlocks, 0, 0, 1, 0x10});   // READ CD
}

TEST_F(AtapiBoundsTest, ALbaPlusCountThatOverflowsThirtyTwoBitsIsRefused) {
  expect_lba_out_of_range({0xA8, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 2});   // LBA max, 2
  expect_lba_out_of_range({0xA8, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF});   // count max
  expect_lba_out_of_range({0x28, 0, 0, 0, 0, kBlocks - 1, 0, 0xFF, 0xFF});  // count 65535
  expect_lba_out_of_range({0xBE, 0, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0x10});   // READ CD
}

TEST_F(AtapiBoundsTest, ADmaReadPastTheEndAsksNothingOfTheBusMaster) {
  prd_table(0x1000, {{0x20000, 4096}});
  const Bytes before(mem.ram(), mem.ram() + (1 << 20));
  packet({0xA8, 0, 0, 0, 0, kBlocks - 1, 0, 0, 0, 2}, 0, true);
  EXPECT_EQ(sense_key(), kIllegalRequest);
  io.write8(kBm, BusMaster::kCmdToMemory | BusMaster::kCmdStart);
  EXPECT_EQ(io.read8(kBm + 2) & BusMaster::kStatusActive, BusMaster::kStatusActive)
      << "no device request: the engine waits";
  EXPECT_EQ(Bytes(mem.ram(), mem.ram() + (1 << 20)), before);
  io.write8(kBm, 0);
}

TEST_F(AtapiBoundsTest, AllocationLengthsLargerThanTheReplySendOnlyTheReply) {
  packet({0x12, 0, 0, 0xFF, 0xFF});  // INQUIRY, 65535
  EXPECT_EQ(data_in().size(), 36u);
  EXPECT_EQ(status() & (kDrq | kErr), 0);
  packet({0x03, 0, 0, 0, 0xFF});  // REQUEST SENSE, 255
  EXPECT_EQ(data_in().size(), 18u);
  packet({0x5A, 0, 0x3F, 0, 0, 0, 0, 0xFF, 0xFF});  // MODE SENSE(10), all pages, 65535
  const Bytes modes = data_in();
  ASSERT_GE(modes.size(), 2u);
  EXPECT_EQ(modes.size(), (modes[0] << 8 | modes[1]) + 2u) << "its own length field";
  packet({0x43, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF});  // READ TOC, 65535
  EXPECT_EQ(data_in().size(), 20u);
  packet({0x12, 0, 0, 0, 5});  // and a smaller one cuts the reply
  EXPECT_EQ(data_in().size(), 5u);
}

TEST_F(AtapiBoundsTest, AByteCountLimitOfZeroMeansTheLargestEvenPiece) {
  const Bytes disc = pattern(kBlocks * 2048);
  packet({0x28, 0, 0, 0, 0, 0, 0, 0, 40}, 0);  // 80 KiB
  EXPECT_EQ(data_in(), Bytes(disc.begin(), disc.begin() + 40 * 2048));
  EXPECT_EQ(pieces, (std::vector<size_t>{0xFFFE, 40 * 2048 - 0xFFFE}));
}

TEST_F(AtapiBoundsTest, OddByteCountLimitsGiveEvenPiecesButTheLast) {
  packet({0x28, 0, 0, 0, 0, 0, 0, 0, 2}, 2049);
  EXPECT_EQ(data_in().size(), 4096u);
  EXPECT_EQ(pieces, (std::vector<size_t>{2048, 2048}));
  pieces.clear();
  packet({0x12, 0, 0, 0, 36}, 1);  // a limit of 1 still moves words
  EXPECT_EQ(data_in().size(), 36u);
  EXPECT_EQ(pieces, std::vector<size_t>(18, 2));
  pieces.clear();
  packet({0x03, 0, 0, 0, 17}, 3);  // 17 bytes: eight words, then the odd byte
  EXPECT_EQ(data_in().size(), 17u);
  std::vector<size_t> want(8, 2);
  want.push_back(1);
  EXPECT_EQ(pieces, want);
  EXPECT_EQ(status() & (kDrq | kErr), 0);
}

TEST_F(AtapiBoundsTest, ReadingMoreWordsThanTheTransferHoldsReadsZerosAndChangesNothing) {
  packet({0x12, 0, 0, 0, 36});
  EXPECT_EQ(byte_count(), 36u);
  read_data(36);
  EXPECT_EQ(status() & (kDrq | kErr), 0);
  EXPECT_EQ(io.read8(kBase + 2) & 3, kIo | kCoD) << "status phase";
  for (int i = 0; i < 64; ++i) EXPECT_EQ(io.read16(kBase), 0);
  EXPECT_EQ(io.read32(kBase), 0u);
  EXPECT_EQ(status() & (kDrq | kErr), 0);
  packet({0x00});
  EXPECT_EQ(sense_key(), 0) << "the drive still takes commands";
}

TEST_F(AtapiBoundsTest, AStringReadStopsAtTheEndOfTheTransfer) {
  packet({0x12, 0, 0, 0, 36});
  Bytes buffer(4096, 0xCC);
  EXPECT_EQ(io.read_string(kBase, 2, buffer.data(), 2048), 18u) << "only the 36 bytes there are";
  EXPECT_EQ(std::count(buffer.begin() + 36, buffer.end(), 0xCC), 4096 - 36);
  EXPECT_EQ(status() & kDrq, 0);
  EXPECT_EQ(io.read_string(kBase, 2, buffer.data(), 2048), 0u) << "nothing left";

  // 18 bytes do not split into dwords: the run leaves them to single reads.
  packet({0x03, 0, 0, 0, 18});
  EXPECT_EQ(io.read_string(kBase, 4, buffer.data(), 1024), 0u);
  for (int i = 0; i < 4; ++i) io.read32(kBase);
  EXPECT_EQ(status() & kDrq, kDrq) << "two bytes left";
  EXPECT_EQ(io.read32(kBase) >> 16, 0u) << "the last dword carries the two bytes there are";
  EXPECT_EQ(status() & kDrq, 0);
}

}  // namespace
}  // namespace tx86::dev
