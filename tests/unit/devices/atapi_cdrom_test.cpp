#include "devices/storage/ata/atapi_cdrom.h"

#include <gtest/gtest.h>

#include "tests/unit/devices/ide_rig.h"

namespace tx86::dev {
namespace {

using namespace ata;

constexpr size_t kBlocks = 64;

class AtapiCdromTest : public IdeRig {
 protected:
  AtapiCdromTest() {
    auto d = std::make_unique<AtapiCdrom>(
        core::DiskImage::in_memory(pattern(kBlocks * 2048), {.read_only = true}), "CD0");
    cd_ = d.get();
    ide.channel(0).attach(1, std::move(d));
    select(1, 0);
  }

  // Sends a packet; PIO data goes in pieces of at most `limit` bytes.
  void packet(std::vector<uint8_t> p, uint16_t limit = 0xFFFE, bool dma = false) {
    p.resize(12, 0);
    io.write8(kBase + 1, dma ? 1 : 0);
    io.write8(kBase + 4, static_cast<uint8_t>(limit));
    io.write8(kBase + 5, static_cast<uint8_t>(limit >> 8));
    command(cmd::kPacket);
    EXPECT_EQ(status() & (kBsy | kDrq), kDrq);
    EXPECT_EQ(io.read8(kBase + 2) & 3, kCoD) << "the device wants the packet";
    write_data(p);
  }
  // The data of a PIO reply, piece by piece, and the status at the end.
  std::vector<uint8_t> data_in() {
    std::vector<uint8_t> all;
    while (status() & kDrq) {
      EXPECT_EQ(io.read8(kBase + 2) & 3, kIo);
      const size_t n = io.read8(kBase + 4) | io.read8(kBase + 5) << 8;
      pieces.push_back(n);
      const std::vector<uint8_t> part = read_data(n);
      all.insert(all.end(), part.begin(), part.end());
    }
    EXPECT_EQ(io.read8(kBase + 2) & 3, kIo | kCoD) << "status phase";
    return all;
  }
  // Status of a command with no data: 0 (good) or the sense key.
  int sense_key() {
    if (!(status() & kErr)) return 0;
    return error() >> 4;
  }
  void clear_attention() {
    packet({0x00});  // TEST UNIT READY: the power-on UNIT ATTENTION
    EXPECT_EQ(sense_key(), 6);
  }
  std::vector<uint8_t> blocks(size_t first, size_t n) const {
    const std::vector<uint8_t> all = pattern(kBlocks * 2048);
    return {all.begin() + static_cast<std::ptrdiff_t>(first * 2048),
            all.begin() + static_cast<std::ptrdiff_t>((first + n) * 2048)};
  }

