// The 64 KiB x86 I/O port space.
//
// Devices register port ranges with a handler. A handler states which access
// widths it accepts; a wider access to a byte-only device is split into byte
// accesses of consecutive ports, as the ISA bus does. An unhandled port reads
// all-ones and writes vanish; each such port is logged once.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

namespace tx86::core {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // size is 1, 2 or 4, and only a width the handler registered for.
  virtual uint32_t io_read(uint16_t port, unsigned size) = 0;
  virtual void io_write(uint16_t port, unsigned size, uint32_t value) = 0;
  // REP INS in one go: up to `count` reads of `size` bytes into `dst`, as
  // that many io_read calls would return them, or fewer (0: none, go one
  // by one). Stops where something other than the data would happen
  // between two reads (the end of an IDE data block).
  virtual unsigned io_read_string(uint16_t port, unsigned size, uint8_t* dst, unsigned count) {
    (void)port;
    (void)size;
    (void)dst;
    (void)count;
    return 0;
  }
};

enum IoWidth : uint8_t {
  kIoWidth8 = 1,
  kIoWidth16 = 2,
  kIoWidth32 = 4,
  kIoWidthAll = 7,
};

class IoBus {
 public:
  IoBus();

  // Claims [first, first+count) for handler; widths is a mask of IoWidth.
  // Overlapping an existing range is a programming error and throws.
  void register_ports(uint16_t first, unsigned count, IoHandler* handler, uint8_t widths,
                      std::string name);
  void unregister_ports(uint16_t first, unsigned count);

  uint8_t read8(uint16_t port) { return static_cast<uint8_t>(read(port, 1)); }
  uint16_t read16(uint16_t port) { return static_cast<uint16_t>(read(port, 2)); }
  uint32_t read32(uint16_t port) { return read(port, 4); }
  void write8(uint16_t port, uint8_t v) { write(port, 1, v); }
  void write16(uint16_t port, uint16_t v) { write(port, 2, v); }
  void write32(uint16_t port, uint32_t v) { write(port, 4, v); }

  uint32_t read(uint16_t port, unsigned size);
  void write(uint16_t port, unsigned size, uint32_t value);
  // IoHandler::io_read_string of the port's device, for a width it takes.
  unsigned read_string(uint16_t port, unsigned size, uint8_t* dst, unsigned count) {
    const uint16_t idx = port_range_[port];
    if (idx == kNone || (ranges_[idx].widths & size) == 0) return 0;
    return ranges_[idx].handler->io_read_string(port, size, dst, count);
  }

  // Name of the device owning a port, or empty (for logs and the monitor).
  const std::string& owner(uint16_t port) const;

 private:
  struct Range {
    IoHandler* handler;
    uint8_t widths;
    std::string name;
  };
  static constexpr uint16_t kNone = 0xFFFF;

  void note_unhandled(uint16_t port, bool is_write, uint32_t value);

  std::vector<uint16_t> port_range_;  // port -> index into ranges_, or kNone
  std::vector<Range> ranges_;
  std::bitset<65536> logged_;
};

}  // namespace tx86::core
