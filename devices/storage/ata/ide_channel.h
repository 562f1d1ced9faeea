// One IDE channel: the command block (base+0 .. base+7) and the control
// block (device control / alternate status) of ATA-6 section 7, two device
// slots, the channel's interrupt line, and its bus-master DMA engine
// (bus_master.h). Register writes reach both devices; the selected one
// answers reads and takes commands. A slot with no device keeps its
// registers but reads status 0, and a channel with no device at all reads
// 0 everywhere, as QEMU's does (SeaBIOS and Linux probe for devices by
// writing and reading back registers).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/mem/memory_bus.h"
#include "core/state/state_stream.h"
#include "devices/storage/ata/bus_master.h"
#include "devices/storage/ata/ide_device.h"

namespace tx86::dev {

class IdeChannel final : public core::IoHandler {
 public:
  static constexpr uint16_t kPrimaryBase = 0x1F0;
  static constexpr uint16_t kPrimaryControl = 0x3F6;
  static constexpr uint16_t kSecondaryBase = 0x170;
  static constexpr uint16_t kSecondaryControl = 0x376;

  IdeChannel(core::IoBus& io, core::IrqLine& irq, core::MemoryBus& memory, uint16_t base,
             uint16_t control, const std::string& name);
  ~IdeChannel() override;
  IdeChannel(const IdeChannel&) = delete;
  IdeChannel& operator=(const IdeChannel&) = delete;

  // Puts a device in slot 0 (master) or 1 (slave).
  void attach(unsigned slot, std::unique_ptr<IdeDevice> device);
  IdeDevice* device(unsigned slot) {
    return slots_[slot].present ? slots_[slot].device.get() : nullptr;
  }

  // Hardware reset (the machine's).
  void reset();

  BusMaster& bus_master() { return bus_master_; }

  // Save states: the channel's registers, its bus master, and each slot,
  // which must hold a device of the same kind as the saved one.
  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);

  uint32_t io_read(uint16_t port, unsigned size) override;
  unsigned io_read_string(uint16_t port, unsigned size, uint8_t* dst, unsigned count) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

 private:
  struct Slot {
    std::unique_ptr<IdeDevice> device;
    bool present = false;
  };

  IdeDevice& selected() { return *slots_[selected_].device; }
  bool empty() const { return !slots_[0].present && !slots_[1].present; }
  void write_control(uint8_t value);
  void update_irq();

  core::IoBus& io_;
  core::IrqLine& irq_;
  uint16_t base_;
  uint16_t control_port_;
  std::string name_;  // "ide0": ports and save states go by it
  std::array<Slot, 2> slots_;
  unsigned selected_ = 0;
  uint8_t control_ = 0;
  bool request_ = false;  // the selected device's INTRQ, before nIEN
  BusMaster bus_master_;
};

}  // namespace tx86::dev
