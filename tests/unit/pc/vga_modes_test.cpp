// roms/video/vga_modes_boot.asm booted from a floppy by SeaBIOS: it sets
// modes 13h, 12h and 3 through the VGA BIOS and draws in each; each
// picture must equal its golden PNG (tests/unit/pc/golden/). The boot
// sector says on the debug console when a picture is complete.
// TX86_UPDATE_GOLDEN=1 rewrites the goldens instead.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/firmware/bios_image.h"
#include "core/interp/interpreter.h"
#include "core/machine/machine.h"
#include "devices/pc/board.h"
#include "frontends/common/png_file.h"
#include "jit/runtime/jit_engine.h"

namespace tx86 {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBios = "/usr/share/seabios/bios-256k.bin";
constexpr const char* kVgaBios = "/usr/share/seabios/vgabios-stdvga.bin";
const fs::path kGoldenDir = fs::path(__FILE__).parent_path() / "golden";

// Debug-console lines; each "mode NN" line stops the run.
class Markers : public core::CharSink {
 public:
  explicit Markers(core::Machine& m) : machine_(m) {}
  void write(std::span<const uint8_t> bytes) override {
    for (uint8_t b : bytes) {
      if (b != '\n') {
        line_ += static_cast<char>(b);
        continue;
      }
      if (line_.rfind("mode ", 0) == 0) {
        last = line_;
        machine_.request_exit(0);
      }
      line_.clear();
    }
  }
  std::string last;

 private:
  core::Machine& machine_;
  std::string line_;
};

class VgaModesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!fs::exists(kBios) || !fs::exists(kVgaBios)) {
      GTEST_SKIP() << "needs Debian's seabios package (" << kBios
                   << "); scripts/install-deps.sh installs it";
    }
    floppy_ = fs::temp_directory_path() /
              ("tx86-vga-modes-" + std::to_string(::getpid()) + "-" + GetParam() + ".img");
    std::ifstream in(TX86_VGA_MODES_BOOT, std::ios::binary);
    std::string sector{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_EQ(sector.size(), 512u);
    sector.resize(1474560, '\0');
    std::ofstream(floppy_, std::ios::binary) << sector;
  }
  void TearDown() override {
    if (!floppy_.empty()) fs::remove(floppy_);
  }

  fs::path floppy_;
};

TEST_P(VgaModesTest, PicturesDrawnThroughTheVgaBiosMatchTheirGoldens) {
  core::MachineConfig config;
  config.ram_bytes = 32ull << 20;
  core::Machine machine(config);
  if (GetParam() == "jit") {
    machine.set_engine(std::make_unique<jit::JitEngine>(machine.cpu(), jit::JitOptions{}));
  } else {
    machine.set_engine(std::make_unique<core::Interpreter>(nullptr));
  }
  core::map_bios(machine.memory(), core::read_bios_file(kBios));
  Markers markers(machine);
  dev::BoardConfig board_config;
  board_config.debugcon = &markers;
  board_config.vga_bios = core::read_firmware_file(kVgaBios, "VGA BIOS", 64 << 10);
  board_config.boot_order = "a";
  board_config.floppy[0] = dev::DriveConfig{dev::DriveConfig::Kind::kDisk, floppy_, false};
  dev::Board board(machine, board_config);
  machine.reset();

  for (const std::string mode : {"mode 13", "mode 12", "mode 03"}) {
    const core::RunResult r = machine.run(120.0);
    ASSERT_EQ(r.outcome, core::RunOutcome::kExit) << r.message;
    ASSERT_EQ(markers.last, mode);
    const dev::Frame f = board.frame(machine.scheduler().now());
    const std::string name = "bios_" + mode.substr(5) + "h";
    const fs::path golden_path = kGoldenDir / (name + ".png");
    if (std::getenv("TX86_UPDATE_GOLDEN") != nullptr) {
      fe::write_png(golden_path, f);
      continue;
    }
    const std::optional<dev::Frame> golden = fe::read_png(golden_path);
    ASSERT_TRUE(golden) << "no golden image " << golden_path;
    ASSERT_EQ(golden->width, f.width) << name;
    ASSERT_EQ(golden->height, f.height) << name;
    size_t differ = 0;
    for (size_t i = 0; i < f.pixels.size(); ++i) differ += golden->pixels[i] != f.pixels[i];
    EXPECT_EQ(differ, 0u) << name << ": pixels differ from " << golden_path;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, VgaModesTest, ::testing::Values("interp", "jit"));

}  // namespace
}  // namespace tx86
