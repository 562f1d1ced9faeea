// The PIIX3 south bridge's PCI-to-ISA bridge (Intel 82371SB datasheet,
// 00:01.0) with the PIRQ routing registers. Its IDE function (00:01.1) is
// devices/storage/ata/piix3_ide.h; port 92h and CF9h are in
// reset_control.h.
#pragma once

#include "core/pci/pci_function.h"

namespace tx86::dev {

class Piix3Isa final : public core::PciFunction {
 public:
  static constexpr uint8_t kPirqRc = 0x60;  // PIRQRC[A:D], 0x60-0x63

  Piix3Isa();
  // The ISA IRQ a PCI interrupt line (PIRQA-D = 0-3) is routed to, or -1
  // when routing is disabled (bit 7 of PIRQRCx).
  int pirq_route(unsigned pirq) const;
};

}  // namespace tx86::dev
