// A character device's connection to the host (a UART's line): bytes the
// guest sends go out through write(); bytes the host has for the guest are
// taken with read() without blocking. The frontend picks the backend
// (stdio, a file, a pty, nothing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/io/char_sink.h"

namespace tx86::core {

class CharBackend : public CharSink {
 public:
  // Copies up to out.size() pending input bytes; returns how many (0 when
  // none are waiting). Never blocks.
  virtual size_t read(std::span<uint8_t> out) = 0;
};

}  // namespace tx86::core
