// The host's I/O errors on a disk image reach the guest as ATA errors: a
// read the file cannot serve (it shrank under tx86) ends in ERR with UNC,
// a write the host refuses (past a file-size limit, as on a full disk)
// in ERR with ABRT, by PIO and by DMA, and the image keeps what it had.
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "devices/storage/ata/ata_disk.h"
#include "tests/unit/devices/ide_rig.h"

namespace tx86::dev {
namespace {

using namespace ata;
namespace fs = std::filesystem;

constexpr size_t kImageBytes = 1 << 20;

class AtaHostErrorsTest : public IdeRig {
 protected:
  AtaHostErrorsTest() {
    path_ = fs::temp_directory_path() / ("tx86-ata-errors-" + std::to_string(::getpid()) + ".img");
    std::ofstream(path_, std::ios::binary) << std::string(kImageBytes, '\x11');
    ide.channel(0).attach(0, std::make_unique<AtaDisk>(core::DiskImage::open(path_, {}), "E"));
  }
  ~AtaHostErrorsTest() override { fs::remove(path_); }

  std::vector<uint8_t> file_sector(uint64_t lba) const {
    std::ifstream in(path_, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(lba * 512));
    std::vector<uint8_t> out(512);
    in.read(reinterpret_cast<char*>(out.data()), 512);
    return out;
  }

  fs::path path_;
};

// A file-size limit for the test's length, with SIGXFSZ ignored as tx86's
// main() ignores it.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  void (*old_handler_)(int) = nullptr;
};

TEST_F(AtaHostErrorsTest, AReadTheFileCannotServeEndsInUnc) {
  fs::resize_file(path_, kImageBytes / 2);  // shrank under tx86
  lba28(1500, 1);
  command(cmd::kReadSectors);
  EXPECT_EQ(status(), kDrdy | kDsc | kErr);
  EXPECT_EQ(error(), kUnc);
  EXPECT_EQ(io.read8(kBase + 3), 1500 & 0xFF) << "the task file names the sector that failed";
  lba28(10, 1);
  command(cmd::kReadSectors);
  EXPECT_EQ(status() & (kErr | kDrq), kDrq) << "the sectors the file still has read";
  EXPECT_EQ(read_data(512), std::vector<uint8_t>(512, 0x11));
}

TEST_F(AtaHostErrorsTest, AWriteTheHostRefusesEndsInAbrtByPio) {
  const FileSizeLimit limit(kImageBytes / 2);
  lba28(1500, 1);
  command(cmd::kWriteSectors);
  write_data(std::vector<uint8_t>(512, 0x5A));
  EXPECT_EQ(status(), kDrdy | kDsc | kErr);
  EXPECT_EQ(error(), kAbrt);
  EXPECT_EQ(file_sector(1500), std::vector<uint8_t>(512, 0x11));
  lba28(10, 1);  // below the limit: written
  command(cmd::kWriteSectors);
  write_data(std::vector<uint8_t>(512, 0x5A));
  EXPECT_EQ(status(), kDrdy | kDsc);
  EXPECT_EQ(file_sector(10), std::vector<uint8_t>(512, 0x5A));
}

TEST_F(AtaHostErrorsTest, AWriteTheHostRefusesEndsInAbrtByDma) {
  const FileSizeLimit limit(kImageBytes / 2);
  for (uint32_t i = 0; i < 1024; ++i) mem.write8(0x10000 + i, 0x77);
  prd_table(0x8000, {{0x10000, 1024}});
  lba28(1500, 2);
  command(cmd::kWriteDma);
  io.write8(kBm, BusMaster::kCmdStart);  // memory to disk
  EXPECT_EQ(status() & kErr, kErr);
  EXPECT_EQ(error(), kAbrt);
  EXPECT_EQ(file_sector(1500), std::vector<uint8_t>(512, 0x11));
}

}  // namespace
}  // namespace tx86::dev
