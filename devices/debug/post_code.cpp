#include "devices/debug/post_code.h"

#include <spdlog/spdlog.h>

namespace tx86::dev {

PostCode::PostCode(core::IoBus& io) {
  io.register_ports(kPort, 1, this, core::kIoWidth8, "post-code");
}

uint32_t PostCode::io_read(uint16_t, unsigned) {
  return 0xFF;
}

void PostCode::io_write(uint16_t, unsigned, uint32_t value) {
  last_ = static_cast<uint8_t>(value);
  spdlog::debug("POST code 0x{:02x}", last_);
}

void PostCode::save_state(core::StateWriter& w) const {
  w.u8(last_);
}

void PostCode::load_state(core::StateReader& r) {
  last_ = r.u8();
}

}  // namespace tx86::dev
