#include "core/firmware/bios_image.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/machine/user_error.h"

namespace tx86::core {
namespace {

std::vector<uint8_t> image_of(size_t size) {
  std::vector<uint8_t> v(size);
  for (size_t i = 0; i < size; ++i) v[i] = static_cast<uint8_t>(i * 7 + 3);
  return v;
}

TEST(BiosImage, SmallImageEndsAtFourGigabytesAndAtOneMegabyte) {
  MemoryBus bus(1 << 20);
  const auto img = image_of(64 << 10);
  map_bios(bus, img);
  EXPECT_EQ(bus.read8(0xFFFFFFF0), img[img.size() - 16]);
  EXPECT_EQ(bus.read8(0xFFFF0), img[img.size() - 16]);
  EXPECT_EQ(bus.read8(0xF0000), img[0]);
  EXPECT_EQ(bus.read8(0xFFFF0000), img[0]);
  EXPECT_EQ(bus.read8(0xEFFFF), 0xFF);  // below the alias: unassigned
}

TEST(BiosImage, LargeImageHasOnlyItsLast128KiBBelowOneMegabyte) {
  MemoryBus bus(1 << 20);
  const auto img = image_of(256 << 10);
  map_bios(bus, img);
  EXPECT_EQ(bus.read8(0xFFFC0000), img[0]);
  EXPECT_EQ(bus.read8(0xE0000), img[128 << 10]);
  EXPECT_EQ(bus.read8(0xFFFFF), img.back());
  EXPECT_EQ(bus.read8(0xDFFFF), 0xFF);
}

TEST(BiosImage, OddSizedImageIsAlignedToItsEnd) {
  MemoryBus bus(1 << 20);
  const auto img = image_of(100);
  map_bios(bus, img);
  EXPECT_EQ(bus.read8(0xFFFFFFFF), img.back());
  EXPECT_EQ(bus.read8(0x100000 - 100), img[0]);
  EXPECT_EQ(bus.read8(0x100000 - 101), 0xFF);  // padding
}

TEST(BiosImage, FileProblemsAreUserErrorsNamingTheFile) {
  const std::string missing = ::testing::TempDir() + "/no-such-bios.bin";
  try {
    read_bios_file(missing);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-bios.bin"), std::string::npos);
  }
  const std::string empty = ::testing::TempDir() + "/empty-bios.bin";
  { std::ofstream f(empty); }
  EXPECT_THROW(read_bios_file(empty), UserError);
  EXPECT_THROW(read_bios_file(::testing::TempDir()), UserError);  // a directory
  std::remove(empty.c_str());
}

TEST(BiosImage, OversizedFileIsRefused) {
  const std::string big = ::testing::TempDir() + "/big-bios.bin";
  {
    std::ofstream f(big, std::ios::binary);
    f.seekp(static_cast<std::streamoff>(kMaxBiosSize));
    f.put(0);
  }
  EXPECT_THROW(read_bios_file(big), UserError);
  std::remove(big.c_str());
}

}  // namespace
}  // namespace tx86::core
