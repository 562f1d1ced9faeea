#include "devices/firmware/fw_cfg.h"

#include <gtest/gtest.h>

#include <string>

namespace tx86::dev {
namespace {

std::vector<uint8_t> read_item(core::IoBus& io, uint16_t key, size_t n) {
  io.write16(FwCfg::kSelectorPort, key);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = io.read8(FwCfg::kDataPort);
  return out;
}

uint32_t be32(const std::vector<uint8_t>& v, size_t at) {
  return (uint32_t{v[at]} << 24) | (uint32_t{v[at + 1]} << 16) | (uint32_t{v[at + 2]} << 8) |
         v[at + 3];
}

TEST(FwCfg, SignatureAndTraditionalInterfaceId) {
  core::IoBus io;
  FwCfg cfg(io);
  EXPECT_EQ(read_item(io, 0x00, 4), (std::vector<uint8_t>{'Q', 'E', 'M', 'U'}));
  EXPECT_EQ(read_item(io, 0x01, 4), (std::vector<uint8_t>{1, 0, 0, 0}));  // no DMA
}

TEST(FwCfg, SelectingRewindsAndReadingPastTheEndGivesZeros) {
  core::IoBus io;
  FwCfg cfg(io);
  cfg.add_u16(FwCfg::kKeyNbCpus, 1);
  EXPECT_EQ(read_item(io, FwCfg::kKeyNbCpus, 4), (std::vector<uint8_t>{1, 0, 0, 0}));
  EXPECT_EQ(read_item(io, FwCfg::kKeyNbCpus, 1), (std::vector<uint8_t>{1}));
  EXPECT_EQ(read_item(io, 0x1234, 2), (std::vector<uint8_t>{0, 0}));  // unknown key
}

TEST(FwCfg, FileDirectoryListsFilesBigEndian) {
  core::IoBus io;
  FwCfg cfg(io);
  const uint16_t k1 = cfg.add_file("bootorder", {'/', 'x', '\n'});
  const uint16_t k2 = cfg.add_file("etc/boot-fail-wait", le_bytes(1000, 4));
  EXPECT_EQ(k1, 0x20);
  EXPECT_EQ(k2, 0x21);
  const auto dir = read_item(io, FwCfg::kKeyFileDir, 4 + 2 * 64);
  EXPECT_EQ(be32(dir, 0), 2u);
  EXPECT_EQ(be32(dir, 4), 3u);              // size of bootorder
  EXPECT_EQ((dir[8] << 8) | dir[9], 0x20);  // its key
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&dir[12])), "bootorder");
  EXPECT_EQ(be32(dir, 68), 4u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&dir[76])), "etc/boot-fail-wait");
  EXPECT_EQ(read_item(io, k2, 4), (std::vector<uint8_t>{0xE8, 0x03, 0, 0}));
}

}  // namespace
}  // namespace tx86::dev
