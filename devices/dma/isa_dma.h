// The AT's DMA subsystem: two 8237A controllers and the page registers
// (PLATFORM.md A.2).
//
// Controller 1 (ports 0x00-0x0F) serves the 8-bit channels 0-3; controller 2
// (0xC0-0xDF, registers every second port, A0 ignored) the 16-bit channels
// 4-7, and its channel 4 is the cascade input of controller 1, so masking
// channel 4 or disabling controller 2 blocks channels 0-3 as well. The page
// registers at 0x81-0x8F (a 74LS612 on the AT) supply address bits 23-16;
// 0x80 is the POST code port and belongs to devices/debug. The bus address
// of a transfer is
//   8-bit:  page << 16 | address            (wraps inside 64 KiB)
//   16-bit: (page & 0xFE) << 16 | address << 1  (wraps inside 128 KiB)
// and every byte goes through the MemoryBus.
//
// Devices reach a channel through core::DmaChannel (see its header for the
// DRQ/DACK model). Software requests only show in the status register:
// with no device behind them there is nothing to move.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/io/dma_channel.h"
#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "core/state/state_part.h"
#include "devices/dma/dma8237.h"

namespace tx86::dev {

class IsaDma final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kController1Port = 0x00;
  static constexpr uint16_t kController2Port = 0xC0;
  static constexpr uint16_t kPagePortBase = 0x80;
  static constexpr unsigned kChannels = 8;
  static constexpr unsigned kCascadeChannel = 4;

  IsaDma(core::IoBus& io, core::MemoryBus& memory);
  ~IsaDma() override;
  IsaDma(const IsaDma&) = delete;
  IsaDma& operator=(const IsaDma&) = delete;

  // RESET on both controllers; the page registers keep their contents.
  void reset();

  // Channel n (0-7). Channel 4 is the cascade and never transfers.
  core::DmaChannel& channel(unsigned n) { return channels_.at(n); }

  // The page register of channel n, for tests and the monitor.
  uint8_t page(unsigned n) const { return pages_[kPagePort.at(n) - kPagePortBase]; }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  class Channel final : public core::DmaChannel {
   public:
    Channel() = default;
    void attach(IsaDma* owner, unsigned number) {
      owner_ = owner;
      number_ = number;
    }
    size_t transfer_to_memory(std::span<const uint8_t> data) override;
    size_t transfer_from_memory(std::span<uint8_t> out) override;
    bool terminal_count() const override { return tc_; }
    bool masked() const override;
    void clear_terminal_count() { tc_ = false; }
    void set_terminal_count(bool tc) { tc_ = tc; }  // (a save state's)

   private:
    // Moves units until the buffer or the count runs out; from_device holds
    // bytes for memory, to_device receives bytes from it (one is empty).
    size_t run(std::span<const uint8_t> from_device, std::span<uint8_t> to_device);

    IsaDma* owner_ = nullptr;
    unsigned number_ = 0;
    bool tc_ = false;
  };

  // Page register port of each channel (IBM AT technical reference).
  static constexpr std::array<uint16_t, kChannels> kPagePort = {0x87, 0x83, 0x81, 0x82,
                                                                0x8F, 0x8B, 0x89, 0x8A};

  Dma8237& controller_of(unsigned ch) { return ch < 4 ? dma1_ : dma2_; }
  core::PhysAddr bus_address(unsigned ch) const;

  core::IoBus& io_;
  core::MemoryBus& memory_;
  Dma8237 dma1_;
  Dma8237 dma2_;
  std::array<uint8_t, 16> pages_{};  // ports 0x80-0x8F; 0x80 itself unused
  std::array<Channel, kChannels> channels_;
};

}  // namespace tx86::dev
