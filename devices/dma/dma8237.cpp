#include "devices/dma/dma8237.h"

namespace tx86::dev {

void Dma8237::reset() {
  command_ = 0;
  status_tc_ = 0;
  request_ = 0;
  mask_ = 0xF;
  high_byte_ = false;
}

uint8_t Dma8237::access_byte(uint16_t value) {
  // Address and count registers are 16 bits behind an 8-bit port: the
  // first/last flip-flop picks the byte and toggles on every access.
  const uint8_t byte = high_byte_ ? static_cast<uint8_t>(value >> 8) : static_cast<uint8_t>(value);
  high_byte_ = !high_byte_;
  return byte;
}

uint8_t Dma8237::read(unsigned reg) {
  if (reg < 8) {
    const Channel& c = channels_[reg >> 1];
    // Reads return the current registers; the base ones are write-only.
    return access_byte((reg & 1) != 0 ? c.current_count : c.current_address);
  }
  switch (reg) {
    case kRegStatusCommand: {
      const uint8_t value = static_cast<uint8_t>(status_tc_ | (request_ << 4));
      status_tc_ = 0;  // TC bits clear on each status read
      return value;
    }
    case kRegMasterClearTemp: return 0;  // the temporary register: only memory-to-memory fills it
    case kRegAllMask:
      // The 8237A calls this read illegal; the PC's ISA bridges (Intel SIO,
      // PIIX) make the all-mask register read/write.
      return mask_;
    default: return 0xFF;  // "illegal" reads (datasheet Figure 6): nothing drives the bus
  }
}

void Dma8237::write(unsigned reg, uint8_t value) {
  if (reg < 8) {
    Channel& c = channels_[reg >> 1];
    uint16_t& base = (reg & 1) != 0 ? c.base_count : c.base_address;
    uint16_t& current = (reg & 1) != 0 ? c.current_count : c.current_address;
    // A write loads the base and the current register together.
    if (high_byte_) {
      base = static_cast<uint16_t>((base & 0x00FF) | (value << 8));
    } else {
      base = static_cast<uint16_t>((base & 0xFF00) | value);
    }
    current = base;
    high_byte_ = !high_byte_;
    return;
  }
  const unsigned ch = value & 3;
  const uint8_t bit = static_cast<uint8_t>(1u << ch);
  switch (reg) {
    case kRegStatusCommand: command_ = value; break;
    case kRegRequest: request_ = (value & 4) != 0 ? (request_ | bit) : (request_ & ~bit); break;
    case kRegSingleMask: mask_ = (value & 4) != 0 ? (mask_ | bit) : (mask_ & ~bit); break;
    case kRegMode: channels_[ch].mode = static_cast<uint8_t>(value & 0xFC); break;
    case kRegClearFlipFlop: high_byte_ = false; break;
    case kRegMasterClearTemp: reset(); break;
    case kRegClearMask: mask_ = 0; break;
    case kRegAllMask: mask_ = value & 0xF; break;
    default: break;
  }
}

bool Dma8237::step(unsigned ch) {
  Channel& c = channels_[ch];
  // The address counter is 16 bits: it wraps inside the page (the page
  // register is a separate latch that the 8237 never carries into).
  c.current_address += (c.mode & kModeDecrement) != 0 ? 0xFFFF : 1;
  const bool tc = c.current_count == 0;
  --c.current_count;
  if (!tc) return false;
  const uint8_t bit = static_cast<uint8_t>(1u << ch);
  status_tc_ |= bit;
  request_ &= static_cast<uint8_t>(~bit);  // EOP clears the software request
  if ((c.mode & kModeAutoinit) != 0) {
    c.current_address = c.base_address;
    c.current_count = c.base_count;
  } else {
    mask_ |= bit;
  }
  return true;
}

void Dma8237::save_state(core::StateWriter& w) const {
  for (const Channel& c : channels_) {
    for (const uint16_t v : {c.base_address, c.base_count, c.current_address, c.current_count})
      w.u16(v);
    w.u8(c.mode);
  }
  w.u8(command_);
  w.u8(status_tc_);
  w.u8(request_);
  w.u8(mask_);
  w.boolean(high_byte_);
}

void Dma8237::load_state(core::StateReader& r) {
  for (Channel& c : channels_) {
    for (uint16_t* v : {&c.base_address, &c.base_count, &c.current_address, &c.current_count})
      *v = r.u16();
    c.mode = r.u8();
  }
  command_ = r.u8();
  status_tc_ = r.u8();
  request_ = r.u8();
  mask_ = r.u8();
  high_byte_ = r.boolean();
}

}  // namespace tx86::dev
