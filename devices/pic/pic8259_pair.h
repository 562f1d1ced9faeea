// The PC's two cascaded 8259As (master 0x20/0x21, slave 0xA0/0xA1) and the
// PIIX3's edge/level control registers (ELCR, 0x4D0/0x4D1). The slave's INT
// output drives the master's IR2; the master's INT is the CPU's INTR.
//
// The board wires each device's IrqLine to set_irq(n) for IRQ 0-15 and gives
// the pair to the CPU as its InterruptSource.
#pragma once

#include <cstdint>

#include "core/io/io_bus.h"
#include "core/irq/interrupt_source.h"
#include "devices/pic/pic8259.h"

namespace tx86::dev {

class Pic8259Pair final : public core::IoHandler,
                          public core::InterruptSource,
                          public core::StatePart {
 public:
  static constexpr uint16_t kMasterPort = 0x20;
  static constexpr uint16_t kSlavePort = 0xA0;
  static constexpr uint16_t kElcrPort = 0x4D0;
  static constexpr unsigned kCascadeIr = 2;
  // PIIX3: IRQ 0, 1, 2, 8 and 13 are always edge-triggered.
  static constexpr uint8_t kMasterElcrMask = 0xF8;
  static constexpr uint8_t kSlaveElcrMask = 0xDE;

  explicit Pic8259Pair(core::IoBus& io);

  // Power-on state: both chips uninitialised, ELCR all edge.
  void reset();

  // The level of ISA IRQ line 0-15. IRQ 2 is the cascade input, wired to
  // the slave inside the chipset, so a device cannot drive it.
  void set_irq(unsigned irq, bool level);

  bool intr_pending() const override { return master_.int_output(); }
  uint8_t intr_acknowledge() override;

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  const Pic8259& master() const { return master_; }
  const Pic8259& slave() const { return slave_; }

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  // Feeds the slave's INT output to the master's IR2.
  void update_cascade() { master_.set_input(kCascadeIr, slave_.int_output()); }

  Pic8259 master_{kMasterElcrMask};
  Pic8259 slave_{kSlaveElcrMask};
};

}  // namespace tx86::dev
