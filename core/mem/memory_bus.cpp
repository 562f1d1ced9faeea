#include "core/mem/memory_bus.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace tx86::core {

namespace {
constexpr uint64_t kMaxRam = 3584ull << 20;
}  // namespace

MemoryBus::MemoryBus(uint64_t ram_bytes) : ram_size_(ram_bytes) {
  if (ram_bytes == 0 || ram_bytes > kMaxRam || (ram_bytes & kPageMask) != 0) {
    throw std::invalid_argument("RAM size must be a non-zero multiple of 4 KiB up to 3584 MiB");
  }
  // Anonymous pages are zero and cost nothing until the guest touches them.
  // Below 2 GiB of the host's address space when there is room, so that
  // translated code can address RAM with a 32-bit displacement (x86-64's
  // MAP_32BIT); anywhere otherwise.
  constexpr int kFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  auto low_map = [](uint64_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, kFlags | MAP_32BIT, -1, 0);
    if (p == MAP_FAILED) p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, kFlags, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<uint8_t*>(p);
  };
  ram_ = low_map(ram_bytes);
  try {
    code_near_ = low_map(ram_bytes >> kPageShift);
  } catch (...) {
    munmap(ram_, ram_bytes);
    throw;
  }
}

MemoryBus::~MemoryBus() {
  munmap(code_near_, ram_size_ >> kPageShift);
  munmap(ram_, ram_size_);
}

void MemoryBus::check_range(PhysAddr base, uint64_t size) const {
  if ((base & kPageMask) != 0 || (size & kPageMask) != 0 || size == 0 ||
      uint64_t{base} + size > kPhysSpace) {
    throw std::invalid_argument("memory mapping must be page aligned and inside 4 GiB");
  }
}

MemoryBus::Page& MemoryBus::page_for_update(uint64_t addr) {
  const uint64_t n = addr >> kPageShift;
  std::unique_ptr<Chunk>& c = chunks_[n >> kChunkBits];
  if (!c) c = std::make_unique<Chunk>();
  return (*c)[n & (kChunkPages - 1)];
}

// Where a write lands in host memory, if anywhere; code pages hide it from
// the fast paths so that the JIT hears about the write first.
uint8_t* MemoryBus::store_target(const Page& p) {
  if (p.ram_write) return p.ram_host;
  return (p.mmio == nullptr && p.device_writable) ? p.device_host : nullptr;
}

bool MemoryBus::plain_access(PhysAddr addr, bool write) const {
  const Page& p = page_of(addr);
  if (!write) return p.read_host != nullptr;
  const uint8_t* target = store_target(p);
  if (target == nullptr) return p.mmio == nullptr || p.ram_write;
  return target == p.read_host;
}

void MemoryBus::derive(Page& p) {
  p.read_host = p.ram_read ? p.ram_host : (p.mmio == nullptr ? p.device_host : nullptr);
  p.write_host = p.code ? nullptr : store_target(p);
}

void MemoryBus::set_a20(bool enabled) {
  const uint32_t mask = enabled ? 0xFFFFFFFFu : ~(1u << 20);
  if (mask == a20_mask_) return;
  a20_mask_ = mask;
  notify_map_changed();
}

void MemoryBus::notify_map_changed() {
  for (auto& listener : map_listeners_) listener();
}

void MemoryBus::notify_remapped(PhysAddr base, uint64_t size) {
  ram_identity_end_ = 0;
  for (auto& listener : remap_listeners_) listener(base, size);
  notify_map_changed();
}

uint64_t MemoryBus::ram_identity_end() {
  if (ram_identity_end_ != 0) return ram_identity_end_;
  uint64_t end = kRamIdentityStart;
  while (end < ram_size_ && end < kPhysSpace) {
    const uint32_t n = static_cast<uint32_t>(end >> kPageShift);
    const Chunk* c = chunks_[n >> kChunkBits].get();
    if (c == nullptr) break;
    const Page& p = (*c)[n & (kChunkPages - 1)];
    if (p.read_host != ram_ + end || store_target(p) != ram_ + end) break;
    end += kPageSize;
  }
  ram_identity_end_ = end;
  return end;
}

void MemoryBus::map_ram(PhysAddr base, uint64_t size, uint64_t ram_offset) {
  attach_hidden_ram(base, size, ram_offset);
  set_ram_access(base, size, true, true);
}

