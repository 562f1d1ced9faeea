// PCI configuration mechanism #1 (PCI 2.2, 3.2.2.3.2): the dword address
// register at 0xCF8 and the data window at 0xCFC-0xCFF, routing accesses to
// the functions on bus 0. Absent functions read as all-ones, which is how
// firmware finds empty slots.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "core/io/io_bus.h"
#include "core/pci/pci_function.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class PciHost final : public core::IoHandler, public core::StatePart {
 public:
  // cf9: the byte register at 0xCF9 (the PIIX3 reset control) shares the
  // address register's ports; byte accesses there go to it.
  struct ByteRegister {
    std::function<uint8_t()> read;
    std::function<void(uint8_t)> write;
  };

  PciHost(core::IoBus& io, ByteRegister cf9);

  void attach(unsigned device, unsigned function, core::PciFunction* f);
  core::PciFunction* function(unsigned device, unsigned function) const {
    return functions_[device * 8 + function];
  }
  void reset();

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  core::PciFunction* selected(uint8_t& reg) const;

  ByteRegister cf9_;
  uint32_t address_ = 0;
  std::array<core::PciFunction*, 32 * 8> functions_{};
};

}  // namespace tx86::dev
