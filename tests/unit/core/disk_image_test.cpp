#include "core/storage/disk_image.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/machine/user_error.h"

namespace tx86::core {
namespace {

namespace fs = std::filesystem;

class DiskImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tx86-disk-image-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path make_file(const std::string& name, size_t size) {
    const fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary);
    for (size_t i = 0; i < size; ++i) out.put(static_cast<char>(i * 7 + 1));
    return p;
  }
  static std::vector<uint8_t> contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path dir_;
};

TEST_F(DiskImageTest, BadFilesAreOneLineErrors) {
  EXPECT_THROW(DiskImage::open(dir_ / "missing.img", {}), UserError);
  EXPECT_THROW(DiskImage::open(make_file("empty.img", 0), {}), UserError);
  EXPECT_THROW(DiskImage::open(dir_, {}), UserError);
}

TEST_F(DiskImageTest, WritesReachTheFile) {
  const fs::path p = make_file("disk.img", 4096);
  {
    auto image = DiskImage::open(p, {});
    EXPECT_EQ(image->size(), 4096u);
    const std::vector<uint8_t> data(600, 0xAB);
    ASSERT_TRUE(image->write(100, data));
    ASSERT_TRUE(image->flush());
    std::vector<uint8_t> back(600);
    ASSERT_TRUE(image->read(100, back));
    EXPECT_EQ(back, data);
    EXPECT_FALSE(image->write(4000, data)) << "past the end";
    EXPECT_FALSE(image->read(4096, std::span<uint8_t>(back).first(1)));
  }
  const std::vector<uint8_t> bytes = contents(p);
  EXPECT_EQ(bytes[99], static_cast<uint8_t>(99 * 7 + 1));
  EXPECT_EQ(bytes[100], 0xAB);
  EXPECT_EQ(bytes[699], 0xAB);
  EXPECT_EQ(bytes[700], static_cast<uint8_t>(700 * 7 + 1));
}

TEST_F(DiskImageTest, SnapshotKeepsTheFileAndReadsBackItsWrites) {
  const fs::path p = make_file("disk.img", 8192);
  const std::vector<uint8_t> before = contents(p);
  {
    auto image = DiskImage::open(p, {.snapshot = true});
    // Sectors written in part, whole, and across a boundary.
    const std::vector<uint8_t> data(700, 0x5A);
    ASSERT_TRUE(image->write(300, data));
    ASSERT_TRUE(image->write(2048, std::vector<uint8_t>(512, 0x11)));
    ASSERT_TRUE(image->flush());
    std::vector<uint8_t> all(8192);
    ASSERT_TRUE(image->read(0, all));
    for (size_t i = 0; i < all.size(); ++i) {
      uint8_t expect = before[i];
      if (i >= 300 && i < 1000) expect = 0x5A;
      if (i >= 2048 && i < 2560) expect = 0x11;
      ASSERT_EQ(all[i], expect) << "byte " << i;
    }
  }
  EXPECT_EQ(contents(p), before);
}

TEST_F(DiskImageTest, ReadOnlyRefusesWrites) {
  const fs::path p = make_file("cd.iso", 4096);
  auto image = DiskImage::open(p, {.read_only = true});
  EXPECT_FALSE(image->write(0, std::vector<uint8_t>(16, 0)));
  EXPECT_EQ(contents(p)[0], 1);
}

TEST_F(DiskImageTest, AWritableImageIsLockedAgainstASecondUser) {
  const fs::path p = make_file("disk.img", 4096);
  auto first = DiskImage::open(p, {});
  EXPECT_THROW(DiskImage::open(p, {}), UserError);
  EXPECT_THROW(DiskImage::open(p, {.read_only = true}), UserError);
  first.reset();
  auto reader1 = DiskImage::open(p, {.read_only = true});
  auto reader2 = DiskImage::open(p, {.snapshot = true});  // readers share
  EXPECT_THROW(DiskImage::open(p, {}), UserError);
}

}  // namespace
}  // namespace tx86::core
