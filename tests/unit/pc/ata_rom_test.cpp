// roms/storage/ata_io.asm on the whole board with a disk image file in
// the primary master: the guest writes patterns by ATA PIO and bus-master
// DMA and reads them back, then this test checks the bytes in the file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/firmware/bios_image.h"
#include "core/interp/interpreter.h"
#include "core/machine/machine.h"
#include "devices/pc/board.h"
#include "jit/runtime/jit_engine.h"

namespace tx86 {
namespace {

namespace fs = std::filesystem;

class StringSink : public core::CharSink {
 public:
  void write(std::span<const uint8_t> bytes) override { text.append(bytes.begin(), bytes.end()); }
  std::string text;
};

// Word i of sector s of a pattern, as the ROM writes it.
uint16_t pattern_word(unsigned sector, unsigned i, uint16_t mask) {
  return static_cast<uint16_t>((sector << 8 | i) ^ mask);
}

class AtaRomTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    image_ = fs::temp_directory_path() /
             ("tx86-ata-rom-" + std::to_string(::getpid()) + "-" + GetParam() + ".img");
    std::ofstream(image_, std::ios::binary) << std::string(1 << 20, '\0');
  }
  void TearDown() override { fs::remove(image_); }

  fs::path image_;
};

TEST_P(AtaRomTest, GuestWritesByPioAndDmaReachTheImage) {
  core::MachineConfig config;
  config.ram_bytes = 16ull << 20;
  StringSink debugcon;
  {
    core::Machine machine(config);
    if (GetParam() == "jit") {
      machine.set_engine(std::make_unique<jit::JitEngine>(machine.cpu(), jit::JitOptions{}));
    } else {
      machine.set_engine(std::make_unique<core::Interpreter>(nullptr));
    }
    core::map_bios(machine.memory(), core::read_bios_file(TX86_ATA_IO_ROM));
    dev::BoardConfig board_config;
    board_config.debugcon = &debugcon;
    board_config.exit_mode = dev::DebugExitMode::kRaw;
    board_config.ide[0] = dev::DriveConfig{dev::DriveConfig::Kind::kDisk, image_, false};
    dev::Board board(machine, board_config);
    machine.reset();
    const core::RunResult r = machine.run(60.0);
    ASSERT_EQ(r.outcome, core::RunOutcome::kExit) << r.message << debugcon.text;
    EXPECT_EQ(r.status, 0) << debugcon.text;
    EXPECT_NE(debugcon.text.find("PASS ata_io"), std::string::npos) << debugcon.text;
  }  // (the board closes the image)

  std::ifstream in(image_, std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  ASSERT_EQ(bytes.size(), 1u << 20);
  for (unsigned s = 0; s < 2048; ++s) {
    uint16_t mask = 0;
    if (s >= 1 && s <= 4) mask = 0xA55A;
    if (s >= 8 && s <= 15) mask = 0x3CC3;
    for (unsigned i = 0; i < 256; ++i) {
      const uint16_t want = mask == 0 ? 0 : pattern_word(s, i, mask);
      const auto got =
          static_cast<uint16_t>(bytes[s * 512 + 2 * i] | bytes[s * 512 + 2 * i + 1] << 8);
      ASSERT_EQ(got, want) << "sector " << s << " word " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, AtaRomTest, ::testing::Values("interp", "jit"));

}  // namespace
}  // namespace tx86
