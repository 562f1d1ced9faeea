// A fixed-size array that starts as all-zero bytes without the host
// writing it: fresh anonymous memory, whose pages the kernel maps (as
// zeros) when they are first touched. For the big tables
// made at start-up that a run may use little of (16 MiB of VGA memory, the
// decode cache): value-initializing them cost a page fault and a memset
// for every page, a third of the 40 ms tx86 took to start a Linux boot.
//
// T must be an implicit-lifetime type whose all-zero bytes are a valid
// value, aligned to at most a page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#include <sys/mman.h>

namespace tx86::core {

template <class T>
class ZeroedArray {
  static_assert(std::is_trivially_destructible_v<T> && alignof(T) <= 4096);

 public:
  explicit ZeroedArray(std::size_t n) : size_(n) {
    if (n == 0) return;
    void* p = mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
  }
  ~ZeroedArray() {
    if (data_ != nullptr) munmap(data_, bytes());
  }
  ZeroedArray(ZeroedArray&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  ZeroedArray& operator=(ZeroedArray&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  operator std::span<T>() { return {data_, size_}; }
  operator std::span<const T>() const { return {data_, size_}; }

 private:
  std::size_t bytes() const { return size_ * sizeof(T); }
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace tx86::core
