#include "core/pci/pci_function.h"

#include <stdexcept>

namespace tx86::core {

PciFunction::PciFunction(uint16_t vendor, uint16_t device, uint8_t class_code, uint8_t subclass,
                         uint8_t prog_if, uint8_t revision) {
  init16(pci_cfg::kVendor, vendor, 0);
  init16(pci_cfg::kDevice, device, 0);
  // I/O, memory and bus-master enables, parity, SERR and interrupt disable.
  init16(pci_cfg::kCommand, 0, 0x0547);
  init8(pci_cfg::kRevision, revision, 0);
  init8(pci_cfg::kProgIf, prog_if, 0);
  init8(pci_cfg::kSubclass, subclass, 0);
  init8(pci_cfg::kClass, class_code, 0);
  init8(pci_cfg::kInterruptLine, 0, 0xFF);
}

void PciFunction::init8(uint8_t offset, uint8_t value, uint8_t writable) {
  config_[offset] = power_on_[offset] = value;
  writable_[offset] = writable;
}

void PciFunction::init16(uint8_t offset, uint16_t value, uint16_t writable) {
  for (unsigned i = 0; i < 2; ++i) {
    init8(static_cast<uint8_t>(offset + i), static_cast<uint8_t>(value >> (8 * i)),
          static_cast<uint8_t>(writable >> (8 * i)));
  }
}

void PciFunction::init32(uint8_t offset, uint32_t value, uint32_t writable) {
  for (unsigned i = 0; i < 4; ++i) {
    init8(static_cast<uint8_t>(offset + i), static_cast<uint8_t>(value >> (8 * i)),
          static_cast<uint8_t>(writable >> (8 * i)));
  }
}

void PciFunction::set_subsystem(uint16_t vendor, uint16_t id) {
  init16(pci_cfg::kSubsystemVendor, vendor, 0);
  init16(pci_cfg::kSubsystem, id, 0);
}

// A BAR's size is a power of two; its low bits read back as zero (or as
// the type bits), which is how software sizes it (PCI 2.2, 6.2.5.1).
void PciFunction::declare_bar(int index, BarKind kind, uint32_t size) {
  if (index < 0 || index > 5 || size == 0 || (size & (size - 1)) != 0 ||
      (kind == BarKind::kIo ? size < 4 : size < 16)) {
    throw std::invalid_argument("bad PCI BAR declaration");
  }
  bars_[index] = Bar{kind, size, std::nullopt};
  const uint32_t type = kind == BarKind::kIo                   ? 0x1u
                        : kind == BarKind::kMemoryPrefetchable ? 0x8u
                                                               : 0x0u;
  init32(static_cast<uint8_t>(pci_cfg::kBar0 + 4 * index), type, ~(size - 1));
}

void PciFunction::declare_rom(uint32_t size) {
  if (size < 2048 || (size & (size - 1)) != 0) throw std::invalid_argument("bad PCI ROM size");
  bars_[kRomBarIndex] = Bar{BarKind::kMemory, size, std::nullopt};
  init32(pci_cfg::kRomBar, 0, ~(size - 1) | 1u);  // address bits and the enable bit
}

uint16_t PciFunction::config16(uint8_t offset) const {
  return static_cast<uint16_t>(config_[offset] | (config_[offset + 1u] << 8));
}

uint32_t PciFunction::config32(uint8_t offset) const {
  return config16(offset) | (uint32_t{config16(static_cast<uint8_t>(offset + 2))} << 16);
}

uint32_t PciFunction::config_read(uint8_t offset, unsigned size) const {
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint32_t{config_[(offset + i) & 0xFF]} << (8 * i);
  return v;
}

void PciFunction::config_write(uint8_t offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size; ++i) {
    const uint8_t at = static_cast<uint8_t>(offset + i);
    const auto byte = static_cast<uint8_t>(value >> (8 * i));
    config_[at] = static_cast<uint8_t>((config_[at] & ~writable_[at]) | (byte & writable_[at]));
  }
  update_bars();
  config_written(offset, size);
}

void PciFunction::reset() {
  config_ = power_on_;
  update_bars();
}

// Recomputes where each BAR decodes. A BAR is decoded when its space is
// enabled in the command register (and, for the ROM, its enable bit is set)
// and its address is neither 0 nor runs past the top of the space, which is
// how QEMU treats a BAR being sized.
void PciFunction::update_bars() {
  const uint16_t command = config16(pci_cfg::kCommand);
  for (int i = 0; i < 7; ++i) {
    Bar& bar = bars_[i];
    if (bar.size == 0) continue;
    const uint8_t reg =
        i == kRomBarIndex ? pci_cfg::kRomBar : static_cast<uint8_t>(pci_cfg::kBar0 + 4 * i);
    const uint32_t raw = config32(reg);
    const uint32_t base = raw & ~(bar.size - 1) & (bar.kind == BarKind::kIo ? ~3u : ~15u);
    const bool io = bar.kind == BarKind::kIo;
    bool on = io ? (command & pci_cfg::kCommandIo) : (command & pci_cfg::kCommandMemory);
    if (i == kRomBarIndex) on = on && (raw & 1);
    const uint64_t last = uint64_t{base} + bar.size - 1;
    if (base == 0 || last > (io ? 0xFFFFu : 0xFFFFFFFEu)) on = false;
    const std::optional<uint32_t> now = on ? std::optional<uint32_t>(base) : std::nullopt;
    if (now != bar.mapped) {
      bar.mapped = now;
      bar_changed(i, now);
    }
  }
}

void PciFunction::save_config(StateWriter& w) const {
  w.bytes(config_);
}

void PciFunction::load_config(StateReader& r) {
  r.bytes_into(config_);
  update_bars();
  config_written(0, static_cast<unsigned>(config_.size()));
}

}  // namespace tx86::core
