// Memory for translated code, W^X: one shared-memory region mapped twice,
// writable at one address and executable at another, so code is written and
// patched (block chaining) without ever being writable and executable at the
// same address. When full, the owner flushes everything and starts over.
// For profiling it can instead be one anonymous mapping, writable and
// executable at once: perf names JIT code from /tmp/perf-PID.map only in
// anonymous memory, never in a (memfd) file mapping.
//
// allocate, allocate_data and reset may be called from two threads (the
// JIT's background translation emits here while the dispatcher links).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace tx86::jit {

class CodeArena {
 public:
  enum class Mapping { kDual, kSingleForProfiling };
  explicit CodeArena(size_t bytes, Mapping mapping = Mapping::kDual);
  ~CodeArena();
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;

  // Reserves size bytes (16-byte aligned); nullptr when the arena is full.
  // Returns the executable address; writable(exec) gives the alias to write.
  uint8_t* allocate(size_t size);
  // Reserves data that translated code reads and its stubs write (8-byte
  // aligned), from the arena's other end, in pages that hold no code (a
  // store next to code would cost the host a self-modifying-code flush).
  // Same addresses as allocate(); nullptr when the arena is full.
  uint8_t* allocate_data(size_t size);
  uint8_t* writable(const uint8_t* exec) const { return rw_ + (exec - rx_); }
  bool contains(const void* p) const {
    return static_cast<const uint8_t*>(p) >= rx_ && static_cast<const uint8_t*>(p) < rx_ + size_;
  }
  // Everything after `keep` bytes is discarded (stubs at the start survive).
  void reset(size_t keep);
  size_t used() const { return used_.load(std::memory_order_relaxed); }
  size_t capacity() const { return size_; }
  uint8_t* base() const { return rx_; }
  size_t offset_of(const uint8_t* exec) const { return static_cast<size_t>(exec - rx_); }

 private:
  size_t size_;
  std::mutex mutex_;
  std::atomic<size_t> used_ = 0;
  size_t data_start_;  // data fills [data_start_, size_)
  uint8_t* rw_ = nullptr;
  uint8_t* rx_ = nullptr;
};

}  // namespace tx86::jit
