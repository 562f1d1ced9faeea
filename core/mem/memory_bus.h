// The guest physical address space.
//
// A 4 GiB space in 4 KiB pages. Each page is backed by guest RAM, by ROM
// (reads from a host buffer, writes dropped), by device memory, by an MMIO
// handler, or is unassigned (reads all-ones, writes dropped); RAM can hide
// behind the others and be switched in for reads and writes separately, as
// the chipset's shadow-RAM (PAM) registers do. A page table with one entry
// per page makes every lookup a shift and an index, which the interpreter
// and the MMU's TLB fill rely on. The A20 gate masks address bit 20 before
// lookup.
#pragma once

#include <array>
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

  // Each page has two layers: system RAM behind it (if any), with read and
  // write enables (the chipset's shadow-RAM controls), and what the bus
  // decodes there otherwise: ROM, device memory, MMIO or nothing. Ranges
  // are page aligned; a later mapping of a layer replaces an earlier one.

  // RAM, readable and writable.
  void map_ram(PhysAddr base, uint64_t size, uint64_t ram_offset);
  // RAM present but disabled until set_ram_access() turns it on (the BIOS
  // and option-ROM area, SMRAM).
  void attach_hidden_ram(PhysAddr base, uint64_t size, uint64_t ram_offset);
  // Shadow control: reads and writes go to the RAM behind the range, or to
  // the device layer. Pages without RAM behind them are left alone.
  void set_ram_access(PhysAddr base, uint64_t size, bool read, bool write);

  // The bus keeps a copy of the ROM bytes; writes are dropped.
  void map_rom(PhysAddr base, std::span<const uint8_t> bytes);
  // Memory owned by a device (a frame buffer), accessed directly.
  void map_device_memory(PhysAddr base, uint64_t size, uint8_t* host, bool writable);
  void map_mmio(PhysAddr base, uint64_t size, MmioHandler* handler);
  // Removes the device layer (ROM, device memory or MMIO) of a range.
  void unmap(PhysAddr base, uint64_t size);

  // Where the run of pages from 1 MiB up that read and write as guest RAM
  // at their own address (not shadowed by ROM, MMIO or device memory) ends;
  // 1 MiB when there is none. A20 is not taken into account.
  uint64_t ram_identity_end();
  static constexpr uint64_t kRamIdentityStart = 1u << 20;

  void set_a20(bool enabled);
  bool a20() const { return a20_mask_ == 0xFFFFFFFFu; }

  // Host bytes of the page holding addr (after A20 masking), for direct
  // access by the TLB; nullptr when accesses must go through read8() /
  // write8() (MMIO, unassigned, ROM writes).
  uint8_t* host_page_for_read(PhysAddr addr) { return page_of(addr).read_host; }
  uint8_t* host_page_for_write(PhysAddr addr) { return page_of(addr).write_host; }

  // Called with the range whenever what backs it changes (not for the A20
  // gate, which changes no page's contents): translated code from those
  // pages is stale.
  void add_remap_listener(std::function<void(PhysAddr base, uint64_t size)> listener) {
    remap_listeners_.push_back(std::move(listener));
  }

  // Pages holding translated code: writes to them (by the CPU, DMA or a
  // loader) go the slow way and call the code-write listener first with the
  // bytes about to change; it drops the translations those bytes belong to
  // and returns whether the page still holds code (self-modifying code).
  void set_code_page(PhysAddr addr, bool code);
  bool is_code_page(PhysAddr addr) const { return page_of(addr).code; }
  // One byte per page of the first ram_size() bytes of the space, non-zero
  // when that page or the next holds translated code: translated code that
  // writes RAM at its own address (Mmu's RAM window) checks an access, or a
  // run of them within 4 KiB, with the byte of its first page. Below 2 GiB
  // of the host's addresses when there is room, as RAM is.
  const uint8_t* code_near_map() const { return code_near_; }
  void set_code_write_listener(std::function<bool(PhysAddr addr, unsigned size)> listener) {
    code_write_listener_ = std::move(listener);
  }
  // How many writes have hit translated code so far.
  uint64_t code_writes() const { return code_writes_; }
  // Whether an access at addr only touches host memory that reads back what
  // was written (RAM, ROM, device memory; a dropped write): no device sees
  // it, so a journal can undo it and it can be repeated.
  bool plain_access(PhysAddr addr, bool write) const;
  // The listener calls this when a write did hit translated code.
  void note_code_write();

  // Called after any change of the map or the A20 gate, so that caches of
  // translations (TLBs, translated code) can drop what they hold.
  void add_map_listener(std::function<void()> listener) {
    map_listeners_.push_back(std::move(listener));
  }
  // Called when a page starts or stops holding translated code: only its
  // write permission changed (TLBs drop what they hold for it).
  void add_code_page_listener(std::function<void(PhysAddr page)> listener) {
    code_page_listeners_.push_back(std::move(listener));
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
  struct Page {
    // Derived from the layers below: where reads and writes go directly.
    uint8_t* read_host = nullptr;
    uint8_t* write_host = nullptr;
    // Device layer.
    uint8_t* device_host = nullptr;  // ROM image or device memory
    MmioHandler* mmio = nullptr;
    uint32_t mmio_offset = 0;  // offset of this page within its MMIO range
    bool device_writable = false;
    // RAM layer.
    uint8_t* ram_host = nullptr;
    bool ram_read = false;
    bool ram_write = false;
    bool code = false;  // holds translated code: writes take the slow path
  };

  // Two-level page table: 4 MiB chunks, allocated when something is mapped
  // in them; the rest of the space shares one unassigned page.
  static constexpr unsigned kChunkBits = 10;
  static constexpr unsigned kChunkPages = 1u << kChunkBits;
  using Chunk = std::array<Page, kChunkPages>;

  const Page& page_of(PhysAddr a) const {
    const uint32_t n = (a & a20_mask_) >> kPageShift;
    const Chunk* c = chunks_[n >> kChunkBits].get();
    return c != nullptr ? (*c)[n & (kChunkPages - 1)] : unassigned_;
  }
  Page& page_for_update(uint64_t addr);
  static uint8_t* store_target(const Page& p);
  static void derive(Page& p);
  uint32_t read_slow(PhysAddr addr, unsigned size);
  void write_slow(PhysAddr addr, unsigned size, uint32_t value);
  void check_range(PhysAddr base, uint64_t size) const;
  void notify_map_changed();
  void notify_remapped(PhysAddr base, uint64_t size);

  uint64_t ram_size_;
  uint8_t* ram_ = nullptr;
  uint8_t* code_near_ = nullptr;  // code_near_map()
  std::array<std::unique_ptr<Chunk>, (kPhysSpace >> kPageShift) / kChunkPages> chunks_;
  Page unassigned_;
  std::vector<std::vector<uint8_t>> rom_images_;
  uint32_t a20_mask_ = 0xFFFFFFFFu;
  std::vector<std::function<void()>> map_listeners_;
  std::vector<std::function<void(PhysAddr)>> code_page_listeners_;
  std::function<bool(PhysAddr, unsigned)> code_write_listener_;
  std::vector<std::function<void(PhysAddr, uint64_t)>> remap_listeners_;
  uint64_t code_writes_ = 0;
  uint64_t ram_identity_end_ = 0;  // 0: to be found again (the map changed)
};

}  // namespace tx86::core
