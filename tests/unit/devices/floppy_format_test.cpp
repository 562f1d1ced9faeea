// Image sizes name their format: geometry, data rate and CMOS drive type.
#include "devices/storage/floppy/floppy_format.h"

#include <gtest/gtest.h>

#include <memory>

#include "core/machine/user_error.h"
#include "core/storage/disk_image.h"
#include "devices/storage/floppy/floppy_drive.h"

namespace tx86::dev {
namespace {

struct Expected {
  uint64_t bytes;
  uint8_t cylinders, heads, sectors;
  FloppyDataRate rate;
  uint8_t cmos_type;
};

TEST(FloppyFormat, EachStandardSizeGivesItsGeometryRateAndDriveType) {
  using enum FloppyDataRate;
  const Expected expected[] = {
      {163'840, 40, 1, 8, k250Kbps, 1},    {184'320, 40, 1, 9, k300Kbps, 1},
      {327'680, 40, 2, 8, k250Kbps, 1},    {368'640, 40, 2, 9, k300Kbps, 1},
      {737'280, 80, 2, 9, k250Kbps, 3},    {1'228'800, 80, 2, 15, k500Kbps, 2},
      {1'474'560, 80, 2, 18, k500Kbps, 4}, {1'720'320, 80, 2, 21, k500Kbps, 4},
      {1'763'328, 82, 2, 21, k500Kbps, 4}, {2'949'120, 80, 2, 36, k1Mbps, 5},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.bytes);
    const std::optional<FloppyFormat> f = floppy_format_for_size(e.bytes);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->cylinders, e.cylinders);
    EXPECT_EQ(f->heads, e.heads);
    EXPECT_EQ(f->sectors, e.sectors);
    EXPECT_EQ(f->rate, e.rate);
    EXPECT_EQ(f->cmos_type, e.cmos_type);
    EXPECT_EQ(f->bytes(), e.bytes);
  }
  EXPECT_EQ(floppy_formats().size(), std::size(expected));
}

TEST(FloppyFormat, DataRateCodesAreTheDsrEncoding) {
  EXPECT_EQ(static_cast<int>(FloppyDataRate::k500Kbps), 0);
  EXPECT_EQ(static_cast<int>(FloppyDataRate::k300Kbps), 1);
  EXPECT_EQ(static_cast<int>(FloppyDataRate::k250Kbps), 2);
  EXPECT_EQ(static_cast<int>(FloppyDataRate::k1Mbps), 3);
}

TEST(FloppyFormat, OtherSizesAreNoFormat) {
  EXPECT_FALSE(floppy_format_for_size(0).has_value());
  EXPECT_FALSE(floppy_format_for_size(1'474'560 + 512).has_value());
  EXPECT_FALSE(floppy_format_for_size(1'474'559).has_value());
  EXPECT_FALSE(floppy_format_for_size(10ull << 20).has_value());
}

TEST(FloppyFormat, SizeErrorNamesTheImageAndEveryFormat) {
  EXPECT_EQ(floppy_size_error("disk.img", 1000),
            "floppy image disk.img has 1000 bytes, which is no floppy format (160K, 180K, 320K, "
            "360K, 720K, 1.2M, 1.44M, 1.68M, 1.72M, 2.88M)");
}

TEST(FloppyDrive, RefusesAnImageOfNoFloppySize) {
  FloppyDrive drive;
  EXPECT_THROW(drive.insert(core::DiskImage::in_memory(std::vector<uint8_t>(1000))),
               core::UserError);
  EXPECT_FALSE(drive.has_medium());
}

TEST(FloppyDrive, KnowsTheMediumItHolds) {
  FloppyDrive drive;
  EXPECT_TRUE(drive.write_protected());  // nothing inserted: no write-enable tab
  drive.insert(core::DiskImage::in_memory(std::vector<uint8_t>(737'280)));
  ASSERT_TRUE(drive.format().has_value());
  EXPECT_EQ(drive.format()->name, "720K");
  EXPECT_FALSE(drive.write_protected());
  std::unique_ptr<core::DiskImage> image = drive.eject();
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->size(), 737'280u);
  EXPECT_FALSE(drive.has_medium());
  EXPECT_EQ(drive.eject(), nullptr);
  drive.insert(core::DiskImage::in_memory(std::vector<uint8_t>(737'280), {.read_only = true}));
  EXPECT_TRUE(drive.write_protected());
}

TEST(FloppyDrive, HeadStopsAtTrackZeroAndAtTheLastCylinder) {
  FloppyDrive drive;
  drive.step(false);
  EXPECT_EQ(drive.cylinder(), 0);
  EXPECT_TRUE(drive.track0());
  for (int i = 0; i < 100; ++i) drive.step(true);
  EXPECT_EQ(drive.cylinder(), FloppyDrive::kLastCylinder);
  EXPECT_FALSE(drive.track0());
}

TEST(FloppyDrive, SectorsOutsideTheMediumAreRefused) {
  FloppyDrive drive;
  drive.insert(core::DiskImage::in_memory(std::vector<uint8_t>(163'840, 0xAA)));  // 40x1x8
  std::array<uint8_t, 512> buf{};
  EXPECT_TRUE(drive.read_sector(0, 8, buf));
  EXPECT_FALSE(drive.read_sector(0, 0, buf));
  EXPECT_FALSE(drive.read_sector(0, 9, buf));
  EXPECT_FALSE(drive.read_sector(1, 1, buf));  // single-sided
  EXPECT_FALSE(drive.write_sector(0, 255, buf));
  for (int i = 0; i < 40; ++i) drive.step(true);
  EXPECT_FALSE(drive.read_sector(0, 1, buf));  // cylinder 40 of 0-39
  EXPECT_EQ(drive.image()->memory(), std::vector<uint8_t>(163'840, 0xAA));
}

}  // namespace
}  // namespace tx86::dev
