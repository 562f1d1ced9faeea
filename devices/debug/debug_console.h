// The Bochs/QEMU debug console: every byte written to port 0xE9 or 0x402 is
// a character of the firmware's debug log. Reads return 0xE9, which is how
// SeaBIOS detects it (PLATFORM.md A.2).
#pragma once

#include <cstdint>
#include <string>

#include "core/io/char_sink.h"
#include "core/io/io_bus.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class DebugConsole final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kBochsPort = 0xE9;
  static constexpr uint16_t kQemuPort = 0x402;

  // sink may be null: the output then goes to the log only.
  DebugConsole(core::IoBus& io, core::CharSink* sink);
  ~DebugConsole() override;

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  void put(uint8_t c);

  core::CharSink* sink_;
  std::string line_;  // the log gets whole lines
};

}  // namespace tx86::dev
