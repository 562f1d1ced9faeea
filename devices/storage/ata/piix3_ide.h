// The PIIX3's IDE function (PCI 00:01.1, 8086:7010; 82371SB datasheet
// section 2.7): both channels in legacy mode at their ISA ports and IRQs
// (primary 1F0h/3F6h IRQ14, secondary 170h/376h IRQ15, always decoded, as
// QEMU does), and the bus-master registers in the 16-byte I/O BAR4.
//
// Its save state holds the channels, their devices and bus masters (the
// configuration space and the BAR4 mapping it implies are the PCI host's).
#pragma once

#include <memory>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/mem/memory_bus.h"
#include "core/pci/pci_function.h"
#include "core/state/state_part.h"
#include "devices/storage/ata/ide_channel.h"

namespace tx86::dev {

class Piix3Ide final : public core::PciFunction, public core::IoHandler, public core::StatePart {
 public:
  Piix3Ide(core::IoBus& io, core::MemoryBus& memory, core::IrqLine& primary_irq,
           core::IrqLine& secondary_irq);
  ~Piix3Ide() override;

  // Channel 0 (primary) or 1 (secondary).
  IdeChannel& channel(unsigned n) { return *channels_.at(n); }

  void reset() override;

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 protected:
  void bar_changed(int index, std::optional<uint32_t> address) override;

 private:
  static constexpr int kBusMasterBar = 4;

  core::IoBus& io_;
  std::array<std::unique_ptr<IdeChannel>, 2> channels_;
  std::optional<uint16_t> bm_base_;
};

}  // namespace tx86::dev
