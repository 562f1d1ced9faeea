#include "devices/storage/floppy/floppy_format.h"

#include <array>

namespace tx86::dev {

namespace {

using enum FloppyDataRate;

constexpr std::array<FloppyFormat, 10> kFormats = {{
    {"160K", 40, 1, 8, k250Kbps, 1},
    {"180K", 40, 1, 9, k300Kbps, 1},
    {"320K", 40, 2, 8, k250Kbps, 1},
    {"360K", 40, 2, 9, k300Kbps, 1},
    {"720K", 80, 2, 9, k250Kbps, 3},
    {"1.2M", 80, 2, 15, k500Kbps, 2},
    {"1.44M", 80, 2, 18, k500Kbps, 4},
    {"1.68M", 80, 2, 21, k500Kbps, 4},  // Microsoft DMF
    {"1.72M", 82, 2, 21, k500Kbps, 4},  // 1722K, as fdformat makes it
    {"2.88M", 80, 2, 36, k1Mbps, 5},
}};

}  // namespace

std::span<const FloppyFormat> floppy_formats() {
  return kFormats;
}

std::optional<FloppyFormat> floppy_format_for_size(uint64_t bytes) {
  for (const FloppyFormat& f : kFormats) {
    if (f.bytes() == bytes) return f;
  }
  return std::nullopt;
}

std::string floppy_size_error(std::string_view image_name, uint64_t bytes) {
  std::string names;
  for (const FloppyFormat& f : kFormats) {
    if (!names.empty()) names += ", ";
    names += f.name;
  }
  return "floppy image " + std::string(image_name) + " has " + std::to_string(bytes) +
         " bytes, which is no floppy format (" + names + ")";
}

}  // namespace tx86::dev
