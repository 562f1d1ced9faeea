// SeaBIOS (Debian's seabios package) on the whole board, headless and with
// no disks: POST enumerates the PCI devices, runs the VGA BIOS from the ROM
// BAR, and ends with "No bootable device"; the BIOS tick counter then runs
// at 18.2 Hz of guest time.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/firmware/bios_image.h"
#include "core/machine/machine.h"
#include "devices/pc/board.h"
#include "frontends/common/png_file.h"

namespace tx86 {
namespace {

constexpr const char* kBios = "/usr/share/seabios/bios-256k.bin";
constexpr const char* kVgaBios = "/usr/share/seabios/vgabios-stdvga.bin";

class StringSink : public core::CharSink {
 public:
  void write(std::span<const uint8_t> bytes) override { text.append(bytes.begin(), bytes.end()); }
  std::string text;
};

class SeaBiosTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kBios) || !std::filesystem::exists(kVgaBios)) {
      GTEST_SKIP() << "needs Debian's seabios package (" << kBios
                   << "); scripts/install-deps.sh installs it";
    }
    core::MachineConfig config;
    config.ram_bytes = 128ull << 20;
    machine = std::make_unique<core::Machine>(config);
    core::map_bios(machine->memory(), core::read_bios_file(kBios));
    dev::BoardConfig board_config;
    board_config.debugcon = &debugcon;
    board_config.vga_bios = core::read_firmware_file(kVgaBios, "VGA BIOS", 64 << 10);
    board_config.boot_fail_wait_ms = 60000;
    board = std::make_unique<dev::Board>(*machine, board_config);
    machine->reset();
    stop_timer = machine->scheduler().add_timer("test-stop", [this] { machine->request_exit(0); });
  }

  // Runs the machine until guest time t (seconds).
  void run_until(double t) {
    machine->scheduler().arm(stop_timer, static_cast<core::GuestTime>(t * 1e9));
    const core::RunResult r = machine->run(120.0);
    ASSERT_EQ(r.outcome, core::RunOutcome::kExit) << r.message;
  }

  uint32_t bios_ticks() { return machine->memory().read32(0x46C); }

  StringSink debugcon;
  std::unique_ptr<core::Machine> machine;
  std::unique_ptr<dev::Board> board;
  core::TimerId stop_timer = 0;
};

TEST_F(SeaBiosTest, PostEnumeratesPciRunsTheVgaBiosAndFindsNoBootableDevice) {
  run_until(3.0);
  const std::string& log = debugcon.text;
  for (const char* line :
       {"SeaBIOS (version 1.16.2", "Running on QEMU (i440fx)", "Found QEMU fw_cfg",
        "qemu/e820: addr 0x0000000000000000 len 0x0000000008000000 [RAM]",
        "Found 4 PCI devices (max PCI bus is 00)", "PCI: init bdf=00:00.0 id=8086:1237",
        "PCI: init bdf=00:01.0 id=8086:7000", "PIIX3/PIIX4 init: elcr=00 0c",
        "PCI: init bdf=00:01.1 id=8086:7010", "PCI: init bdf=00:02.0 id=1234:1111",
        "PCI: Using 00:02.0 for primary VGA", "Running option rom at c000:0003", "Start SeaVGABIOS",
        "VBE DISPI: lfb_addr=fd000000, size 16 MB", "set VGA mode 3", "PS2 keyboard initialized",
        "No bootable device."}) {
    EXPECT_NE(log.find(line), std::string::npos) << "missing from the debug log: " << line;
  }
  const std::string screen = board->screen_text();
  EXPECT_EQ(screen.rfind("SeaBIOS (version 1.16.2", 0), 0u) << screen;
  EXPECT_NE(screen.find("No bootable device."), std::string::npos) << screen;

  // The picture of that screen, as --screenshot writes it: the banner in
  // the VGA BIOS's font (TX86_UPDATE_GOLDEN=1 rewrites the golden).
  const dev::Frame f = board->frame(machine->scheduler().now());
  const std::filesystem::path golden_path =
      std::filesystem::path(__FILE__).parent_path() / "golden" / "seabios_no_disk.png";
  if (std::getenv("TX86_UPDATE_GOLDEN") != nullptr) {
    fe::write_png(golden_path, f);
    return;
  }
  const std::optional<dev::Frame> golden = fe::read_png(golden_path);
  ASSERT_TRUE(golden) << "no golden image " << golden_path;
  ASSERT_EQ(golden->width, f.width);
  ASSERT_EQ(golden->height, f.height);
  EXPECT_TRUE(golden->pixels == f.pixels) << "the screen differs from " << golden_path;
}

TEST_F(SeaBiosTest, BiosTickCounterRunsAt18Point2HzOfGuestTime) {
  run_until(3.0);  // POST done, waiting to retry the boot
  const uint32_t t1 = bios_ticks();
  run_until(13.0);
  const uint32_t t2 = bios_ticks();
  // 1193182 / 65536 = 18.2065 ticks a second: 182 in 10 s.
  EXPECT_GE(t2 - t1, 181u);
  EXPECT_LE(t2 - t1, 183u);
}

}  // namespace
}  // namespace tx86
