// The character sinks a user can name on the command line: "stdio",
// "file:PATH" and "none".
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/io/char_sink.h"

namespace tx86::fe {

class FileSink final : public core::CharSink {
 public:
  // Takes ownership of file unless it is stdout.
  explicit FileSink(std::FILE* file) : file_(file) {}
  ~FileSink() override;
  void write(std::span<const uint8_t> bytes) override;
  // The same, but into a file too only at each line's end (or flush()):
  // for an owner that flushes at other moments itself.
  void write_lines(std::span<const uint8_t> bytes);
  void flush() override;

 private:
  std::FILE* file_;
};

// Builds the sink a spec names; nullptr for "none". Throws core::UserError
// for an unknown spec or a file that cannot be created. `what` names the
// option in messages.
std::unique_ptr<core::CharSink> make_char_sink(const std::string& spec, const std::string& what);

}  // namespace tx86::fe
