#include "devices/chipset/pci_host.h"

#include <stdexcept>

namespace tx86::dev {

PciHost::PciHost(core::IoBus& io, ByteRegister cf9) : cf9_(std::move(cf9)) {
  io.register_ports(0xCF8, 8, this, core::kIoWidthAll, "pci-config");
}

void PciHost::attach(unsigned device, unsigned function, core::PciFunction* f) {
  if (device >= 32 || function >= 8) throw std::invalid_argument("bad PCI device number");
  functions_[device * 8 + function] = f;
}

void PciHost::reset() {
  address_ = 0;
}

// Bus 0 only; bit 31 enables configuration cycles.
core::PciFunction* PciHost::selected(uint8_t& reg) const {
  if (!(address_ & 0x80000000u) || ((address_ >> 16) & 0xFF) != 0) return nullptr;
  reg = static_cast<uint8_t>(address_ & 0xFC);
  return functions_[(address_ >> 8) & 0xFF];
}

uint32_t PciHost::io_read(uint16_t port, unsigned size) {
  const uint32_t ones = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
  if (port == 0xCF8 && size == 4) return address_;
  if (port == 0xCF9 && size == 1) return cf9_.read ? cf9_.read() : 0xFF;
  if (port < 0xCFC) return ones;
  uint8_t reg = 0;
  core::PciFunction* f = selected(reg);
  const unsigned lane = port - 0xCFC;
  if (f == nullptr || lane + size > 4) return ones;
  return f->config_read(static_cast<uint8_t>(reg + lane), size);
}

void PciHost::io_write(uint16_t port, unsigned size, uint32_t value) {
  if (port == 0xCF8 && size == 4) {
    address_ = value & 0x80FFFFFCu;
    return;
  }
  if (port == 0xCF9 && size == 1) {
    if (cf9_.write) cf9_.write(static_cast<uint8_t>(value));
    return;
  }
  if (port < 0xCFC) return;
  uint8_t reg = 0;
  core::PciFunction* f = selected(reg);
  const unsigned lane = port - 0xCFC;
  if (f == nullptr || lane + size > 4) return;
  f->config_write(static_cast<uint8_t>(reg + lane), size, value);
}

void PciHost::save_state(core::StateWriter& w) const {
  w.u32(address_);
  for (const core::PciFunction* f : functions_) {
    if (f != nullptr) f->save_config(w);
  }
}

void PciHost::load_state(core::StateReader& r) {
  address_ = r.u32();
  for (core::PciFunction* f : functions_) {
    if (f != nullptr) f->load_config(r);
  }
}

}  // namespace tx86::dev
