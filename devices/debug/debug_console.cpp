#include "devices/debug/debug_console.h"

#include <spdlog/spdlog.h>

namespace tx86::dev {

DebugConsole::DebugConsole(core::IoBus& io, core::CharSink* sink) : sink_(sink) {
  io.register_ports(kBochsPort, 1, this, core::kIoWidth8, "debugcon-e9");
  io.register_ports(kQemuPort, 1, this, core::kIoWidth8, "debugcon-402");
}

DebugConsole::~DebugConsole() {
  if (!line_.empty()) spdlog::debug("debugcon: {}", line_);
  if (sink_ != nullptr) sink_->flush();
}

uint32_t DebugConsole::io_read(uint16_t, unsigned) {
  return kBochsPort;
}

void DebugConsole::io_write(uint16_t, unsigned, uint32_t value) {
  put(static_cast<uint8_t>(value));
}

void DebugConsole::put(uint8_t c) {
  if (sink_ != nullptr) sink_->write({&c, 1});
  if (c == '\n') {
    spdlog::debug("debugcon: {}", line_);
    line_.clear();
  } else if (c != '\r') {
    line_.push_back(static_cast<char>(c));
  }
}

void DebugConsole::save_state(core::StateWriter& w) const {
  w.str(line_);
}

void DebugConsole::load_state(core::StateReader& r) {
  line_ = r.str();
}

}  // namespace tx86::dev
