// One ISA DMA channel as a device sees it (the floppy controller, later a
// sound card).
//
// The DREQ/DACK handshake is folded into one call: a device that has data
// (or wants data) calls the channel, which moves as much as the programmed
// count allows and returns at once. A transfer moves nothing when the
// channel is masked, disabled, programmed for the other direction or for
// cascade mode; the device then keeps its request pending and tries again
// later (e.g. when the guest unmasks the channel and touches the device).
// Memory is reached through the channel's controller and MemoryBus, never
// directly, so a guest-programmed address can only land on the bus.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tx86::core {

class DmaChannel {
 public:
  virtual ~DmaChannel() = default;

  // A device-to-memory ("write") transfer: stores the leading bytes of data
  // in guest memory and returns how many were taken. It stops early at
  // terminal count. 16-bit channels move whole words: an odd last byte is
  // never taken. A verify transfer takes the bytes without storing them.
  virtual size_t transfer_to_memory(std::span<const uint8_t> data) = 0;

  // A memory-to-device ("read") transfer: fills the leading bytes of out
  // from guest memory and returns how many were filled, stopping early at
  // terminal count.
  virtual size_t transfer_from_memory(std::span<uint8_t> out) = 0;

  // Whether the last transfer ended at terminal count: the 8237's EOP,
  // which tells e.g. the floppy controller that the buffer is complete.
  virtual bool terminal_count() const = 0;

  // Whether the channel refuses transfers now (mask bit set, or the
  // controller or its cascade path disabled).
  virtual bool masked() const = 0;
};

}  // namespace tx86::core