void MemoryBus::attach_hidden_ram(PhysAddr base, uint64_t size, uint64_t ram_offset) {
  check_range(base, size);
  if (ram_offset + size > ram_size_ || (ram_offset & kPageMask) != 0) {
    throw std::invalid_argument("RAM mapping outside guest RAM");
  }
  for (uint64_t off = 0; off < size; off += kPageSize) {
    Page& p = page_for_update(base + off);
    p.ram_host = ram_ + ram_offset + off;
    p.ram_read = p.ram_write = false;
    derive(p);
  }
  notify_remapped(base, size);
}

void MemoryBus::set_ram_access(PhysAddr base, uint64_t size, bool read, bool write) {
  check_range(base, size);
  for (uint64_t off = 0; off < size; off += kPageSize) {
    Page& p = page_for_update(base + off);
    if (p.ram_host == nullptr) continue;
    p.ram_read = read;
    p.ram_write = write;
    derive(p);
  }
  notify_remapped(base, size);
}

void MemoryBus::map_rom(PhysAddr base, std::span<const uint8_t> bytes) {
  check_range(base, bytes.size());
  // When rom_images_ grows it moves the inner vectors, whose buffers stay put.
  std::vector<uint8_t>& image = rom_images_.emplace_back(bytes.begin(), bytes.end());
  for (uint64_t off = 0; off < image.size(); off += kPageSize) {
    Page& p = page_for_update(base + off);
    p.device_host = image.data() + off;
    p.device_writable = false;
    p.mmio = nullptr;
    derive(p);
  }
  notify_remapped(base, bytes.size());
}

void MemoryBus::map_device_memory(PhysAddr base, uint64_t size, uint8_t* host, bool writable) {
  check_range(base, size);
  for (uint64_t off = 0; off < size; off += kPageSize) {
    Page& p = page_for_update(base + off);
    p.device_host = host + off;
    p.device_writable = writable;
    p.mmio = nullptr;
    derive(p);
  }
  notify_remapped(base, size);
}

void MemoryBus::map_mmio(PhysAddr base, uint64_t size, MmioHandler* handler) {
  check_range(base, size);
  for (uint64_t off = 0; off < size; off += kPageSize) {
    Page& p = page_for_update(base + off);
    p.device_host = nullptr;
    p.device_writable = false;
    p.mmio = handler;
    p.mmio_offset = static_cast<uint32_t>(off);
    derive(p);
  }
  notify_remapped(base, size);
}

void MemoryBus::unmap(PhysAddr base, uint64_t size) {
  check_range(base, size);
  for (uint64_t off = 0; off < size; off += kPageSize) {
    Page& p = page_for_update(base + off);
    p.device_host = nullptr;
    p.device_writable = false;
    p.mmio = nullptr;
    derive(p);
  }
  notify_remapped(base, size);
}

uint32_t MemoryBus::read_slow(PhysAddr addr, unsigned size) {
  // Either the access crosses a page or the page has no direct read bytes.
  if (((addr & kPageMask) + size) > kPageSize) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t{read8(addr + i)} << (8 * i);
    return v;
  }
  const Page& p = page_of(addr);
  if (p.read_host != nullptr) {
    uint32_t v = 0;
    std::memcpy(&v, p.read_host + (addr & kPageMask), size);
    return v;
  }
  if (p.mmio != nullptr) return p.mmio->mmio_read(p.mmio_offset + (addr & kPageMask), size);
  return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

void MemoryBus::note_code_write() {
  ++code_writes_;
}

void MemoryBus::set_code_page(PhysAddr addr, bool code) {
  Page& p = page_for_update(addr & a20_mask_);
  if (p.code == code) return;
  p.code = code;
  derive(p);
  // (Pages by number, not through the A20 gate: the window is open only
  // with A20 on.)
  auto code_at = [this](uint64_t n) {
    if (n >= (kPhysSpace >> kPageShift)) return false;
    const Chunk* c = chunks_[n >> kChunkBits].get();
    return c != nullptr && (*c)[n & (kChunkPages - 1)].code;
  };
  const uint64_t n = (addr & a20_mask_) >> kPageShift;
  for (uint64_t m = n > 0 ? n - 1 : 0; m <= n && m < (ram_size_ >> kPageShift); ++m) {
    code_near_[m] = code_at(m) || code_at(m + 1) ? 1 : 0;
  }
  for (auto& listener : code_page_listeners_) listener((addr & a20_mask_) & ~kPageMask);
}

