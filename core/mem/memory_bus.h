// The guest physical address space.
//
// A 4 GiB space in 4 KiB pages. Each page is backed by guest RAM, by ROM
// (reads from a host buffer, writes dropped), by an MMIO handler, or is
// unassigned (reads all-ones, writes dropped). A page table with one entry per
// page makes every lookup a shift and an index, which the interpreter and the
// MMU's TLB fill rely on. The A20 gate masks address bit 20 before lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tx86::core {

using PhysAddr = uint32_t;

inline constexpr uint32_t kPageShift = 12;
inline constexpr uint32_t kPageSize = 1u << kPageShift;
inline constexpr uint32_t kPageMask = kPageSize - 1;
inline constexpr uint64_t kPhysSpace = 1ull << 32;

// A device's view of an MMIO range. Offsets are relative to the range start;
// size is 1, 2 or 4 and the access never crosses the range end.
class MmioHandler {
 public:
  virtual ~MmioHandler() = default;
  virtual uint32_t mmio_read(uint32_t offset, unsigned size) = 0;
  virtual void mmio_write(uint32_t offset, unsigned size, uint32_t value) = 0;
};

class MemoryBus {
 public:
  // ram_bytes must be a multiple of the page size and at most 3.5 GiB.
  explicit MemoryBus(uint64_t ram_bytes);
  ~MemoryBus();
  MemoryBus(const MemoryBus&) = delete;
  MemoryBus& operator=(const MemoryBus&) = delete;

  uint64_t ram_size() const { return ram_size_; }
  uint8_t* ram() { return ram_; }

  // Mapping. Ranges are page aligned; a later mapping replaces an earlier one.
  void map_ram(PhysAddr base, uint64_t size, uint64_t ram_offset);
  // The bus keeps a copy of the ROM bytes. size must be a page multiple.
  void map_rom(PhysAddr base, std::span<const uint8_t> bytes);
  void map_mmio(PhysAddr base, uint64_t size, MmioHandler* handler);
  void unmap(PhysAddr base, uint64_t size);

  void set_a20(bool enabled);
  bool a20() const { return a20_mask_ == 0xFFFFFFFFu; }

  // Host bytes of the page holding addr (after A20 masking), for direct
  // access by the TLB: RAM or ROM for reads, RAM only for writes; nullptr
  // when accesses must go through read8()/write8() (MMIO, unassigned, ROM
  // writes).
  uint8_t* host_page_for_read(PhysAddr addr) {
    Page& p = page_of(addr);
    return p.host;
  }
  uint8_t* host_page_for_write(PhysAddr addr) {
    Page& p = page_of(addr);
    return p.kind == Kind::kRam ? p.host : nullptr;
  }

  // Called after any change of the map or the A20 gate, so that caches of
  // translations (TLBs, translated code) can drop what they hold.
  void add_map_listener(std::function<void()> listener) {
    map_listeners_.push_back(std::move(listener));
  }

  uint8_t read8(PhysAddr addr);
  uint16_t read16(PhysAddr addr);
  uint32_t read32(PhysAddr addr);
  void write8(PhysAddr addr, uint8_t value);
  void write16(PhysAddr addr, uint16_t value);
  void write32(PhysAddr addr, uint32_t value);

  // Byte-wise block copies through the map (DMA, loaders, tests).
  void read_block(PhysAddr addr, std::span<uint8_t> out);
  void write_block(PhysAddr addr, std::span<const uint8_t> in);
  // Loaders write firmware and kernels into RAM or ROM images directly;
  // unlike write_block this also stores into ROM pages.
  void load_block(PhysAddr addr, std::span<const uint8_t> in);

 private:
  enum class Kind : uint8_t { kUnassigned, kRam, kRom, kMmio };
  struct Page {
    uint8_t* host = nullptr;  // RAM or ROM bytes of this page
    MmioHandler* mmio = nullptr;
    uint32_t mmio_offset = 0;  // offset of this page within its MMIO range
    Kind kind = Kind::kUnassigned;
  };

  Page& page_of(PhysAddr a) { return pages_[(a & a20_mask_) >> kPageShift]; }
  uint32_t read_slow(PhysAddr addr, unsigned size);
  void write_slow(PhysAddr addr, unsigned size, uint32_t value);
  void check_range(PhysAddr base, uint64_t size) const;

  uint64_t ram_size_;
  uint8_t* ram_ = nullptr;
  std::vector<Page> pages_;
  std::vector<std::vector<uint8_t>> rom_images_;
  void notify_map_changed();

  uint32_t a20_mask_ = 0xFFFFFFFFu;
  std::vector<std::function<void()>> map_listeners_;
};

}  // namespace tx86::core
