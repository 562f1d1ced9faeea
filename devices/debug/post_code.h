// Port 0x80, the POST code port: firmware writes progress codes, Linux uses
// it as an I/O delay. Each value is logged (debug level); reads give 0xFF.
#pragma once

#include <cstdint>

#include "core/io/io_bus.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class PostCode final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kPort = 0x80;

  explicit PostCode(core::IoBus& io);

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  uint8_t last() const { return last_; }

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  uint8_t last_ = 0;
};

}  // namespace tx86::dev
