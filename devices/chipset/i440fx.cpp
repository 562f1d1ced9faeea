#include "devices/chipset/i440fx.h"

namespace tx86::dev {

namespace {
constexpr uint8_t kSmramDOpen = 1u << 6;
constexpr uint8_t kSmramDLock = 1u << 4;
constexpr uint8_t kSmramReset = 0x02;  // C_BASE_SEG = 010: the A/B segments
}  // namespace

I440fx::I440fx(core::MemoryBus& memory)
    : core::PciFunction(0x8086, 0x1237, 0x06, 0x00, 0x00, 0x02), memory_(memory) {
  // QEMU's subsystem ID, which SeaBIOS reports as "Running on QEMU (i440fx)".
  set_subsystem(0x1AF4, 0x1100);
  init8(0x50, 0x00, 0x70);  // PMCCFG
  init8(0x51, 0x01, 0x80);  // DETURBO
  init8(0x58, 0x10, 0x7F);  // DRAMC
  for (uint8_t r = kPam0; r <= kPam0 + 6; ++r) init8(r, 0x00, r == kPam0 ? 0x30 : 0x33);
  for (uint8_t r = 0x60; r <= 0x67; ++r) init8(r, 0x01, 0xFF);  // DRB
  init8(kSmram, kSmramReset, 0x78);
}

void I440fx::reset() {
  core::PciFunction::reset();
  smram_locked_ = false;
  apply_pam();
  apply_smram();
}

void I440fx::config_written(uint8_t offset, unsigned size) {
  const unsigned end = offset + size;
  if (offset <= kPam0 + 6 && end > kPam0) apply_pam();
  if (offset <= kSmram && end > kSmram) apply_smram();
}

// Each PAM nibble: bit 0 RE (reads from DRAM), bit 1 WE (writes to DRAM);
// PAM0's high nibble covers F0000-FFFFF, the others 16 KiB each from C0000.
void I440fx::apply_pam() {
  auto set = [&](uint32_t base, uint32_t size, uint8_t bits) {
    memory_.set_ram_access(base, size, bits & 1, bits & 2);
  };
  set(0xF0000, 0x10000, config8(kPam0) >> 4);
  for (unsigned i = 1; i <= 6; ++i) {
    const uint8_t reg = config8(static_cast<uint8_t>(kPam0 + i));
    const uint32_t base = 0xC0000 + (i - 1) * 0x8000;
    set(base, 0x4000, reg & 0xF);
    set(base + 0x4000, 0x4000, reg >> 4);
  }
}

// SMRAM: D_OPEN makes A0000-BFFFF decode to DRAM instead of the VGA. Once
// D_LCK is set, D_OPEN is cleared and both stay that way until reset.
void I440fx::apply_smram() {
  uint8_t v = config8(kSmram);
  if (v & kSmramDLock) smram_locked_ = true;
  if (smram_locked_) {
    v = static_cast<uint8_t>((v | kSmramDLock) & ~kSmramDOpen);
    poke8(kSmram, v);
  }
  const bool open = (v & kSmramDOpen) != 0;
  memory_.set_ram_access(0xA0000, 0x20000, open, open);
}

void I440fx::save_state(core::StateWriter& w) const {
  w.boolean(smram_locked_);
}

// (Its registers are the PCI host's to load, which applies them.)
void I440fx::load_state(core::StateReader& r) {
  smram_locked_ = r.boolean();
}

}  // namespace tx86::dev
