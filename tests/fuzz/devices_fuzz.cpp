// libFuzzer target: port and memory traffic to every device of the PC
// board, as a hostile guest could send it, with no CPU running: the PICs,
// PIT, port B, RTC, both DMA controllers, the 8042 with keyboard and mouse,
// both UARTs, PCI configuration, fw_cfg (its DMA interface too), the std
// VGA (registers, planes, VBE, the LFB and MMIO BARs), IDE with a disk and
// an ATAPI CD-ROM (PIO, string reads, bus-master DMA), the FDC with a
// 1.44 MB floppy, the debug ports, reset control. Guest time advances
// between accesses so that devices' timers fire, interrupts are taken
// (the INTA cycle), and RAM is written (DMA descriptors, PRD tables). None
// of it may crash, trip a sanitizer or touch host memory outside the
// guest's.
//
// Input: a sequence of operations, each an opcode byte and its operands
// (see LLVMFuzzerTestOneInput). Images are made once, in a temporary
// folder, and every drive writes to a snapshot overlay, so each input
// starts from the same machine.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/fuzz/board_traffic.h"

namespace {

using namespace tx86;
namespace fs = std::filesystem;

struct Images {
  fs::path dir;
  fs::path disk, cdrom, floppy;
  Images() {
    dir = fs::temp_directory_path() / ("tx86-fuzz-devices-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    disk = dir / "disk.img";
    cdrom = dir / "cd.iso";
    floppy = dir / "floppy.img";
    write(disk, 2u << 20);
    write(cdrom, 1u << 20);
    write(floppy, 1474560);
  }
  ~Images() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  static void write(const fs::path& path, size_t bytes) {
    std::vector<char> data(bytes);
    for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<char>(i * 7 + (i >> 9));
    std::ofstream(path, std::ios::binary).write(data.data(), static_cast<std::streamsize>(bytes));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Images images;
  dev::BoardConfig config;
  config.snapshot = true;
  config.ide[0] = {dev::DriveConfig::Kind::kDisk, images.disk, false};
  config.ide[2] = {dev::DriveConfig::Kind::kCdrom, images.cdrom, true};
  config.floppy[0] = {dev::DriveConfig::Kind::kDisk, images.floppy, false};
  fuzz::BoardUnderTest pc(config);
  fuzz::Input in(data, size);
  fuzz::run_traffic(pc, in);
  return 0;
}