  AtapiCdrom* cd_ = nullptr;
  std::vector<size_t> pieces;
};

TEST_F(AtapiCdromTest, IdentifyDeviceAbortsWithTheAtapiSignature) {
  command(cmd::kIdentify);
  EXPECT_EQ(status() & kErr, kErr);
  EXPECT_EQ(error() & kAbrt, kAbrt);
  EXPECT_EQ(io.read8(kBase + 4), 0x14);
  EXPECT_EQ(io.read8(kBase + 5), 0xEB);
  command(cmd::kIdentifyPacket);
  const std::vector<uint8_t> id = read_data(512);
  EXPECT_EQ(id[0] | id[1] << 8, 0x85C0);
  EXPECT_EQ(status(), kDrdy);
}

TEST_F(AtapiCdromTest, InquirySaysCdRom) {
  packet({0x12, 0, 0, 0, 36});
  const std::vector<uint8_t> d = data_in();
  ASSERT_EQ(d.size(), 36u);
  EXPECT_EQ(d[0], 0x05);
  EXPECT_EQ(d[1], 0x80);
  EXPECT_EQ(std::string(d.begin() + 16, d.begin() + 27), "TX86 CD-ROM");
  EXPECT_EQ(status(), kDrdy);
}

TEST_F(AtapiCdromTest, ADiscChangeIsReportedOnceThenTheUnitIsReady) {
  packet({0x00});
  EXPECT_EQ(sense_key(), 6);
  packet({0x03, 0, 0, 0, 18});  // REQUEST SENSE
  const std::vector<uint8_t> s = data_in();
  EXPECT_EQ(s[2], 6);
  EXPECT_EQ(s[12], 0x28);
  packet({0x00});
  EXPECT_EQ(sense_key(), 0);
}

TEST_F(AtapiCdromTest, ReadCapacityAndReadTenInPiecesOfTheByteCount) {
  clear_attention();
  packet({0x25});
  const std::vector<uint8_t> cap = data_in();
  EXPECT_EQ(cap, (std::vector<uint8_t>{0, 0, 0, kBlocks - 1, 0, 0, 8, 0}));
  pieces.clear();
  packet({0x28, 0, 0, 0, 0, 3, 0, 0, 2}, 2048);  // READ(10) LBA 3, 2 blocks
  EXPECT_EQ(data_in(), blocks(3, 2));
  EXPECT_EQ(pieces, (std::vector<size_t>{2048, 2048}));
  packet({0x28, 0, 0, 0, 0, kBlocks - 1, 0, 0, 2});
  EXPECT_EQ(sense_key(), 5) << "past the end: ILLEGAL REQUEST";
}

TEST_F(AtapiCdromTest, PacketDataByDma) {
  clear_attention();
  prd_table(0x1000, {{0x20000, 4096}});
  packet({0xA8, 0, 0, 0, 0, 10, 0, 0, 0, 2}, 0, true);  // READ(12) LBA 10, 2 blocks
  EXPECT_EQ(status() & (kBsy | kErr), 0);
  io.write8(kBm, BusMaster::kCmdToMemory | BusMaster::kCmdStart);
  std::vector<uint8_t> got(4096);
  mem.read_block(0x20000, got);
  EXPECT_EQ(got, blocks(10, 2));
  EXPECT_EQ(status(), kDrdy);
  EXPECT_EQ(io.read8(kBase + 2) & 3, kIo | kCoD);
}

TEST_F(AtapiCdromTest, TocHasOneDataTrackAndTheLeadOut) {
  clear_attention();
  packet({0x43, 0, 0, 0, 0, 0, 0, 0, 100});
  const std::vector<uint8_t> t = data_in();
  ASSERT_EQ(t.size(), 20u);
  EXPECT_EQ(t[1], 18);
  EXPECT_EQ(t[6], 1);      // track 1
  EXPECT_EQ(t[14], 0xAA);  // lead-out
  EXPECT_EQ(t[19], kBlocks);
  packet({0x43, 2, 0, 0, 0, 0, 0xAA, 0, 100});  // MSF, lead-out only
  const std::vector<uint8_t> m = data_in();
  ASSERT_EQ(m.size(), 12u);
  EXPECT_EQ(m[9], 0);   // minutes
  EXPECT_EQ(m[10], 2);  // 64 + 150 frames = 2 s 64 f
  EXPECT_EQ(m[11], 64);
}

TEST_F(AtapiCdromTest, EjectHonoursTheLockAndInsertingRaisesAttention) {
  clear_attention();
  packet({0x1E, 0, 0, 0, 1});  // PREVENT
  EXPECT_EQ(sense_key(), 0);
  packet({0x1B, 0, 0, 0, 2});  // eject
  EXPECT_EQ(sense_key(), 5);
  EXPECT_FALSE(cd_->eject());
  packet({0x1E, 0, 0, 0, 0});
  packet({0x1B, 0, 0, 0, 2});
  EXPECT_EQ(sense_key(), 0);
  EXPECT_FALSE(cd_->has_medium());
  packet({0x00});
  EXPECT_EQ(sense_key(), 2) << "NOT READY";
  packet({0x03, 0, 0, 0, 18});
  EXPECT_EQ(data_in()[12], 0x3A) << "medium not present";
  cd_->insert(core::DiskImage::in_memory(pattern(4 * 2048), {.read_only = true}));
  packet({0x25});
  EXPECT_EQ(sense_key(), 6);
  packet({0x25});
  EXPECT_EQ(data_in()[3], 3);
}

TEST_F(AtapiCdromTest, ConfigurationAndEventsDescribeACdRomDrive) {
  packet({0x46, 0, 0, 0, 0, 0, 0, 0x01, 0});
  const std::vector<uint8_t> c = data_in();
  EXPECT_EQ(c[6] << 8 | c[7], 0x0008) << "current profile CD-ROM";
  packet({0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8});
  const std::vector<uint8_t> e = data_in();
  EXPECT_EQ(e[4], 2) << "new media";
  EXPECT_EQ(e[5], 2) << "media present";
  packet({0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8});
  EXPECT_EQ(sense_key(), 5) << "asynchronous notification is not supported";
}

TEST_F(AtapiCdromTest, UnknownOpcodesAreIllegalRequests) {
  clear_attention();
  packet({0xFF});
  EXPECT_EQ(sense_key(), 5);
  packet({0x03, 0, 0, 0, 18});
  EXPECT_EQ(data_in()[12], 0x20);
}

}  // namespace
}  // namespace tx86::dev
