// A vector of trivially copyable values that keeps its first N in place.
// The exit states of a block's stubs (block_emitter.h) are made for every
// memory access and copied into its stub; almost all are small, and a heap
// allocation each was a good part of translation time.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace tx86::jit::x64 {

template <class T, size_t N>
class SmallVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  void push_back(const T& v) {
    if (heap_.empty() && size_ < N) {
      inline_[size_++] = v;
      return;
    }
    if (heap_.empty()) heap_.assign(inline_.begin(), inline_.begin() + size_);
    heap_.push_back(v);
    ++size_;
  }
  void clear() {
    size_ = 0;
    heap_.clear();
  }
  template <class Pred>
  void erase_if(Pred pred) {
    T* const first = begin();
    size_ = static_cast<uint32_t>(std::remove_if(first, first + size_, pred) - first);
    if (!heap_.empty()) heap_.resize(size_);
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return heap_.empty() ? inline_.data() : heap_.data(); }
  T* end() { return begin() + size_; }
  const T* begin() const { return heap_.empty() ? inline_.data() : heap_.data(); }
  const T* end() const { return begin() + size_; }

 private:
  std::array<T, N> inline_{};
  uint32_t size_ = 0;
  std::vector<T> heap_;  // all the values once there are more than N
};

}  // namespace tx86::jit::x64
