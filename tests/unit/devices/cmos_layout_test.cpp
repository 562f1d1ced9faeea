#include "devices/rtc/cmos_layout.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/machine/user_error.h"
#include "tests/unit/devices/rtc_fixture.h"

namespace tx86::dev {
namespace {

class CmosLayoutTest : public RtcTest {
 protected:
  std::vector<uint8_t> bytes(unsigned first, unsigned count) {
    std::vector<uint8_t> v;
    for (unsigned i = 0; i < count; ++i) v.push_back(rtc->cmos(first + i));
    return v;
  }
  void apply(const CmosLayout& layout) { apply_cmos_layout(*rtc, layout); }
};

using Bytes = std::vector<uint8_t>;

TEST_F(CmosLayoutTest, Memory128MiB) {
  apply(CmosLayout{.ram_below_4g = 128ull << 20});
  EXPECT_EQ(bytes(0x15, 4), (Bytes{0x80, 0x02, 0xFF, 0xFF}));  // 640 KiB; ext capped
  EXPECT_EQ(bytes(0x30, 2), (Bytes{0xFF, 0xFF}));
  EXPECT_EQ(bytes(0x34, 2), (Bytes{0x00, 0x07}));  // 112 MiB / 64 KiB = 0x700
  EXPECT_EQ(bytes(0x5B, 3), (Bytes{0x00, 0x00, 0x00}));
}

TEST_F(CmosLayoutTest, Memory16MiB) {
  apply(CmosLayout{.ram_below_4g = 16ull << 20});
  EXPECT_EQ(bytes(0x15, 4), (Bytes{0x80, 0x02, 0x00, 0x3C}));  // 15360 KiB
  EXPECT_EQ(bytes(0x30, 2), (Bytes{0x00, 0x3C}));
  EXPECT_EQ(bytes(0x34, 2), (Bytes{0x00, 0x00}));
}

TEST_F(CmosLayoutTest, Memory2GiB) {
  apply(CmosLayout{.ram_below_4g = 2048ull << 20});
  EXPECT_EQ(bytes(0x17, 2), (Bytes{0xFF, 0xFF}));
  EXPECT_EQ(bytes(0x34, 2), (Bytes{0x00, 0x7F}));  // 2032 MiB / 64 KiB = 0x7F00
}

TEST_F(CmosLayoutTest, MemoryBelowOneMegabyteHasNoExtendedMemory) {
  apply(CmosLayout{.ram_below_4g = 512ull << 10});
  EXPECT_EQ(bytes(0x15, 4), (Bytes{0x00, 0x02, 0x00, 0x00}));
}

TEST_F(CmosLayoutTest, MemoryAbove4GiBIn64KiBUnits) {
  apply(CmosLayout{.ram_above_4g = 5ull << 30});
  EXPECT_EQ(bytes(0x5B, 3), (Bytes{0x00, 0x40, 0x01}));  // 0x14000 units
}

TEST_F(CmosLayoutTest, HardDiskOnlyBootOrder) {
  apply(CmosLayout{});
  EXPECT_EQ(rtc->cmos(0x3D), 0x02);
  EXPECT_EQ(rtc->cmos(0x38), 0x00);
}

TEST_F(CmosLayoutTest, QemuDefaultBootOrderCad) {
  apply(CmosLayout{.boot_order = "cad"});
  EXPECT_EQ(rtc->cmos(0x3D), 0x12);
  EXPECT_EQ(rtc->cmos(0x38), 0x30);
  apply(CmosLayout{.boot_order = "cad", .floppy_signature_check = false});
  EXPECT_EQ(rtc->cmos(0x38), 0x31);
}

TEST_F(CmosLayoutTest, OtherBootOrders) {
  apply(CmosLayout{.boot_order = "dn"});
  EXPECT_EQ(rtc->cmos(0x3D), 0x43);
  EXPECT_EQ(rtc->cmos(0x38), 0x00);
  apply(CmosLayout{.boot_order = ""});
  EXPECT_EQ(rtc->cmos(0x3D), 0x00);
}

TEST_F(CmosLayoutTest, BadBootOrdersAreUserErrors) {
  EXPECT_THROW(apply(CmosLayout{.boot_order = "x"}), core::UserError);
  EXPECT_THROW(apply(CmosLayout{.boot_order = "cadn"}), core::UserError);
  EXPECT_THROW(apply(CmosLayout{.cpus = 0}), core::UserError);
}

TEST_F(CmosLayoutTest, FloppyTypesAndEquipmentByte) {
  apply(CmosLayout{});
  EXPECT_EQ(rtc->cmos(0x10), 0x00);
  EXPECT_EQ(rtc->cmos(0x14), 0x04);  // PS/2 mouse only: no FPU bit unless asked
  apply(CmosLayout{.floppy_a = FloppyType::k1_44M});
  EXPECT_EQ(rtc->cmos(0x10), 0x40);
  EXPECT_EQ(rtc->cmos(0x14), 0x05);
  apply(CmosLayout{.floppy_a = FloppyType::k1_44M,
                   .floppy_b = FloppyType::k720K,
                   .fpu = true,
                   .ps2_mouse = false});
  EXPECT_EQ(rtc->cmos(0x10), 0x43);
  EXPECT_EQ(rtc->cmos(0x14), 0x43);  // two drives (bits 7-6 = 1), FPU
}

TEST_F(CmosLayoutTest, CpuCountMinusOne) {
  apply(CmosLayout{});
  EXPECT_EQ(rtc->cmos(0x5F), 0x00);
  apply(CmosLayout{.cpus = 4});
  EXPECT_EQ(rtc->cmos(0x5F), 0x03);
}

TEST_F(CmosLayoutTest, ChecksumCovers10To2DHighByteFirst) {
  apply(CmosLayout{.ram_below_4g = 128ull << 20, .floppy_a = FloppyType::k2_88M});
  unsigned sum = 0;
  for (unsigned i = 0x10; i <= 0x2D; ++i) sum += rtc->cmos(i);
  // 0x50 + 0x05 + 0x80 + 0x02 + 0xFF + 0xFF
  EXPECT_EQ(sum, 0x2D5u);
  EXPECT_EQ(bytes(0x2E, 2), (Bytes{0x02, 0xD5}));
  rtc->set_cmos(0x20, 0x10);
  update_cmos_checksum(*rtc);
  EXPECT_EQ(bytes(0x2E, 2), (Bytes{0x02, 0xE5}));
}

TEST_F(CmosLayoutTest, CenturyComesFromTheClock) {
  apply(CmosLayout{});
  EXPECT_EQ(rtc->cmos(0x32), 0x20);
}

}  // namespace
}  // namespace tx86::dev
