// The CPU's INTR pin as seen from the CPU: the interrupt controller (the PIC
// pair, later the APIC) says whether a maskable interrupt is pending and
// supplies its vector in the acknowledge cycle.
#pragma once

#include <cstdint>

namespace tx86::core {

class InterruptSource {
 public:
  virtual ~InterruptSource() = default;
  virtual bool intr_pending() const = 0;
  // The INTA cycle: returns the vector and updates the controller's state.
  virtual uint8_t intr_acknowledge() = 0;
};

}  // namespace tx86::core
