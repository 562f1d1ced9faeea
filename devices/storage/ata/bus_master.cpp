#include "devices/storage/ata/bus_master.h"

#include <algorithm>
#include <span>

namespace tx86::dev {

namespace {
// A PRD table lives inside one 64 KiB region (SFF-8038i): at most 8192
// entries, which also bounds a table with no end-of-table bit.
constexpr unsigned kMaxPrds = 65536 / 8;
}  // namespace

void BusMaster::reset() {
  command_ = 0;
  status_ = 0;
  prd_ = 0;
}

uint32_t BusMaster::read(unsigned offset, unsigned size) const {
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) {
    uint8_t b = 0;
    switch (offset + i) {
      case 0: b = command_; break;
      case 2: b = status_; break;
      case 4:
      case 5:
      case 6:
      case 7: b = static_cast<uint8_t>(prd_ >> (8 * (offset + i - 4))); break;
      default: break;
    }
    v |= static_cast<uint32_t>(b) << (8 * i);
  }
  return v;
}

void BusMaster::write(unsigned offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size; ++i) {
    const auto b = static_cast<uint8_t>(value >> (8 * i));
    switch (offset + i) {
      case 0: {
        const bool was_started = command_ & kCmdStart;
        // The direction may change only while stopped.
        const uint8_t dir = was_started ? (command_ & kCmdToMemory) : (b & kCmdToMemory);
        command_ = static_cast<uint8_t>((b & kCmdStart) | dir);
        if (!(b & kCmdStart)) {
          status_ &= static_cast<uint8_t>(~kStatusActive);
        } else if (!was_started) {
          status_ |= kStatusActive;
          run();
        }
        break;
      }
      case 2:
        // Error and interrupt are cleared by writing 1; the two "drive DMA
        // capable" bits are plain storage.
        status_ = static_cast<uint8_t>((status_ & ~(b & (kStatusError | kStatusInterrupt)) & 0x07) |
                                       (b & 0x60));
        break;
      case 4:
      case 5:
      case 6:
      case 7: {
        const unsigned shift = 8 * (offset + i - 4);
        prd_ = (prd_ & ~(0xFFu << shift)) | (static_cast<uint32_t>(b) << shift);
        prd_ &= ~3u;
        break;
      }
      default: break;
    }
  }
}

void BusMaster::run() {
  if (running_ || !(command_ & kCmdStart) || !(status_ & kStatusActive)) return;
  if (enabled_ && !enabled_()) return;
  IdeDevice* device = selected_ ? selected_() : nullptr;
  DmaRequest* request = device != nullptr ? device->dma_request() : nullptr;
  if (request == nullptr) return;
  running_ = true;
  if (request->to_memory != ((command_ & kCmdToMemory) != 0)) {
    // Programmed for the other direction: nothing moves.
    status_ = static_cast<uint8_t>((status_ | kStatusError) & ~kStatusActive);
    device->dma_done(false);
    running_ = false;
    return;
  }
  std::span<uint8_t> data(request->data);
  size_t done = 0;
  bool table_end = false;
  for (unsigned n = 0; n < kMaxPrds && done < data.size() && !table_end; ++n) {
    const core::PhysAddr entry = prd_ + 8 * n;
    const uint32_t address = memory_.read32(entry) & ~1u;
    const uint32_t flags = memory_.read32(entry + 4);
    const uint32_t count = (flags & 0xFFFF) == 0 ? 65536u : flags & 0xFFFE;
    table_end = (flags & 0x80000000u) != 0;
    const size_t n_bytes = std::min<size_t>(count, data.size() - done);
    if (request->to_memory) {
      memory_.write_block(address, data.subspan(done, n_bytes));
    } else {
      memory_.read_block(address, data.subspan(done, n_bytes));
    }
    done += n_bytes;
    // A table longer than the transfer leaves the engine active (the
    // driver stops it), one that ends exactly or early clears it.
    if (done == data.size() && n_bytes < count) table_end = false;
  }
  if (table_end || done < data.size()) status_ &= static_cast<uint8_t>(~kStatusActive);
  device->dma_done(done == data.size());
  running_ = false;
}

}  // namespace tx86::dev
