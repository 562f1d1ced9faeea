#include "devices/video/std_vga.h"

#include <algorithm>
#include <stdexcept>

namespace tx86::dev {

namespace {
constexpr uint32_t kWindowBase = 0xA0000;
constexpr uint32_t kWindowSize = 0x20000;
constexpr uint16_t kVbeEnabled = 0x01;
constexpr uint16_t kVbeGetCaps = 0x02;
constexpr uint16_t kVbeNoClearMem = 0x80;
// 640x480 at 60 Hz timing: what the input status register's retrace bits
// follow (a frame of 525 lines of 31.78 us, 45 of them blanked).
constexpr uint64_t kLineNs = 31778;
constexpr uint64_t kLinesPerFrame = 525;
constexpr uint64_t kVisibleLines = 480;
constexpr uint64_t kVisibleLineNs = 25422;
constexpr uint64_t kVsyncStartLine = 490;
constexpr uint64_t kVsyncLines = 2;
}  // namespace

StdVga::StdVga(core::IoBus& io, core::MemoryBus& memory, core::Scheduler& scheduler,
               std::vector<uint8_t> rom)
    : core::PciFunction(0x1234, 0x1111, 0x03, 0x00, 0x00, 0x02),
      memory_(memory),
      scheduler_(scheduler),
      rom_(std::move(rom)),
      vram_(kVramSize),
      planes_(regs_, vram_) {
  if (rom_.size() > kRomBarSize) throw std::invalid_argument("VGA BIOS larger than 64 KiB");
  rom_.resize(kRomBarSize, 0xFF);
  set_subsystem(0x1AF4, 0x1100);
  declare_bar(0, core::BarKind::kMemoryPrefetchable, kVramSize);
  declare_rom(kRomBarSize);
  io.register_ports(0x3B0, 0x30, this, core::kIoWidth8 | core::kIoWidth16, "vga");
  io.register_ports(0x1CE, 2, this, core::kIoWidth8 | core::kIoWidth16, "vbe-dispi");
  memory_.map_mmio(kWindowBase, kWindowSize, this);
  reset();
}

void StdVga::reset() {
  ++changes_;
  core::PciFunction::reset();
  regs_ = VgaRegisters{};
  planes_.reset();
  vbe_ = {};
  vbe_[kVbeId] = 0xB0C5;
  vbe_[kVbeVideoMemory64k] = static_cast<uint16_t>(kVramSize >> 16);
  vbe_index_ = 0;
}

void StdVga::bar_changed(int index, std::optional<uint32_t> address) {
  std::optional<uint32_t>& at = index == 0 ? lfb_at_ : rom_at_;
  const uint32_t size = index == 0 ? kVramSize : kRomBarSize;
  if (at) memory_.unmap(*at, size);
  at = address;
  if (!address) return;
  if (index == 0) {
    memory_.map_device_memory(*address, size, vram_.data(), true);
  } else {
    memory_.map_device_memory(*address, size, rom_.data(), false);
  }
}

// --- the legacy window ---------------------------------------------------------

uint8_t StdVga::window_read(uint32_t offset) {
  if (vbe_enabled()) {
    // Banked VBE modes: 64 KiB of the frame buffer at A0000.
    const size_t at = size_t{vbe_[kVbeBank]} * 0x10000 + offset;
    return offset < 0x10000 && at < vram_.size() ? vram_[at] : 0xFF;
  }
  uint32_t base = 0;
  uint32_t size = 0;
  planes_.window(base, size);
  if (offset < base || offset >= base + size) return 0xFF;
  return planes_.read(offset - base);
}

void StdVga::window_write(uint32_t offset, uint8_t value) {
  if (vbe_enabled()) {
    const size_t at = size_t{vbe_[kVbeBank]} * 0x10000 + offset;
    if (offset < 0x10000 && at < vram_.size()) vram_[at] = value;
    return;
  }
  uint32_t base = 0;
  uint32_t size = 0;
  planes_.window(base, size);
  if (offset < base || offset >= base + size) return;
  planes_.write(offset - base, value);
}

uint32_t StdVga::mmio_read(uint32_t offset, unsigned size) {
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint32_t{window_read(offset + i)} << (8 * i);
  return v;
}

void StdVga::mmio_write(uint32_t offset, unsigned size, uint32_t value) {
  ++changes_;
  for (unsigned i = 0; i < size; ++i)
    window_write(offset + i, static_cast<uint8_t>(value >> (8 * i)));
}

// --- I/O ports -------------------------------------------------------------------

uint32_t StdVga::io_read(uint16_t port, unsigned size) {
  if (port == 0x1CE || port == 0x1CF) {
    if (port == 0x1CE) return vbe_index_;
    return size == 2 ? vbe_read(vbe_index_) : vbe_read(vbe_index_) & 0xFF;
  }
  uint32_t v = read_port(port);
  if (size == 2) v |= uint32_t{read_port(static_cast<uint16_t>(port + 1))} << 8;
  return v;
}

void StdVga::io_write(uint16_t port, unsigned size, uint32_t value) {
  ++changes_;
  if (port == 0x1CE) {
    vbe_index_ = static_cast<uint16_t>(value);
    return;
  }
  if (port == 0x1CF) {
    vbe_write(vbe_index_, static_cast<uint16_t>(value));
    return;
  }
  write_port(port, static_cast<uint8_t>(value));
  if (size == 2) write_port(static_cast<uint16_t>(port + 1), static_cast<uint8_t>(value >> 8));
}

// Input status 1: bit 3 vertical retrace, bit 0 "display disabled" (any
// blanking), computed from guest time.
VbeDisplay StdVga::vbe_display() const {
  VbeDisplay d;
  d.enabled = (vbe_[kVbeEnable] & kVbeEnabled) != 0;
  d.dac_8bit = (vbe_[kVbeEnable] & 0x20) != 0;
  d.xres = vbe_[kVbeXres];
  d.yres = vbe_[kVbeYres];
  d.bpp = vbe_[kVbeBpp];
  d.virt_width = vbe_[kVbeVirtWidth];
  d.x_offset = vbe_[kVbeXOffset];
  d.y_offset = vbe_[kVbeYOffset];
  return d;
}

uint8_t StdVga::input_status() {
  const uint64_t t = scheduler_.now() % (kLineNs * kLinesPerFrame);
  const uint64_t line = t / kLineNs;
  const bool vretrace = line >= kVsyncStartLine && line < kVsyncStartLine + kVsyncLines;
  const bool blank = line >= kVisibleLines || (t % kLineNs) >= kVisibleLineNs;
  return static_cast<uint8_t>((vretrace ? 0x08 : 0) | (blank ? 0x01 : 0));
}

uint8_t StdVga::read_port(uint16_t port) {
  // The CRTC and input status answer only at the address misc bit 0 picks.
  const bool mono_port = port >= 0x3B0 && port <= 0x3BF;
  const bool color_port = port >= 0x3D0 && port <= 0x3DF;
  if ((mono_port && regs_.color_io()) || (color_port && !regs_.color_io())) return 0xFF;
  switch (port) {
    case 0x3C0: return regs_.attr_index;
    case 0x3C1: return regs_.attr[regs_.attr_index & 0x1F];
    case 0x3C2: return 0x00;  // input status 0: no switch sense, no interrupt
    case 0x3C3: return 0x01;  // VGA enable
    case 0x3C4: return regs_.seq_index;
    case 0x3C5: return regs_.seq[regs_.seq_index & 7];
    case 0x3C6: return regs_.dac_mask;
    case 0x3C7: return regs_.dac_reading ? 0x03 : 0x00;
    case 0x3C8: return regs_.dac_write_index;
    case 0x3C9: {
      const uint8_t v = regs_.dac[regs_.dac_read_index * 3u + regs_.dac_component];
      if (++regs_.dac_component == 3) {
        regs_.dac_component = 0;
        ++regs_.dac_read_index;
      }
      return v;
    }
    case 0x3CA: return regs_.feature;
    case 0x3CC: return regs_.misc;
    case 0x3CE: return regs_.gc_index;
    case 0x3CF: return regs_.gc[regs_.gc_index & 0xF];
    case 0x3B4:
    case 0x3D4: return regs_.crtc_index;
    case 0x3B5:
    case 0x3D5: return regs_.crtc[regs_.crtc_index & 0x1F];
    case 0x3BA:
    case 0x3DA:
      regs_.attr_flip_flop = false;  // reading input status 1 resets the 0x3C0 flip-flop
      return input_status();
    default: return 0xFF;
  }
}

void StdVga::write_port(uint16_t port, uint8_t value) {
  const bool mono_port = port >= 0x3B0 && port <= 0x3BF;
  const bool color_port = port >= 0x3D0 && port <= 0x3DF;
  if ((mono_port && regs_.color_io()) || (color_port && !regs_.color_io())) return;
  switch (port) {
    case 0x3C0:
      if (!regs_.attr_flip_flop) {
        regs_.attr_index = value & 0x3F;
      } else if ((regs_.attr_index & 0x1F) <= 0x14) {
        regs_.attr[regs_.attr_index & 0x1F] = value;
      }
      regs_.attr_flip_flop = !regs_.attr_flip_flop;
      break;
    case 0x3C2: regs_.misc = value; break;
    case 0x3C4: regs_.seq_index = value & 7; break;
    case 0x3C5: regs_.seq[regs_.seq_index & 7] = value; break;
    case 0x3C6: regs_.dac_mask = value; break;
    case 0x3C7:
      regs_.dac_read_index = value;
      regs_.dac_component = 0;
      regs_.dac_reading = true;
      break;
    case 0x3C8:
      regs_.dac_write_index = value;
      regs_.dac_component = 0;
      regs_.dac_reading = false;
      break;
    case 0x3C9: {
      const bool wide = vbe_[kVbeEnable] & 0x20;  // VBE 8-bit DAC
      regs_.dac[regs_.dac_write_index * 3u + regs_.dac_component] = wide ? value : value & 0x3F;
      if (++regs_.dac_component == 3) {
        regs_.dac_component = 0;
        ++regs_.dac_write_index;
      }
      break;
    }
    case 0x3CE: regs_.gc_index = value & 0xF; break;
    case 0x3CF: regs_.gc[regs_.gc_index & 0xF] = value; break;
    case 0x3B4:
    case 0x3D4: regs_.crtc_index = value & 0x1F; break;
    case 0x3B5:
    case 0x3D5: {
      const uint8_t i = regs_.crtc_index & 0x1F;
      // CRTC 0x11 bit 7 write-protects registers 0-7 (except the line
      // compare bit 4 of register 7).
      if ((regs_.crtc[0x11] & 0x80) && i <= 7) {
        if (i == 7) regs_.crtc[7] = static_cast<uint8_t>((regs_.crtc[7] & ~0x10) | (value & 0x10));
        break;
      }
      regs_.crtc[i] = value;
      break;
    }
    case 0x3BA:
    case 0x3DA: regs_.feature = value; break;
    default: break;
  }
}

// --- Bochs VBE DISPI -------------------------------------------------------------

uint16_t StdVga::vbe_read(unsigned index) const {
  if (index >= kVbeCount) return 0;
  // GETCAPS: resolution and depth read as the maxima while it is set.
  if (vbe_[kVbeEnable] & kVbeGetCaps) {
    if (index == kVbeXres) return kMaxXres;
    if (index == kVbeYres) return kMaxYres;
    if (index == kVbeBpp) return kMaxBpp;
  }
  return vbe_[index];
}

void StdVga::vbe_write(unsigned index, uint16_t value) {
  switch (index) {
    case kVbeId:
      if (value >= 0xB0C0 && value <= 0xB0C5) vbe_[kVbeId] = value;
      break;
    case kVbeXres:
      if (value <= kMaxXres && value % 8 == 0) vbe_[kVbeXres] = value;
      break;
    case kVbeYres:
      if (value <= kMaxYres) vbe_[kVbeYres] = value;
      break;
    case kVbeBpp:
      if (value == 4 || value == 8 || value == 15 || value == 16 || value == 24 || value == 32) {
        vbe_[kVbeBpp] = value;
      }
      break;
    case kVbeBank:
      if (uint32_t{value} * 0x10000 < kVramSize) vbe_[kVbeBank] = value;
      break;
    case kVbeEnable: {
      const bool was = vbe_[kVbeEnable] & kVbeEnabled;
      vbe_[kVbeEnable] = value;
      if ((value & kVbeEnabled) && !was) {
        vbe_[kVbeVirtWidth] = vbe_[kVbeXres];
        vbe_[kVbeVirtHeight] = vbe_[kVbeYres];
        vbe_[kVbeXOffset] = vbe_[kVbeYOffset] = 0;
        vbe_[kVbeBank] = 0;
        if (!(value & kVbeNoClearMem)) std::fill(vram_.begin(), vram_.end(), 0);
      }
      break;
    }
    case kVbeVirtWidth:
    case kVbeVirtHeight:
    case kVbeXOffset:
    case kVbeYOffset: vbe_[index] = value; break;
    default:  // VIDEO_MEMORY_64K and unknown indexes are read-only
      break;
  }
}

}  // namespace tx86::dev
