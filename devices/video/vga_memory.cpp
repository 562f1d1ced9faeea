#include "devices/video/vga_memory.h"

namespace tx86::dev {

namespace {

uint32_t expand_bits(uint8_t four_bits) {
  uint32_t v = 0;
  for (unsigned p = 0; p < 4; ++p) {
    if (four_bits & (1u << p)) v |= 0xFFu << (8 * p);
  }
  return v;
}

uint8_t rotate_right(uint8_t v, unsigned n) {
  n &= 7;
  return static_cast<uint8_t>((v >> n) | (v << ((8 - n) & 7)));
}

}  // namespace

void VgaMemory::window(uint32_t& base, uint32_t& size) const {
  switch ((regs_.gc[vga_reg::kGcMisc] >> 2) & 3) {
    case 0:
      base = 0x00000;
      size = 0x20000;
      break;
    case 1:
      base = 0x00000;
      size = 0x10000;
      break;
    case 2:
      base = 0x10000;
      size = 0x08000;
      break;
    default:
      base = 0x18000;
      size = 0x08000;
      break;
  }
}

uint8_t VgaMemory::read(uint32_t offset) {
  const uint8_t mem_mode = regs_.seq[vga_reg::kSeqMemoryMode];
  const uint8_t gc_mode = regs_.gc[vga_reg::kGcMode];
  if (mem_mode & 0x08) {  // chain-4: the address is linear
    return offset < vram_.size() ? vram_[offset] : 0xFF;
  }
  uint32_t plane_offset = offset;
  unsigned plane = regs_.gc[vga_reg::kGcReadMap] & 3;
  if (gc_mode & 0x10) {  // odd/even: A0 picks the plane within the pair
    plane = (plane & 2) | (offset & 1);
    plane_offset = offset >> 1;
  }
  const size_t at = size_t{plane_offset} * 4;
  if (at + 3 >= vram_.size()) return 0xFF;
  latch_ = uint32_t{vram_[at]} | (uint32_t{vram_[at + 1]} << 8) | (uint32_t{vram_[at + 2]} << 16) |
           (uint32_t{vram_[at + 3]} << 24);
  if (!(gc_mode & 0x08)) return static_cast<uint8_t>(latch_ >> (8 * plane));

  // Read mode 1: a bit is set where every plane that matters matches the
  // colour compare value.
  const uint32_t care = expand_bits(regs_.gc[vga_reg::kGcColorDontCare] & 0xF);
  const uint32_t want = expand_bits(regs_.gc[vga_reg::kGcColorCompare] & 0xF);
  const uint32_t diff = (latch_ ^ want) & care;
  const uint8_t any = static_cast<uint8_t>(diff | (diff >> 8) | (diff >> 16) | (diff >> 24));
  return static_cast<uint8_t>(~any);
}

void VgaMemory::write(uint32_t offset, uint8_t value) {
  const uint8_t mem_mode = regs_.seq[vga_reg::kSeqMemoryMode];
  uint8_t plane_mask = regs_.seq[vga_reg::kSeqMapMask] & 0xF;
  uint32_t plane_offset = offset;
  if (mem_mode & 0x08) {
    plane_mask &= static_cast<uint8_t>(1u << (offset & 3));
    plane_offset = offset >> 2;
  } else if (!(mem_mode & 0x04)) {  // odd/even
    plane_mask &= (offset & 1) ? 0xA : 0x5;
    plane_offset = offset >> 1;
  }
  const size_t at = size_t{plane_offset} * 4;
  if (plane_mask == 0 || at + 3 >= vram_.size()) return;

  const uint8_t mode = regs_.gc[vga_reg::kGcMode] & 3;
  const uint8_t rotate = regs_.gc[vga_reg::kGcDataRotate];
  const uint32_t set_reset = expand_bits(regs_.gc[vga_reg::kGcSetReset] & 0xF);
  uint32_t data = 0;
  uint8_t bit_mask = regs_.gc[vga_reg::kGcBitMask];
  switch (mode) {
    case 0: {
      const uint8_t r = rotate_right(value, rotate & 7);
      const uint32_t enable = expand_bits(regs_.gc[vga_reg::kGcEnableSetReset] & 0xF);
      data = (r * 0x01010101u & ~enable) | (set_reset & enable);
      break;
    }
    case 1: data = latch_; break;
    case 2: data = expand_bits(value & 0xF); break;
    default:
      bit_mask &= rotate_right(value, rotate & 7);
      data = set_reset;
      break;
  }
  if (mode != 1) {
    switch ((rotate >> 3) & 3) {
      case 1: data &= latch_; break;
      case 2: data |= latch_; break;
      case 3: data ^= latch_; break;
      default: break;
    }
    const uint32_t mask = bit_mask * 0x01010101u;
    data = (data & mask) | (latch_ & ~mask);
  }
  for (unsigned p = 0; p < 4; ++p) {
    if (plane_mask & (1u << p)) vram_[at + p] = static_cast<uint8_t>(data >> (8 * p));
  }
}

}  // namespace tx86::dev
