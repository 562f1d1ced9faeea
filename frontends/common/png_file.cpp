#include "frontends/common/png_file.h"

#include <png.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

void write_png(const std::filesystem::path& path, const dev::Frame& frame) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f)
    throw core::UserError("screenshot: cannot write " + path.string() + ": " +
                          std::strerror(errno));
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png != nullptr ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    throw core::UserError("screenshot: out of memory");
  }
  std::vector<uint8_t> row(static_cast<size_t>(frame.width) * 3);
  // libpng reports errors by longjmp: nothing with a destructor may be
  // created between here and the end of the writing.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw core::UserError("screenshot: cannot write " + path.string());
  }
  png_init_io(png, f.get());
  png_set_IHDR(png, info, frame.width, frame.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (uint32_t y = 0; y < frame.height; ++y) {
    for (uint32_t x = 0; x < frame.width; ++x) {
      const uint32_t p = frame.pixels[static_cast<size_t>(y) * frame.width + x];
      row[x * 3] = static_cast<uint8_t>(p);
      row[x * 3 + 1] = static_cast<uint8_t>(p >> 8);
      row[x * 3 + 2] = static_cast<uint8_t>(p >> 16);
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(f.get()) != 0) {
    throw core::UserError("screenshot: cannot write " + path.string() + ": " +
                          std::strerror(errno));
  }
}

std::optional<dev::Frame> read_png(const std::filesystem::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return std::nullopt;
  image.format = PNG_FORMAT_RGBA;
  dev::Frame frame;
  frame.width = image.width;
  frame.height = image.height;
  frame.pixels.resize(static_cast<size_t>(image.width) * image.height);
  if (!png_image_finish_read(&image, nullptr, frame.pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return std::nullopt;
  }
  return frame;
}

}  // namespace tx86::fe
