// Port and memory traffic to a whole PC board, as a hostile guest could
// send it, from fuzz input: what fuzz_devices and fuzz_disk_image drive
// their boards with. No CPU runs; guest time advances between accesses so
// that devices' timers fire, the CPU's INTA cycle takes interrupts, and the
// display renders frames.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/io/char_backend.h"
#include "core/machine/machine.h"
#include "devices/pc/board.h"

namespace tx86::fuzz {

inline constexpr uint64_t kBoardRam = 8u << 20;

// The operands, taken from the input; zeros once it runs out.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  uint8_t u8() { return at_ < size_ ? data_[at_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | u8() << 8); }
  uint32_t u32() { return u16() | uint32_t{u16()} << 16; }
  std::span<const uint8_t> bytes(size_t n) {
    n = std::min(n, size_ - std::min(at_, size_));
    const std::span<const uint8_t> out{data_ + at_, n};
    at_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

// A serial line's host side: what the guest sends is dropped; what it
// reads is given to it.
class FuzzLine final : public core::CharBackend {
 public:
  void write(std::span<const uint8_t>) override {}
  size_t read(std::span<uint8_t> out) override;
  void give(std::span<const uint8_t> bytes) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  }

 private:
  std::vector<uint8_t> pending_;
};

class NullSink final : public core::CharSink {
 public:
  void write(std::span<const uint8_t>) override {}
};

// The machine and board under test: config's serial lines and debug
// console are these; its drives are the caller's. PCI BARs and decoding
// are as SeaBIOS leaves them.
struct BoardUnderTest {
  explicit BoardUnderTest(dev::BoardConfig config);
  core::Machine machine;
  FuzzLine com1, com2;
  NullSink debugcon;
  std::unique_ptr<dev::Board> board;
};

// Runs the input's operations (at most max_ops) against the board.
void run_traffic(BoardUnderTest& pc, Input& in, unsigned max_ops = 4096);

}  // namespace tx86::fuzz
