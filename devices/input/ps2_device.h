// A device on a PS/2 port, as the 8042 sees it: it receives bytes from the
// host and holds the bytes it wants to send until the controller takes them,
// one at a time, into its single-byte output buffer.
//
// Two queues, as on a real keyboard (VirtualBox DevPS2K.cpp notes, IBM PS/2
// Technical Reference): command replies go ahead of stored input (scan code
// sequences, mouse packets), but never into the middle of a sequence already
// being sent, and input is stored whole or not at all in a 16-byte buffer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include "core/state/state_part.h"

namespace tx86::dev {

class Ps2Device {
 public:
  // The 16-byte buffer of a PS/2 keyboard; Linux's i8042_flush and SeaBIOS
  // drain at most I8042_BUFFER_SIZE (16) bytes and call more a dead controller.
  static constexpr size_t kInputCapacity = 16;

  virtual ~Ps2Device() = default;

  // Power-on state. Keeps the data listener.
  virtual void reset() = 0;
  // A byte from the host (port 0x60, or the 8042's 0xD4 command for AUX).
  virtual void write(uint8_t byte) = 0;

  bool has_data() const { return !replies_.empty() || !input_.empty(); }
  // Part of an input sequence has been sent and the rest is waiting.
  bool mid_sequence() const { return !input_.empty() && input_.front().sent > 0; }
  // The next byte for the controller; call only when has_data().
  uint8_t read();

  // Called whenever a byte becomes available, so the controller can fill an
  // empty output buffer without polling.
  void set_data_listener(std::function<void()> listener) { listener_ = std::move(listener); }

 protected:
  // The queues, for the devices' save states.
  void save_queues(core::StateWriter& w) const;
  void load_queues(core::StateReader& r);

  // A reply to a host command.
  void reply(uint8_t byte);
  // Stores one input sequence (at most 8 bytes) if it fits; false if not.
  bool queue_input(std::span<const uint8_t> bytes);
  // Stores a sequence even past the capacity (the overrun marker).
  void force_input(std::span<const uint8_t> bytes);
  size_t input_bytes() const { return input_bytes_; }
  // Drops stored input not yet started; a half-sent sequence completes.
  void drop_pending_input();
  void clear_queues();
  uint8_t last_sent() const { return last_sent_; }
  // The input queue ran empty (the mouse sends what its counters hold).
  virtual void on_input_drained() {}

 private:
  struct Chunk {
    std::array<uint8_t, 8> bytes{};
    uint8_t size = 0;
    uint8_t sent = 0;
  };

  void notify();
  uint8_t take_input();

  std::deque<uint8_t> replies_;
  std::deque<Chunk> input_;
  size_t input_bytes_ = 0;  // unsent bytes in input_
  uint8_t last_sent_ = 0;
  std::function<void()> listener_;
};

}  // namespace tx86::dev
