// The QEMU/Bochs "std VGA" (PCI 1234:1111): a VGA register file and 256 KiB
// of planar memory behind the legacy window, the Bochs VBE DISPI extension
// (0x1CE/0x1CF) with a 16 MiB linear frame buffer on BAR0, and the VGA BIOS
// in its expansion-ROM BAR (PLATFORM.md A.8). It stores everything the VGA
// BIOS and the guest program; showing it is the renderer's job.
//
// Its save state holds the registers, latches, VBE registers and VRAM
// (vga_state.cpp); the configuration space, and so where the BARs map the
// frame buffer and the ROM, is the PCI host's.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "core/mem/zeroed_array.h"
#include "core/pci/pci_function.h"
#include "core/sched/scheduler.h"
#include "core/state/state_part.h"
#include "devices/video/frame_cache.h"
#include "devices/video/vga_memory.h"
#include "devices/video/vga_registers.h"
#include "devices/video/vga_render.h"

namespace tx86::dev {

class StdVga final : public core::PciFunction,
                     public core::IoHandler,
                     public core::MmioHandler,
                     public core::StatePart {
 public:
  static constexpr uint32_t kVramSize = 16u << 20;
  static constexpr uint32_t kRomBarSize = 64u << 10;
  static constexpr uint16_t kMaxXres = 1920;
  static constexpr uint16_t kMaxYres = 1200;
  static constexpr uint16_t kMaxBpp = 32;

  // rom: the VGA BIOS image (at most 64 KiB), served by the ROM BAR.
  StdVga(core::IoBus& io, core::MemoryBus& memory, core::Scheduler& scheduler,
         std::vector<uint8_t> rom);

  void reset() override;

  const VgaRegisters& registers() const { return regs_; }
  std::span<const uint8_t> rom() const { return rom_; }
  std::span<const uint8_t> vram() const { return vram_; }
  bool vbe_enabled() const { return vbe_[kVbeEnable] & 1; }
  // What the Bochs VBE registers say the screen shows.
  VbeDisplay vbe_display() const;
  // The picture now (vga_render.h), redrawn where it changed since the
  // last call (frame_cache.h).
  const Frame& frame(uint64_t frame_number) const {
    return cache_.update(regs_, vram_, vbe_display(), frame_number, changes_);
  }
  // Goes up whenever frame() returns a different picture.
  uint64_t frame_version() const { return cache_.version(); }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;
  uint32_t mmio_read(uint32_t offset, unsigned size) override;
  void mmio_write(uint32_t offset, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 protected:
  void bar_changed(int index, std::optional<uint32_t> address) override;

 private:
  // Bochs VBE DISPI register indexes.
  static constexpr unsigned kVbeId = 0, kVbeXres = 1, kVbeYres = 2, kVbeBpp = 3, kVbeEnable = 4,
                            kVbeBank = 5, kVbeVirtWidth = 6, kVbeVirtHeight = 7, kVbeXOffset = 8,
                            kVbeYOffset = 9, kVbeVideoMemory64k = 10, kVbeCount = 11;

  uint8_t read_port(uint16_t port);
  void write_port(uint16_t port, uint8_t value);
  uint8_t input_status();
  uint16_t vbe_read(unsigned index) const;
  void vbe_write(unsigned index, uint16_t value);
  uint8_t window_read(uint32_t offset);
  void window_write(uint32_t offset, uint8_t value);

  core::MemoryBus& memory_;
  core::Scheduler& scheduler_;
  std::vector<uint8_t> rom_;
  core::ZeroedArray<uint8_t> vram_;  // (its pages are touched as the guest writes them)
  VgaRegisters regs_;
  VgaMemory planes_;
  std::array<uint16_t, kVbeCount> vbe_{};
  uint16_t vbe_index_ = 0;
  std::optional<uint32_t> lfb_at_;
  std::optional<uint32_t> rom_at_;
  uint64_t changes_ = 0;  // register and legacy-window writes, for cache_
  mutable FrameCache cache_;
};

// The screen of a text mode as lines of UTF-8 (code page 437), trailing
// blanks removed; a note instead when the adapter is in a graphics mode.
std::string text_screen(const VgaRegisters& regs, std::span<const uint8_t> vram);

}  // namespace tx86::dev
