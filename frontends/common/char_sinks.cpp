#include "frontends/common/char_sinks.h"

#include <cerrno>
#include <cstring>

#include "core/machine/user_error.h"

namespace tx86::fe {

FileSink::~FileSink() {
  std::fflush(file_);
  if (file_ != stdout) std::fclose(file_);
}

void FileSink::write(std::span<const uint8_t> bytes) {
  // A file shows every byte at once: whoever watches it (a CI script
  // waiting for a prompt, tail -f) sees a prompt that ends no line.
  if (file_ != stdout) {
    std::fwrite(bytes.data(), 1, bytes.size(), file_);
    std::fflush(file_);
    return;
  }
  // On stdout, line-at-a-time keeps the output readable next to stderr logs.
  write_lines(bytes);
}

void FileSink::write_lines(std::span<const uint8_t> bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), file_);
  for (uint8_t b : bytes) {
    if (b == '\n') {
      std::fflush(file_);
      break;
    }
  }
}

void FileSink::flush() {
  std::fflush(file_);
}

std::unique_ptr<core::CharSink> make_char_sink(const std::string& spec, const std::string& what) {
  if (spec == "none") return nullptr;
  if (spec == "stdio") return std::make_unique<FileSink>(stdout);
  if (spec.rfind("file:", 0) == 0 && spec.size() > 5) {
    const std::string path = spec.substr(5);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw core::UserError(what + " " + path + ": " + std::strerror(errno));
    return std::make_unique<FileSink>(f);
  }
  throw core::UserError(what + ": '" + spec + "' is not one of stdio, file:PATH, none");
}

}  // namespace tx86::fe
