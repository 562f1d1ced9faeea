// The PIIX3's system control ports: port 92h ("fast A20 and init", bit 1
// A20, a 0-to-1 edge on bit 0 resets the system) and the reset control
// register at CF9h (bit 1 hard reset, a 0-to-1 edge on bit 2 resets).
// The CF9h byte shares its dword with the PCI address register, so the
// PCI host routes it here.
#pragma once

#include <cstdint>

#include "core/io/io_bus.h"
#include "core/machine/machine_control.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class ResetControl final : public core::IoHandler, public core::StatePart {
 public:
  ResetControl(core::IoBus& io, core::MachineControl& machine);

  void reset();

  uint8_t read_cf9() const { return cf9_; }
  void write_cf9(uint8_t value);

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  core::MachineControl& machine_;
  uint8_t port92_ = 0;
  uint8_t cf9_ = 0;
};

}  // namespace tx86::dev
