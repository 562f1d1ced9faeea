// The bus-master IDE engine of one channel (Intel 82371SB PIIX3 datasheet,
// 2.7; the SFF-8038i register set): command, status and the address of a
// table of physical region descriptors (PRDs: a 32-bit address, a byte
// count with 0 meaning 64 KiB, and an end-of-table bit) in guest memory.
// When the guest starts it and the selected device waits with a DMA
// request, it moves the data through the MemoryBus region by region.
#pragma once

#include <cstdint>
#include <functional>

#include "core/mem/memory_bus.h"
#include "core/state/state_stream.h"
#include "devices/storage/ata/ide_device.h"

namespace tx86::dev {

class BusMaster {
 public:
  static constexpr uint8_t kCmdStart = 0x01;
  static constexpr uint8_t kCmdToMemory = 0x08;
  static constexpr uint8_t kStatusActive = 0x01;
  static constexpr uint8_t kStatusError = 0x02;
  static constexpr uint8_t kStatusInterrupt = 0x04;

  explicit BusMaster(core::MemoryBus& memory) : memory_(memory) {}

  // The device a transfer would serve, and whether the PCI function may
  // master the bus now (its command register's bus-master bit).
  void set_device_source(std::function<IdeDevice*()> selected) { selected_ = std::move(selected); }
  void set_enable_source(std::function<bool()> enabled) { enabled_ = std::move(enabled); }

  void reset();
  // Registers at offsets 0-7 of this channel's eight bytes.
  uint32_t read(unsigned offset, unsigned size) const;
  void write(unsigned offset, unsigned size, uint32_t value);

  // The channel's interrupt line rose: the status's interrupt bit.
  void note_interrupt() { status_ |= kStatusInterrupt; }
  // A device may have a request now: move it if the engine runs.
  void run();

  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);

 private:
  core::MemoryBus& memory_;
  std::function<IdeDevice*()> selected_;
  std::function<bool()> enabled_;
  uint8_t command_ = 0;
  uint8_t status_ = 0;
  uint32_t prd_ = 0;
  bool running_ = false;  // re-entry guard: a device's completion may poke us
};

}  // namespace tx86::dev
