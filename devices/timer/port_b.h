// System control port B at 0x61 (PIIX3 "NMI status and control"), the PIT's
// companion: bit 0 gates PIT counter 2, bit 1 enables the speaker, bits 2-3
// are read/write enables for SERR#/IOCHK# NMIs; reads add bit 4, a toggle
// that flips with every DRAM refresh request, and bit 5, counter 2's OUT.
// SeaBIOS's TSC calibration spins on bit 5 with no timeout (PLATFORM.md A.2).
#pragma once

#include <cstdint>

#include "core/io/io_bus.h"
#include "core/state/state_part.h"
#include "devices/timer/pit8254.h"

namespace tx86::dev {

class PortB final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kPort = 0x61;
  // Refresh requests come every 18 PIT clocks (15.08 us), the divisor a PC
  // BIOS puts in counter 1. Computed from time, whatever counter 1 does.
  static constexpr uint64_t kRefreshTicks = 18;

  PortB(core::IoBus& io, Pit8254& pit);

  // Power-on state: all bits 0, so counter 2's gate is low.
  void reset();

  bool speaker_enabled() const { return (control_ & 0x02) != 0; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  Pit8254& pit_;
  uint8_t control_ = 0;  // bits 0-3
};

}  // namespace tx86::dev
