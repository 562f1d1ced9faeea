#include "core/io/io_bus.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace tx86::core {

IoBus::IoBus() : port_range_(65536, kNone) {}

void IoBus::register_ports(uint16_t first, unsigned count, IoHandler* handler, uint8_t widths,
                           std::string name) {
  if (count == 0 || first + count > 65536 || (widths & kIoWidthAll) == 0 || handler == nullptr) {
    throw std::invalid_argument("bad I/O port registration for " + name);
  }
  for (unsigned p = first; p < first + count; ++p) {
    if (port_range_[p] != kNone) {
      throw std::logic_error("I/O port " + std::to_string(p) + " claimed by both " +
                             ranges_[port_range_[p]].name + " and " + name);
    }
  }
  ranges_.push_back(Range{handler, widths, std::move(name)});
  const auto index = static_cast<uint16_t>(ranges_.size() - 1);
  for (unsigned p = first; p < first + count; ++p) port_range_[p] = index;
}

void IoBus::unregister_ports(uint16_t first, unsigned count) {
  for (unsigned p = first; p < first + count && p < 65536; ++p) port_range_[p] = kNone;
}

const std::string& IoBus::owner(uint16_t port) const {
  static const std::string kEmpty;
  return port_range_[port] == kNone ? kEmpty : ranges_[port_range_[port]].name;
}

uint32_t IoBus::read(uint16_t port, unsigned size) {
  const uint16_t idx = port_range_[port];
  if (idx != kNone && (ranges_[idx].widths & size) != 0) {
    return ranges_[idx].handler->io_read(port, size);
  }
  if (idx == kNone && size == 1) {
    note_unhandled(port, false, 0);
    return 0xFF;
  }
  // Split into bytes: a 16-bit device seen through 8-bit accesses, or a
  // wide access that spans unhandled ports.
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) {
    const auto p = static_cast<uint16_t>(port + i);
    const uint16_t j = port_range_[p];
    uint32_t byte = 0xFF;
    if (j == kNone) {
      note_unhandled(p, false, 0);
    } else if (ranges_[j].widths & kIoWidth8) {
      byte = ranges_[j].handler->io_read(p, 1) & 0xFF;
    }
    v |= byte << (8 * i);
  }
  return v;
}

void IoBus::write(uint16_t port, unsigned size, uint32_t value) {
  const uint16_t idx = port_range_[port];
  if (idx != kNone && (ranges_[idx].widths & size) != 0) {
    ranges_[idx].handler->io_write(port, size, value);
    return;
  }
  for (unsigned i = 0; i < size; ++i) {
    const auto p = static_cast<uint16_t>(port + i);
    const uint16_t j = port_range_[p];
    const uint32_t byte = (value >> (8 * i)) & 0xFF;
    if (j == kNone) {
      note_unhandled(p, true, byte);
    } else if (ranges_[j].widths & kIoWidth8) {
      ranges_[j].handler->io_write(p, 1, byte);
    }
  }
}

void IoBus::note_unhandled(uint16_t port, bool is_write, uint32_t value) {
  if (logged_.test(port)) return;
  logged_.set(port);
  if (is_write) {
    spdlog::debug("io: write 0x{:02x} to unhandled port 0x{:04x}", value, port);
  } else {
    spdlog::debug("io: read from unhandled port 0x{:04x}", port);
  }
}

}  // namespace tx86::core
