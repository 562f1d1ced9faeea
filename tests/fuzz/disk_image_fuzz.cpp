// libFuzzer target: disk images of any size and content in each kind of
// drive, then guest traffic to the board (board_traffic.h). An image the
// drive cannot take (a disk that is not whole sectors, a CD that is not
// whole blocks, a floppy of no known format) must be refused with a
// UserError naming it; one it takes must serve every request at its
// edges (the last sector, past the end, transfers across the end) with an
// error status or data, never a crash. Writes go to the image itself or,
// with --snapshot, to the overlay.
//
// Input: [drive][size u16][flags][content length][content] then traffic.
// drive mod 4: IDE disk, ATAPI CD-ROM, floppy A:, or a CD-ROM and a floppy
// inserted later (the monitor's `change`). flags: bit 0, a size that is
// not whole sectors or blocks; bit 1, --snapshot. The content goes at the
// start and at the end of a sparse file.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/machine/user_error.h"
#include "tests/fuzz/board_traffic.h"

namespace {

using namespace tx86;
namespace fs = std::filesystem;

// Floppy sizes: each known format, then some that are none.
constexpr uint64_t kFloppySizes[] = {163840,  184320,  327680,  368640, 737280, 1228800,
                                     1474560, 1720320, 2949120, 0,      512,    1474561};

struct Folder {
  Folder() {
    dir = fs::temp_directory_path() / ("tx86-fuzz-image-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  fs::path dir;
};

void make_image(const fs::path& path, uint64_t size, std::span<const uint8_t> content) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) std::abort();
  bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0;
  const size_t n = std::min<uint64_t>(content.size(), size);
  ok = ok && ::pwrite(fd, content.data(), n, 0) == static_cast<ssize_t>(n);
  ok = ok &&
       ::pwrite(fd, content.data(), n, static_cast<off_t>(size - n)) == static_cast<ssize_t>(n);
  ::close(fd);
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Folder folder;
  fuzz::Input in(data, size);
  const unsigned drive = in.u8() % 4;
  const uint16_t count = in.u16();
  const uint8_t flags = in.u8();
  const std::span<const uint8_t> content = in.bytes(in.u8());
  const uint64_t odd = (flags & 1) ? 1 + count % 511 : 0;
  uint64_t bytes = 0;
  if (drive == 0) bytes = uint64_t{count % 8193u} * 512 + odd;
  if (drive == 1 || drive == 3) bytes = uint64_t{count % 2049u} * 2048 + odd;
  if (drive == 2) bytes = kFloppySizes[count % std::size(kFloppySizes)];
  const fs::path image = folder.dir / "image";
  make_image(image, bytes, content);

  dev::BoardConfig config;
  config.snapshot = (flags & 2) != 0;
  if (drive == 0) config.ide[0] = {dev::DriveConfig::Kind::kDisk, image, false};
  if (drive == 1) config.ide[2] = {dev::DriveConfig::Kind::kCdrom, image, true};
  if (drive == 2) config.floppy[0] = {dev::DriveConfig::Kind::kDisk, image, false};
  if (drive == 3) {
    config.ide[2] = {dev::DriveConfig::Kind::kCdrom, {}, true};
    config.floppy[0] = {dev::DriveConfig::Kind::kNone, {}, false};
  }
  std::unique_ptr<fuzz::BoardUnderTest> pc;
  try {
    pc = std::make_unique<fuzz::BoardUnderTest>(config);
  } catch (const core::UserError&) {
    return 0;  // refused, with its reason
  }
  if (drive == 3) {
    fuzz::run_traffic(*pc, in, 64);
    for (const char* name : {"ide1-cd0", "floppy0"}) {
      try {
        pc->board->change_medium(name, image, config.snapshot);
      } catch (const core::UserError&) {
      }
    }
  }
  fuzz::run_traffic(*pc, in);
  return 0;
}
