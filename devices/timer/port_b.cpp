#include "devices/timer/port_b.h"

namespace tx86::dev {

PortB::PortB(core::IoBus& io, Pit8254& pit) : pit_(pit) {
  io.register_ports(kPort, 1, this, core::kIoWidth8, "port-b");
  reset();
}

void PortB::reset() {
  control_ = 0;
  pit_.set_gate(2, false);
}

uint32_t PortB::io_read(uint16_t, unsigned) {
  const uint64_t now = pit_.now_ticks();
  const bool refresh = ((now / kRefreshTicks) & 1) != 0;
  // Bits 6-7 (IOCHK#, SERR# status) stay 0: nothing raises them.
  const uint32_t value = control_ | (refresh ? 0x10u : 0) | (pit_.out(2) ? 0x20u : 0);
  pit_.bus_cycle();
  return value;
}

void PortB::io_write(uint16_t, unsigned, uint32_t value) {
  control_ = static_cast<uint8_t>(value & 0x0F);  // bits 4-7 are read-only
  pit_.set_gate(2, (value & 1) != 0);
  pit_.bus_cycle();
}

void PortB::save_state(core::StateWriter& w) const {
  w.u8(control_);
}

void PortB::load_state(core::StateReader& r) {
  control_ = r.u8();
}

}  // namespace tx86::dev
