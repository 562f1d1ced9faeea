// Where a character device's output goes (debug console, later the UART):
// the frontend picks stdout, a file, or nothing.
#pragma once

#include <cstdint>
#include <span>

namespace tx86::core {

class CharSink {
 public:
  virtual ~CharSink() = default;
  virtual void write(std::span<const uint8_t> bytes) = 0;
  virtual void flush() {}
};

}  // namespace tx86::core