void MemoryBus::write_slow(PhysAddr addr, unsigned size, uint32_t value) {
  if (((addr & kPageMask) + size) > kPageSize) {
    for (unsigned i = 0; i < size; ++i) write8(addr + i, static_cast<uint8_t>(value >> (8 * i)));
    return;
  }
  if (page_of(addr).code) {
    const PhysAddr a = addr & a20_mask_;
    const bool still_code = code_write_listener_ && code_write_listener_(a, size);
    if (!still_code) set_code_page(a & ~kPageMask, false);
  }
  const Page& p = page_of(addr);
  if (uint8_t* host = store_target(p); host != nullptr) {
    std::memcpy(host + (addr & kPageMask), &value, size);
  } else if (!p.ram_write && p.mmio != nullptr) {
    p.mmio->mmio_write(p.mmio_offset + (addr & kPageMask), size, value);
  }
}

uint8_t MemoryBus::read8(PhysAddr addr) {
  const Page& p = page_of(addr);
  if (p.read_host != nullptr) return p.read_host[addr & kPageMask];
  return static_cast<uint8_t>(read_slow(addr, 1));
}

uint16_t MemoryBus::read16(PhysAddr addr) {
  const Page& p = page_of(addr);
  if (p.read_host != nullptr && (addr & kPageMask) <= kPageSize - 2) {
    uint16_t v;
    std::memcpy(&v, p.read_host + (addr & kPageMask), 2);
    return v;
  }
  return static_cast<uint16_t>(read_slow(addr, 2));
}

uint32_t MemoryBus::read32(PhysAddr addr) {
  const Page& p = page_of(addr);
  if (p.read_host != nullptr && (addr & kPageMask) <= kPageSize - 4) {
    uint32_t v;
    std::memcpy(&v, p.read_host + (addr & kPageMask), 4);
    return v;
  }
  return read_slow(addr, 4);
}

void MemoryBus::write8(PhysAddr addr, uint8_t value) {
  const Page& p = page_of(addr);
  if (p.write_host != nullptr) {
    p.write_host[addr & kPageMask] = value;
    return;
  }
  write_slow(addr, 1, value);
}

void MemoryBus::write16(PhysAddr addr, uint16_t value) {
  const Page& p = page_of(addr);
  if (p.write_host != nullptr && (addr & kPageMask) <= kPageSize - 2) {
    std::memcpy(p.write_host + (addr & kPageMask), &value, 2);
    return;
  }
  write_slow(addr, 2, value);
}

void MemoryBus::write32(PhysAddr addr, uint32_t value) {
  const Page& p = page_of(addr);
  if (p.write_host != nullptr && (addr & kPageMask) <= kPageSize - 4) {
    std::memcpy(p.write_host + (addr & kPageMask), &value, 4);
    return;
  }
  write_slow(addr, 4, value);
}

void MemoryBus::read_block(PhysAddr addr, std::span<uint8_t> out) {
  // A page at a time: directly readable pages are one copy, the rest
  // (MMIO, unmapped) byte by byte through the slow path.
  size_t done = 0;
  while (done < out.size()) {
    const auto a = static_cast<PhysAddr>(addr + done);
    const size_t n = std::min<size_t>(out.size() - done, kPageSize - (a & kPageMask));
    const Page& p = page_of(a);
    if (p.read_host != nullptr) {
      std::memcpy(out.data() + done, p.read_host + (a & kPageMask), n);
    } else {
      for (size_t i = 0; i < n; ++i) out[done + i] = read8(static_cast<PhysAddr>(a + i));
    }
    done += n;
  }
}

void MemoryBus::write_block(PhysAddr addr, std::span<const uint8_t> in) {
  // As read_block; pages holding code have no direct write pointer, so
  // their bytes still go through write8 and the code-write check.
  size_t done = 0;
  while (done < in.size()) {
    const auto a = static_cast<PhysAddr>(addr + done);
    const size_t n = std::min<size_t>(in.size() - done, kPageSize - (a & kPageMask));
    const Page& p = page_of(a);
    if (p.write_host != nullptr) {
      std::memcpy(p.write_host + (a & kPageMask), in.data() + done, n);
    } else {
      for (size_t i = 0; i < n; ++i) write8(static_cast<PhysAddr>(a + i), in[done + i]);
    }
    done += n;
  }
}

void MemoryBus::load_block(PhysAddr addr, std::span<const uint8_t> in) {
  for (size_t i = 0; i < in.size(); ++i) {
    const auto a = static_cast<PhysAddr>(addr + i);
    const Page& p = page_of(a);
    if (p.write_host == nullptr && p.mmio == nullptr && p.device_host != nullptr) {
      p.device_host[a & kPageMask] = in[i];  // into a ROM image
    } else {
      write8(a, in[i]);
    }
  }
}

}  // namespace tx86::core
