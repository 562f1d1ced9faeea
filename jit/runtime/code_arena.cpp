#include "jit/runtime/code_arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace tx86::jit {

CodeArena::CodeArena(size_t bytes, Mapping mapping) : size_(bytes), data_start_(bytes) {
  if (mapping == Mapping::kSingleForProfiling) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED) {
      throw std::runtime_error(std::string("jit: mmap of the code arena: ") + std::strerror(errno));
    }
    rw_ = rx_ = static_cast<uint8_t*>(p);
    return;
  }
  void* rw = MAP_FAILED;
  void* rx = MAP_FAILED;
  const int fd = memfd_create("tx86-jit", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("jit: memfd_create: ") + std::strerror(errno));
  if (ftruncate(fd, static_cast<off_t>(bytes)) == 0) {
    rw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    rx = mmap(nullptr, bytes, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  } else if (errno == EFBIG) {
    // Under a file-size limit (ulimit -f) the memfd cannot grow: shared
    // anonymous memory, and a second mapping of its pages (mremap of size
    // 0 duplicates a shared mapping), do the same.
    rw = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rw != MAP_FAILED) {
      rx = mremap(rw, 0, bytes, MREMAP_MAYMOVE);
      if (rx != MAP_FAILED && mprotect(rx, bytes, PROT_READ | PROT_EXEC) != 0) {
        munmap(rx, bytes);
        rx = MAP_FAILED;
      }
    }
  } else {
    const int error = errno;
    close(fd);
    throw std::runtime_error(std::string("jit: ftruncate: ") + std::strerror(error));
  }
  const int error = errno;
  close(fd);
  if (rw == MAP_FAILED || rx == MAP_FAILED) {
    if (rw != MAP_FAILED) munmap(rw, bytes);
    if (rx != MAP_FAILED) munmap(rx, bytes);
    throw std::runtime_error(std::string("jit: mmap of the code arena: ") + std::strerror(error));
  }
  rw_ = static_cast<uint8_t*>(rw);
  rx_ = static_cast<uint8_t*>(rx);
}

CodeArena::~CodeArena() {
  if (rw_ != rx_) munmap(rw_, size_);
  munmap(rx_, size_);
}

namespace {
constexpr size_t kPage = 4096;
}

uint8_t* CodeArena::allocate(size_t size) {
  const std::lock_guard lock(mutex_);
  const size_t used = used_.load(std::memory_order_relaxed);
  const size_t start = (used + 15) & ~size_t{15};
  // (Code stays out of the data's pages.)
  if (start + size > (data_start_ & ~(kPage - 1))) return nullptr;
  used_.store(start + size, std::memory_order_relaxed);
  return rx_ + start;
}

uint8_t* CodeArena::allocate_data(size_t size) {
  const std::lock_guard lock(mutex_);
  if (size > data_start_) return nullptr;
  const size_t start = (data_start_ - size) & ~size_t{7};
  const size_t used = used_.load(std::memory_order_relaxed);
  if ((start & ~(kPage - 1)) < ((used + kPage - 1) & ~(kPage - 1))) return nullptr;
  data_start_ = start;
  return rx_ + start;
}

void CodeArena::reset(size_t keep) {
  const std::lock_guard lock(mutex_);
  used_.store(keep, std::memory_order_relaxed);
  data_start_ = size_;
}

}  // namespace tx86::jit
