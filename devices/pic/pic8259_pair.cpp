#include "devices/pic/pic8259_pair.h"

namespace tx86::dev {

Pic8259Pair::Pic8259Pair(core::IoBus& io) {
  io.register_ports(kMasterPort, 2, this, core::kIoWidth8, "pic-master");
  io.register_ports(kSlavePort, 2, this, core::kIoWidth8, "pic-slave");
  io.register_ports(kElcrPort, 2, this, core::kIoWidth8, "elcr");
  reset();
}

void Pic8259Pair::reset() {
  master_.reset();
  slave_.reset();
  update_cascade();
}

void Pic8259Pair::set_irq(unsigned irq, bool level) {
  if (irq >= 16 || irq == kCascadeIr) return;
  if (irq < 8) {
    master_.set_input(irq, level);
  } else {
    slave_.set_input(irq - 8, level);
    update_cascade();
  }
}

uint8_t Pic8259Pair::intr_acknowledge() {
  const std::optional<unsigned> ir = master_.acknowledge();
  // Nothing requesting by the time of INTA: the 8259A answers with IR7's
  // vector and leaves the ISR alone (a spurious IRQ 7).
  if (!ir) return master_.vector(7);
  if (!master_.has_slave_on(*ir)) return master_.vector(*ir);
  // Only IR2 has a slave on a PC; a master told otherwise waits for a slave
  // that never drives the bus.
  if (*ir != kCascadeIr) return 0xFF;
  // The master has put IR2 in service. A slave with nothing left answers
  // with its IR7 vector (a spurious IRQ 15).
  const std::optional<unsigned> slave_ir = slave_.acknowledge();
  // The slave's INT output is re-evaluated after INTA; dropping the master's
  // view of it first lets a request still waiting on the slave be seen as a
  // new edge rather than being lost behind the one just taken.
  master_.set_input(kCascadeIr, false);
  update_cascade();
  return slave_.vector(slave_ir.value_or(7));
}

uint32_t Pic8259Pair::io_read(uint16_t port, unsigned) {
  if (port == kElcrPort) return master_.elcr();
  if (port == kElcrPort + 1) return slave_.elcr();
  if (port < kSlavePort) return master_.read(port & 1);
  const uint8_t value = slave_.read(port & 1);  // a poll is an acknowledge
  update_cascade();
  return value;
}

void Pic8259Pair::io_write(uint16_t port, unsigned, uint32_t value) {
  const auto byte = static_cast<uint8_t>(value);
  if (port == kElcrPort) {
    master_.set_elcr(byte);
  } else if (port == kElcrPort + 1) {
    slave_.set_elcr(byte);
    update_cascade();
  } else if (port < kSlavePort) {
    master_.write(port & 1, byte);
  } else {
    slave_.write(port & 1, byte);
    update_cascade();
  }
}

void Pic8259Pair::save_state(core::StateWriter& w) const {
  master_.save_state(w);
  slave_.save_state(w);
}

void Pic8259Pair::load_state(core::StateReader& r) {
  master_.load_state(r);
  slave_.load_state(r);
}

}  // namespace tx86::dev
