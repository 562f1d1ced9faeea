#include "devices/storage/ata/piix3_ide.h"

namespace tx86::dev {

// Legacy-mode IDE (prog-if 80h: bus master, both channels at the ISA
// addresses), with the bus-master registers on BAR4.
Piix3Ide::Piix3Ide(core::IoBus& io, core::MemoryBus& memory, core::IrqLine& primary_irq,
                   core::IrqLine& secondary_irq)
    : core::PciFunction(0x8086, 0x7010, 0x01, 0x01, 0x80, 0x00), io_(io) {
  declare_bar(kBusMasterBar, core::BarKind::kIo, 16);
  init16(0x40, 0x0000, 0xFFFF);  // IDETIM primary
  init16(0x42, 0x0000, 0xFFFF);  // IDETIM secondary
  init8(0x44, 0x00, 0xFF);       // SIDETIM
  channels_[0] = std::make_unique<IdeChannel>(io, primary_irq, memory, IdeChannel::kPrimaryBase,
                                              IdeChannel::kPrimaryControl, "ide0");
  channels_[1] = std::make_unique<IdeChannel>(io, secondary_irq, memory, IdeChannel::kSecondaryBase,
                                              IdeChannel::kSecondaryControl, "ide1");
  for (auto& c : channels_) {
    c->bus_master().set_enable_source([this] {
      return (config16(core::pci_cfg::kCommand) & core::pci_cfg::kCommandBusMaster) != 0;
    });
  }
}

Piix3Ide::~Piix3Ide() {
  if (bm_base_) io_.unregister_ports(*bm_base_, 16);
}

void Piix3Ide::reset() {
  core::PciFunction::reset();
  for (auto& c : channels_) c->reset();
}

void Piix3Ide::bar_changed(int index, std::optional<uint32_t> address) {
  if (index != kBusMasterBar) return;
  if (bm_base_) io_.unregister_ports(*bm_base_, 16);
  bm_base_.reset();
  if (address) {
    bm_base_ = static_cast<uint16_t>(*address);
    io_.register_ports(*bm_base_, 16, this, core::kIoWidthAll, "ide bus master");
  }
}

uint32_t Piix3Ide::io_read(uint16_t port, unsigned size) {
  const unsigned offset = port - *bm_base_;
  return channels_[offset / 8]->bus_master().read(offset % 8, size);
}

void Piix3Ide::io_write(uint16_t port, unsigned size, uint32_t value) {
  const unsigned offset = port - *bm_base_;
  channels_[offset / 8]->bus_master().write(offset % 8, size, value);
}

}  // namespace tx86::dev
