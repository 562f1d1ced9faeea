// CPU access to the VGA's four planes through the A0000-BFFFF window: the
// sequencer's map mask, chain-4 and odd/even addressing, and the graphics
// controller's latches, read modes 0-1, write modes 0-3, set/reset, rotate,
// logical function and bit mask (IBM VGA Technical Reference).
//
// VRAM is one byte array holding the planes interleaved: byte p of dword n
// is plane p at plane offset n. Chain-4 and the VBE linear frame buffer
// then address it as a flat array. Chain-4 and odd/even packing follow the
// QEMU model (plane offset = address >> 2 or >> 1), which the text dump and
// renderers read back the same way.
#pragma once

#include <cstdint>
#include <span>

#include "core/state/state_stream.h"
#include "devices/video/vga_registers.h"

namespace tx86::dev {

class VgaMemory {
 public:
  VgaMemory(VgaRegisters& regs, std::span<uint8_t> vram) : regs_(regs), vram_(vram) {}

  // offset: from the start of the window the GC misc register selects.
  uint8_t read(uint32_t offset);
  void write(uint32_t offset, uint8_t value);

  // The window the GC misc register maps: base and size within A0000-BFFFF.
  void window(uint32_t& base, uint32_t& size) const;

  void reset() { latch_ = 0; }

  // The latches (the planes are the device's to save).
  void save_state(core::StateWriter& w) const { w.u32(latch_); }
  void load_state(core::StateReader& r) { latch_ = r.u32(); }

 private:
  VgaRegisters& regs_;
  std::span<uint8_t> vram_;
  uint32_t latch_ = 0;  // the four plane latches, plane p in byte p
};

}  // namespace tx86::dev
