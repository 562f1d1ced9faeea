// One Intel 8237A DMA controller: four channels of address/count registers
// and the shared command, status, request and mask registers, as the CPU
// programs them through 16 register addresses (8237A datasheet, Figure 6
// and Table 2). The chip knows nothing of pages or word channels: it hands
// out a 16-bit address and steps it, and isa_dma.h turns that into a bus
// address.
#pragma once

#include <array>
#include <cstdint>
#include "core/state/state_part.h"

namespace tx86::dev {

class Dma8237 {
 public:
  // Register addresses (A3-A0).
  static constexpr unsigned kRegStatusCommand = 0x8;
  static constexpr unsigned kRegRequest = 0x9;
  static constexpr unsigned kRegSingleMask = 0xA;
  static constexpr unsigned kRegMode = 0xB;
  static constexpr unsigned kRegClearFlipFlop = 0xC;
  static constexpr unsigned kRegMasterClearTemp = 0xD;
  static constexpr unsigned kRegClearMask = 0xE;
  static constexpr unsigned kRegAllMask = 0xF;

  // Mode register fields.
  static constexpr uint8_t kModeTypeMask = 0x0C;
  static constexpr uint8_t kModeVerify = 0x00;
  static constexpr uint8_t kModeWrite = 0x04;  // device to memory
  static constexpr uint8_t kModeRead = 0x08;   // memory to device
  static constexpr uint8_t kModeAutoinit = 0x10;
  static constexpr uint8_t kModeDecrement = 0x20;
  static constexpr uint8_t kModeSelectMask = 0xC0;
  static constexpr uint8_t kModeCascade = 0xC0;

  // Command register bit 2: the whole controller ignores requests.
  static constexpr uint8_t kCommandDisable = 0x04;

  Dma8237() { reset(); }

  // The RESET pin and the master clear command: command, status, request,
  // temporary and the byte flip-flop cleared, all four masks set. Address,
  // count and mode registers keep their contents.
  void reset();

  uint8_t read(unsigned reg);
  void write(unsigned reg, uint8_t value);

  // The channel as the transfer logic sees it.
  uint16_t current_address(unsigned ch) const { return channels_[ch].current_address; }
  uint16_t current_count(unsigned ch) const { return channels_[ch].current_count; }
  uint8_t mode(unsigned ch) const { return channels_[ch].mode; }
  bool masked(unsigned ch) const { return (mask_ >> ch) & 1; }
  bool disabled() const { return (command_ & kCommandDisable) != 0; }
  uint8_t command() const { return command_; }
  uint8_t mask() const { return mask_; }

  // One transfer cycle done: steps the address and count. Returns true when
  // the count rolled from 0 to 0xFFFF, i.e. terminal count: the status TC
  // bit and EOP follow, then autoinitialize reloads the current registers
  // from the base registers, or else the channel masks itself (datasheet,
  // "Mask Register" and "Autoinitialize").
  bool step(unsigned ch);

  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);

 private:
  struct Channel {
    uint16_t base_address = 0;
    uint16_t base_count = 0;
    uint16_t current_address = 0;
    uint16_t current_count = 0;
    uint8_t mode = 0;
  };

  uint8_t access_byte(uint16_t value);

  std::array<Channel, 4> channels_{};
  uint8_t command_ = 0;
  uint8_t status_tc_ = 0;  // status bits 3-0
  uint8_t request_ = 0;    // software requests, status bits 7-4
  uint8_t mask_ = 0xF;
  bool high_byte_ = false;  // the first/last flip-flop
};

}  // namespace tx86::dev
