// Frames to and from PNG files (libpng): screenshots, and the golden images
// the rendering tests compare with.
#pragma once

#include <filesystem>
#include <optional>

#include "devices/video/vga_render.h"

namespace tx86::fe {

// Writes an 8-bit RGB PNG; throws core::UserError naming the file when it
// cannot.
void write_png(const std::filesystem::path& path, const dev::Frame& frame);

// Reads a PNG of any colour type as RGBA; nullopt when the file is missing
// or not a PNG.
std::optional<dev::Frame> read_png(const std::filesystem::path& path);

}  // namespace tx86::fe
