#include "devices/dma/isa_dma.h"

namespace tx86::dev {

namespace {
constexpr unsigned kController1Ports = 16;
constexpr unsigned kController2Ports = 32;
constexpr uint16_t kFirstPagePort = 0x81;
constexpr unsigned kPagePorts = 15;  // 0x81-0x8F
}  // namespace

IsaDma::IsaDma(core::IoBus& io, core::MemoryBus& memory) : io_(io), memory_(memory) {
  for (unsigned n = 0; n < kChannels; ++n) channels_[n].attach(this, n);
  io.register_ports(kController1Port, kController1Ports, this, core::kIoWidth8, "dma1");
  io.register_ports(kController2Port, kController2Ports, this, core::kIoWidth8, "dma2");
  io.register_ports(kFirstPagePort, kPagePorts, this, core::kIoWidth8, "dma-page");
}

IsaDma::~IsaDma() {
  io_.unregister_ports(kController1Port, kController1Ports);
  io_.unregister_ports(kController2Port, kController2Ports);
  io_.unregister_ports(kFirstPagePort, kPagePorts);
}

void IsaDma::reset() {
  dma1_.reset();
  dma2_.reset();
  for (Channel& c : channels_) c.clear_terminal_count();
}

uint32_t IsaDma::io_read(uint16_t port, unsigned) {
  if (port < kController1Port + kController1Ports) return dma1_.read(port - kController1Port);
  if (port >= kController2Port) return dma2_.read((port - kController2Port) >> 1);
  return pages_[port - kPagePortBase];
}

void IsaDma::io_write(uint16_t port, unsigned, uint32_t value) {
  const auto byte = static_cast<uint8_t>(value);
  if (port < kController1Port + kController1Ports) {
    dma1_.write(port - kController1Port, byte);
  } else if (port >= kController2Port) {
    dma2_.write((port - kController2Port) >> 1, byte);
  } else {
    pages_[port - kPagePortBase] = byte;
  }
}

core::PhysAddr IsaDma::bus_address(unsigned ch) const {
  const uint32_t page = pages_[kPagePort[ch] - kPagePortBase];
  if (ch < 4) return page << 16 | dma1_.current_address(ch);
  // Word channels: the 8237 address drives A16-A1 and page bit 0 is unused
  // (IBM AT technical reference, "DMA Controller").
  return (page & 0xFE) << 16 | static_cast<uint32_t>(dma2_.current_address(ch - 4)) << 1;
}

bool IsaDma::Channel::masked() const {
  const unsigned local = number_ & 3;
  const Dma8237& own = number_ < 4 ? owner_->dma1_ : owner_->dma2_;
  if (number_ == kCascadeChannel) return true;
  if (own.disabled() || own.masked(local)) return true;
  if ((own.mode(local) & Dma8237::kModeSelectMask) == Dma8237::kModeCascade) return true;
  // Controller 1 reaches the bus only through channel 4 of controller 2
  // (Intel 82378 SIO datasheet 3.2.6: masking channel 4 masks channels 0-3).
  if (number_ < 4 && (owner_->dma2_.disabled() || owner_->dma2_.masked(0))) return true;
  return false;
}

size_t IsaDma::Channel::transfer_to_memory(std::span<const uint8_t> data) {
  return run(data, {});
}

size_t IsaDma::Channel::transfer_from_memory(std::span<uint8_t> out) {
  return run({}, out);
}

size_t IsaDma::Channel::run(std::span<const uint8_t> from_device, std::span<uint8_t> to_device) {
  tc_ = false;
  if (masked()) return 0;
  Dma8237& chip = owner_->controller_of(number_);
  const unsigned local = number_ & 3;
  const uint8_t type = chip.mode(local) & Dma8237::kModeTypeMask;
  const bool to_memory = !from_device.empty();
  const size_t length = to_memory ? from_device.size() : to_device.size();
  // The device's direction must match the programmed transfer type; verify
  // cycles run either way but touch no memory.
  if (type != Dma8237::kModeVerify &&
      type != (to_memory ? Dma8237::kModeWrite : Dma8237::kModeRead)) {
    return 0;
  }
  const size_t unit = number_ < 4 ? 1 : 2;
  size_t done = 0;
  while (done + unit <= length) {
    const core::PhysAddr addr = owner_->bus_address(number_);
    for (size_t i = 0; i < unit; ++i) {
      // A word's two bytes sit at an even address, so addr + 1 never leaves
      // the 128 KiB block.
      if (type == Dma8237::kModeVerify) {
        if (!to_memory) to_device[done + i] = 0xFF;  // no memory cycle: a floating bus
      } else if (to_memory) {
        owner_->memory_.write8(static_cast<core::PhysAddr>(addr + i), from_device[done + i]);
      } else {
        to_device[done + i] = owner_->memory_.read8(static_cast<core::PhysAddr>(addr + i));
      }
    }
    done += unit;
    if (chip.step(local)) {
      tc_ = true;
      break;
    }
  }
  return done;
}

void IsaDma::save_state(core::StateWriter& w) const {
  dma1_.save_state(w);
  dma2_.save_state(w);
  w.bytes(pages_);
  for (const Channel& c : channels_) w.boolean(c.terminal_count());
}

void IsaDma::load_state(core::StateReader& r) {
  dma1_.load_state(r);
  dma2_.load_state(r);
  r.bytes_into(pages_);
  for (Channel& c : channels_) c.set_terminal_count(r.boolean());
}

}  // namespace tx86::dev
