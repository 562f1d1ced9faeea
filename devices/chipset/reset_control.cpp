#include "devices/chipset/reset_control.h"

#include <spdlog/spdlog.h>

namespace tx86::dev {

ResetControl::ResetControl(core::IoBus& io, core::MachineControl& machine) : machine_(machine) {
  io.register_ports(0x92, 1, this, core::kIoWidth8, "port92");
}

void ResetControl::reset() {
  port92_ = 0;
  cf9_ = 0;
}

uint32_t ResetControl::io_read(uint16_t, unsigned) {
  // Bit 1 reads the gate as it is, whoever set it (the KBC too).
  return (port92_ & ~0x02u) | (machine_.a20() ? 0x02u : 0x00u);
}

void ResetControl::io_write(uint16_t, unsigned, uint32_t value) {
  const auto v = static_cast<uint8_t>(value);
  machine_.set_a20((v & 0x02) != 0);
  if ((v & 0x01) && !(port92_ & 0x01)) {
    spdlog::debug("port 92h: fast reset");
    machine_.request_reset();
  }
  port92_ = v;
}

void ResetControl::write_cf9(uint8_t value) {
  const uint8_t v = value & 0x0E;
  if ((v & 0x04) && !(cf9_ & 0x04)) {
    spdlog::debug("CF9h: system reset");
    machine_.request_reset();
  }
  cf9_ = v & ~0x04;  // RST_CPU is a pulse, not kept
}

void ResetControl::save_state(core::StateWriter& w) const {
  w.u8(port92_);
  w.u8(cf9_);
}

void ResetControl::load_state(core::StateReader& r) {
  port92_ = r.u8();
  cf9_ = r.u8();
}

}  // namespace tx86::dev
