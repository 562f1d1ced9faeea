// What the monitor's x and xp print (tests/cli/monitor_test.py drives the
// whole monitor over TCP).
#include "frontends/monitor/monitor_dump.h"

#include <gtest/gtest.h>

namespace tx86::fe {
namespace {

class MonitorDump : public ::testing::Test {
 protected:
  MonitorDump() : machine_(config()) {
    const uint8_t bytes[] = {0x90, 0xB8, 0x78, 0x56, 0x34, 0x12, 0xFF, 0x41};
    machine_.memory().write_block(0x1000, bytes);
  }
  static core::MachineConfig config() {
    core::MachineConfig c;
    c.ram_bytes = 2 << 20;
    return c;
  }
  std::string dump(std::string_view fmt, uint64_t addr, bool physical = false) {
    const std::optional<DumpFormat> f = parse_dump_format(fmt);
    EXPECT_TRUE(f.has_value()) << fmt;
    return dump_memory(machine_, addr, f.value_or(DumpFormat{}), physical, disassembler_);
  }

  core::Machine machine_;
  core::Disassembler disassembler_;
};

TEST_F(MonitorDump, ParsesCountFormatAndSizeInAnyOrderAfterTheCount) {
  const auto f = parse_dump_format("10xb");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->count, 10u);
  EXPECT_EQ(f->format, 'x');
  EXPECT_EQ(f->size, 1u);
  const auto g = parse_dump_format("hd");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->count, 1u);
  EXPECT_EQ(g->format, 'd');
  EXPECT_EQ(g->size, 2u);
  EXPECT_FALSE(parse_dump_format("x10"));
  EXPECT_FALSE(parse_dump_format("q"));
  EXPECT_FALSE(parse_dump_format("99999999"));
}

TEST_F(MonitorDump, PrintsEachFormatAndSize) {
  EXPECT_EQ(dump("2xw", 0x1000), "00001000: 0x5678b890 0x41ff1234\n");
  EXPECT_EQ(dump("xg", 0x1000), "00001000: 0x41ff12345678b890\n");
  EXPECT_EQ(dump("3xb", 0x1005), "00001005: 0x12 0xff 0x41\n");
  EXPECT_EQ(dump("2db", 0x1006), "00001006: -1 65\n");
  EXPECT_EQ(dump("ub", 0x1006), "00001006: 255\n");
  EXPECT_EQ(dump("ob", 0x1007), "00001007: 0101\n");
  EXPECT_EQ(dump("2c", 0x1006), "00001006: '\\xff' 'A'\n");
  // Sixteen bytes a line.
  EXPECT_EQ(dump("5xw", 0x1000),
            "00001000: 0x5678b890 0x41ff1234 0x00000000 0x00000000\n00001010: 0x00000000\n");
}

TEST_F(MonitorDump, DisassemblesInTheCodeSizeOfCs) {
  // After reset CS is 16-bit: B8 takes a word.
  EXPECT_EQ(dump("2i", 0x1000), "0x00001000:  nop\n0x00001001:  mov ax, 0x5678\n");
}

TEST_F(MonitorDump, StopsWhereTheLinearAddressMapsNothing) {
  // Paging on, with a page table that maps only linear page 0 to 0x1000.
  machine_.memory().write32(0x3000, 0x4000 | 1);
  machine_.memory().write32(0x4000, 0x1000 | 1);
  machine_.cpu().state.cr3 = 0x3000;
  machine_.cpu().state.cr0 |= core::cr0::kPe | core::cr0::kPg;
  EXPECT_EQ(dump("2xw", 0xFFC), "00000ffc: 0x00000000\nCannot access memory at 00001000\n");
  // xp is physical: no page tables.
  EXPECT_EQ(dump("xw", 0x1000, true), "00001000: 0x5678b890\n");
  EXPECT_EQ(dump("xw", 0x0, false), "00000000: 0x5678b890\n");
}

}  // namespace
}  // namespace tx86::fe
