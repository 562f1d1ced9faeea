// The standard PC diskette formats, told apart by the size of a raw image
// (a raw image holds no geometry of its own): 512-byte sectors, MFM, every
// track numbered 1..sectors.
//
// Each format carries the data rate its medium is recorded at and the
// CMOS 0x10 type of the drive that reads it. The 5.25" double-density
// rates follow SeaBIOS's media table, which probes the CMOS type's rate
// first: 360K and 180K at 300 kbps (a double-density disk in a
// high-density drive), 320K and 160K at 250 kbps.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tx86::dev {

// The data rate select code of DSR/CCR bits 1-0 (82077AA datasheet, Table 2-4).
enum class FloppyDataRate : uint8_t {
  k500Kbps = 0,
  k300Kbps = 1,
  k250Kbps = 2,
  k1Mbps = 3,
};

struct FloppyFormat {
  std::string_view name;  // "1.44M"
  uint8_t cylinders;
  uint8_t heads;
  uint8_t sectors;  // per track
  FloppyDataRate rate;
  uint8_t cmos_type;  // CMOS 0x10 nibble: 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M

  static constexpr uint32_t kSectorSize = 512;
  static constexpr uint8_t kSizeCode = 2;  // N: 128 << 2 = 512

  uint32_t total_sectors() const { return uint32_t{cylinders} * heads * sectors; }
  uint64_t bytes() const { return uint64_t{total_sectors()} * kSectorSize; }
};

// Every format, smallest first.
std::span<const FloppyFormat> floppy_formats();

// The format of an image of this many bytes, or nothing.
std::optional<FloppyFormat> floppy_format_for_size(uint64_t bytes);

// "floppy image X has N bytes, which is no floppy format (160K, ...)".
std::string floppy_size_error(std::string_view image_name, uint64_t bytes);

}  // namespace tx86::dev
