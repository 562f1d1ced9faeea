// One PCI function's configuration space (PCI Local Bus Specification 2.2,
// chapter 6): the standard header, BARs with their sizing behaviour, the
// expansion-ROM BAR, and hooks that tell the device when the guest moves or
// enables a BAR. Devices derive from it; the chipset's configuration
// mechanism routes CF8h/CFCh accesses to it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include "core/state/state_stream.h"

namespace tx86::core {

enum class BarKind : uint8_t { kIo, kMemory, kMemoryPrefetchable };

namespace pci_cfg {
inline constexpr uint8_t kVendor = 0x00;
inline constexpr uint8_t kDevice = 0x02;
inline constexpr uint8_t kCommand = 0x04;
inline constexpr uint8_t kStatus = 0x06;
inline constexpr uint8_t kRevision = 0x08;
inline constexpr uint8_t kProgIf = 0x09;
inline constexpr uint8_t kSubclass = 0x0A;
inline constexpr uint8_t kClass = 0x0B;
inline constexpr uint8_t kHeaderType = 0x0E;
inline constexpr uint8_t kBar0 = 0x10;
inline constexpr uint8_t kSubsystemVendor = 0x2C;
inline constexpr uint8_t kSubsystem = 0x2E;
inline constexpr uint8_t kRomBar = 0x30;
inline constexpr uint8_t kInterruptLine = 0x3C;
inline constexpr uint8_t kInterruptPin = 0x3D;

inline constexpr uint16_t kCommandIo = 1u << 0;
inline constexpr uint16_t kCommandMemory = 1u << 1;
inline constexpr uint16_t kCommandBusMaster = 1u << 2;
inline constexpr uint16_t kCommandSerr = 1u << 8;
}  // namespace pci_cfg

class PciFunction {
 public:
  static constexpr int kRomBarIndex = 6;

  PciFunction(uint16_t vendor, uint16_t device, uint8_t class_code, uint8_t subclass,
              uint8_t prog_if, uint8_t revision);
  virtual ~PciFunction() = default;
  PciFunction(const PciFunction&) = delete;
  PciFunction& operator=(const PciFunction&) = delete;

  // size 1, 2 or 4, and the access stays inside one dword.
  uint32_t config_read(uint8_t offset, unsigned size) const;
  void config_write(uint8_t offset, unsigned size, uint32_t value);

  // Back to the power-on configuration: BARs unassigned, decoding off.
  virtual void reset();

  uint8_t config8(uint8_t offset) const { return config_[offset]; }
  uint16_t config16(uint8_t offset) const;
  uint32_t config32(uint8_t offset) const;
  // Where a BAR is decoded now (nullopt: not decoded).
  std::optional<uint32_t> bar_address(int index) const { return bars_[index].mapped; }

  // Save states: the configuration space. Loading it maps the BARs where it
  // says (bar_changed) and lets the function derive what it derives from
  // its registers (config_written over the whole space).
  void save_config(StateWriter& w) const;
  void load_config(StateReader& r);

 protected:
  // Setup, from the derived constructor.
  void set_header_type(uint8_t type) { init8(pci_cfg::kHeaderType, type, 0); }
  void set_subsystem(uint16_t vendor, uint16_t id);
  void set_interrupt_pin(uint8_t pin) { init8(pci_cfg::kInterruptPin, pin, 0); }
  void declare_bar(int index, BarKind kind, uint32_t size);
  void declare_rom(uint32_t size);
  // A device register: its power-on value and which bits the guest may write.
  void init8(uint8_t offset, uint8_t value, uint8_t writable);
  void init16(uint8_t offset, uint16_t value, uint16_t writable);
  void init32(uint8_t offset, uint32_t value, uint32_t writable);
  // A device changing its own register (status bits, locked fields).
  void poke8(uint8_t offset, uint8_t value) { config_[offset] = value; }

  // Called when a BAR starts or stops being decoded, or moves.
  virtual void bar_changed(int index, std::optional<uint32_t> address) {
    (void)index;
    (void)address;
  }
  // Called after each guest write, for device-specific registers.
  virtual void config_written(uint8_t offset, unsigned size) {
    (void)offset;
    (void)size;
  }

 private:
  struct Bar {
    BarKind kind = BarKind::kMemory;
    uint32_t size = 0;  // 0: not implemented
    std::optional<uint32_t> mapped;
  };

  void update_bars();

  std::array<uint8_t, 256> config_{};
  std::array<uint8_t, 256> writable_{};
  std::array<uint8_t, 256> power_on_{};
  std::array<Bar, 7> bars_{};
};

}  // namespace tx86::core
