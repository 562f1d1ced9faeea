// The i440FX host bridge (PCI 00:00.0, 8086:1237): shadow RAM for the BIOS
// and option-ROM area through the PAM registers, and SMRAM control
// (Intel 82441FX datasheet, 3.2.11-3.2.12; PLATFORM.md A.1).
#pragma once

#include "core/mem/memory_bus.h"
#include "core/pci/pci_function.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class I440fx final : public core::PciFunction, public core::StatePart {
 public:
  static constexpr uint8_t kPam0 = 0x59;
  static constexpr uint8_t kSmram = 0x72;

  explicit I440fx(core::MemoryBus& memory);
  void reset() override;

 protected:
  void config_written(uint8_t offset, unsigned size) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  void apply_pam();
  void apply_smram();

  core::MemoryBus& memory_;
  bool smram_locked_ = false;
};

}  // namespace tx86::dev
