#include "devices/video/vga_render.h"

#include <algorithm>
#include <array>

namespace tx86::dev {

namespace {

// VRAM holds the planes interleaved (vga_memory.h): plane p of plane
// offset n is byte 4n + p. Planes are 64 KiB.
constexpr uint32_t kPlaneMask = 0xFFFF;

struct Geometry {
  uint32_t vdisp = 0;         // displayed scan lines
  uint32_t max_scan = 0;      // CR09 bits 0-4: scan lines per row - 1
  bool double_scan = false;   // CR09 bit 7
  uint32_t line_compare = 0;  // split screen: the scan line after which memory restarts at 0
  uint32_t start = 0;         // start address, in plane offsets
  uint32_t pitch = 0;         // plane offsets from one row to the next
};

Geometry geometry(const VgaRegisters& r) {
  Geometry g;
  const auto& cr = r.crtc;
  g.vdisp = (cr[0x12] | (cr[0x07] & 0x02u) << 7 | (cr[0x07] & 0x40u) << 3) + 1;
  g.max_scan = cr[0x09] & 0x1Fu;
  g.double_scan = (cr[0x09] & 0x80) != 0;
  g.line_compare = cr[0x18] | (cr[0x07] & 0x10u) << 4 | (cr[0x09] & 0x40u) << 3;
  g.start = static_cast<uint32_t>(cr[0x0C]) << 8 | cr[0x0D];
  g.pitch = static_cast<uint32_t>(cr[0x13]) * 2;
  return g;
}

class Palette {
 public:
  Palette(const VgaRegisters& r, bool dac_8bit) : r_(r) {
    for (unsigned i = 0; i < 256; ++i) {
      const uint8_t* c = &r.dac[i * 3];
      const auto wide = [dac_8bit](uint8_t v) -> uint8_t {
        if (dac_8bit) return v;
        v &= 0x3F;
        return static_cast<uint8_t>(v << 2 | v >> 4);
      };
      dac_[i] = Frame::rgb(wide(c[0]), wide(c[1]), wide(c[2]));
    }
  }
  // A DAC entry, through the PEL mask.
  uint32_t dac(uint8_t index) const { return dac_[index & r_.dac_mask]; }
  // A 4-bit colour through the attribute controller's palette and colour
  // select (AR14; AR10 bit 7 takes bits 5-4 from it too).
  uint32_t attribute(uint8_t colour) const {
    uint8_t v = r_.attr[colour & 0x0F] & 0x3F;
    if (r_.attr[0x10] & 0x80) v = static_cast<uint8_t>((v & 0x0F) | (r_.attr[0x14] & 0x03) << 4);
    v = static_cast<uint8_t>(v | (r_.attr[0x14] & 0x0C) << 4);
    return dac(v);
  }

 private:
  const VgaRegisters& r_;
  std::array<uint32_t, 256> dac_{};
};

// Bytes of VRAM a VBE pixel takes. A depth of 0 (BPP not written since
// reset) counts as 8 bits, as QEMU's vbe_fixup_regs takes it; 4 bits (a
// planar mode there) one byte too. A pixel's reads stay inside these
// bytes, so a row cut short at VRAM's end reads nothing past it.
uint32_t vbe_bytes_per_pixel(uint32_t bpp) {
  return bpp == 0 ? 1 : (bpp + 7) / 8;
}

uint8_t plane(std::span<const uint8_t> vram, uint32_t offset, unsigned p) {
  return vram[(offset & kPlaneMask) * 4 + p];
}

// Character map select (SR03): the plane-2 offset of font A (attribute
// bit 3 set) and font B.
uint32_t font_base(uint8_t sr3, bool map_a) {
  static constexpr uint32_t kMapOffset[8] = {0x0000, 0x4000, 0x8000, 0xC000,
                                             0x2000, 0x6000, 0xA000, 0xE000};
  const unsigned map = map_a ? ((sr3 >> 2) & 3) | ((sr3 >> 3) & 4) : (sr3 & 3) | ((sr3 >> 2) & 4);
  return kMapOffset[map];
}

Frame render_text(const VgaRegisters& r, std::span<const uint8_t> vram, const Palette& pal,
                  uint64_t frame_number) {
  const Geometry g = geometry(r);
  const bool dot9 = !(r.seq[1] & 0x01);
  const bool half_clock = r.seq[1] & 0x08;
  const unsigned cw = dot9 ? 9 : 8;
  const unsigned cols = r.crtc[0x01] + 1u;
  const unsigned scale_x = half_clock ? 2 : 1;
  const unsigned char_height = g.max_scan + 1;
  const uint32_t lines = g.double_scan ? g.vdisp / 2 : g.vdisp;
  Frame f;
  f.width = cols * cw * scale_x;
  f.height = lines;
  f.pixels.assign(static_cast<size_t>(f.width) * f.height, Frame::rgb(0, 0, 0));

  const bool blink_enabled = r.attr[0x10] & 0x08;
  const bool line_graphics = r.attr[0x10] & 0x04;
  const bool blink_phase_off = (frame_number / 32) & 1;
  const bool cursor_phase_on = !((frame_number / 16) & 1);
  const uint32_t cursor = static_cast<uint32_t>(r.crtc[0x0E]) << 8 | r.crtc[0x0F];
  const bool cursor_enabled = !(r.crtc[0x0A] & 0x20);
  const unsigned cursor_start = r.crtc[0x0A] & 0x1F;
  const unsigned cursor_end = r.crtc[0x0B] & 0x1F;
  const unsigned underline = r.crtc[0x14] & 0x1F;
  const unsigned preset = r.crtc[0x08] & 0x1F;

  uint32_t row_base = g.start;
  uint32_t scan = preset;  // the row scan counter
  for (uint32_t y = 0; y < lines; ++y) {
    const uint32_t s = g.double_scan ? y * 2 : y;  // the display's scan line
    uint32_t* out = &f.pixels[static_cast<size_t>(y) * f.width];
    for (unsigned col = 0; col < cols; ++col) {
      const uint32_t addr = row_base + col;
      const uint8_t ch = plane(vram, addr, 0);
      const uint8_t attr = plane(vram, addr, 1);
      uint8_t fg = attr & 0x0F;
      uint8_t bg = attr >> 4;
      if (blink_enabled) {
        bg &= 0x07;
        if ((attr & 0x80) && blink_phase_off) fg = bg;
      }
      uint8_t bits = plane(vram, font_base(r.seq[3], attr & 0x08) + ch * 32u + scan, 2);
      if (scan == underline && (attr & 0x77) == 0x01) bits = 0xFF;
      const bool in_cursor = cursor_enabled && cursor_phase_on && addr == cursor &&
                             cursor_start <= cursor_end && scan >= cursor_start &&
                             scan <= cursor_end;
      if (in_cursor) bits = 0xFF;
      const uint32_t fg_rgb = pal.attribute(fg);
      const uint32_t bg_rgb = pal.attribute(bg);
      uint32_t* cell = out + col * cw * scale_x;
      for (unsigned x = 0; x < cw; ++x) {
        bool on;
        if (x < 8) {
          on = bits & (0x80 >> x);
        } else {
          // The ninth dot repeats the eighth for the line-drawing characters.
          on = (line_graphics && ch >= 0xC0 && ch <= 0xDF) ? (bits & 1) : in_cursor;
        }
        for (unsigned k = 0; k < scale_x; ++k) cell[x * scale_x + k] = on ? fg_rgb : bg_rgb;
      }
    }
    // Next scan line: the row scan counter counts to the character height,
    // then the address moves a row on; line compare restarts at 0.
    const uint32_t next_s = g.double_scan ? s + 2 : s + 1;
    if (s <= g.line_compare && next_s > g.line_compare) {
      row_base = 0;
      scan = 0;
      continue;
    }
    if (++scan >= char_height) {
      scan = 0;
      row_base += g.pitch;
    }
  }
  return f;
}

enum class PixelFormat : uint8_t { kPlanar16, kCga4, k256 };

Frame render_graphics(const VgaRegisters& r, std::span<const uint8_t> vram, const Palette& pal) {
  const Geometry g = geometry(r);
  const uint8_t gc5 = r.gc[5];
  const PixelFormat format = (gc5 & 0x40)   ? PixelFormat::k256
                             : (gc5 & 0x20) ? PixelFormat::kCga4
                                            : PixelFormat::kPlanar16;
  const uint32_t dots = (r.crtc[0x01] + 1u) * 8;
  const bool cga_banks = (r.crtc[0x17] & 0x03) != 0x03;  // MA13/MA14 from the row scan counter
  // Scan lines that repeat a memory line show once in the frame: double
  // scan, and rows of several scan lines unless they pick CGA banks.
  unsigned repeat = g.double_scan ? 2 : 1;
  if (!cga_banks) repeat *= g.max_scan + 1;
  Frame f;
  f.width = format == PixelFormat::k256 ? dots / 2 : dots;
  f.height = g.vdisp / repeat;
  f.pixels.assign(static_cast<size_t>(f.width) * f.height, Frame::rgb(0, 0, 0));

  const uint8_t plane_enable = r.attr[0x12] & 0x0F;
  const unsigned pan = r.attr[0x13] & 0x0F;
  const bool pan_after_split = r.attr[0x10] & 0x20;  // pixel panning mode
  uint32_t row_base = g.start;
  uint32_t scan = 0;  // the row scan counter (after double scan)
  bool split = false;
  for (uint32_t s = 0; s < g.vdisp; ++s) {
    // CGA and Hercules compatibility (CR17 bits 0 and 1): address bits
    // 13 and 14 of the CRTC's output come from the row scan counter. In
    // plane offsets that is bit 12 in word mode (the CRTC counts words),
    // 13 in byte mode, and bit 13 for the second.
    uint32_t line = row_base;
    if (!(r.crtc[0x17] & 0x01)) {
      const unsigned bit = (r.crtc[0x17] & 0x40) ? 13 : 12;
      line = (line & ~(1u << bit)) | (scan & 1) << bit;
    }
    if (!(r.crtc[0x17] & 0x02)) line = (line & ~0x2000u) | (scan & 2) << 12;
    if (s % repeat == 0 && s / repeat < f.height) {
      uint32_t* out = &f.pixels[static_cast<size_t>(s / repeat) * f.width];
      const unsigned shift = split && pan_after_split ? 0 : pan;
      switch (format) {
        case PixelFormat::k256: {
          // One byte per pixel, plane x & 3 at offset x >> 2: in the
          // interleaved VRAM, byte x of the line (chained and Mode X alike).
          const unsigned p = (shift & 0x06) >> 1;
          for (uint32_t x = 0; x < f.width; ++x) {
            const uint32_t at = x + p;
            out[x] = pal.dac(plane(vram, line + at / 4, at & 3));
          }
          break;
        }
        case PixelFormat::kCga4:
          // Two bits per pixel: each plane-offset holds the even (plane 0)
          // and odd (plane 1) bytes, four pixels each, high bits first.
          for (uint32_t x = 0; x < f.width; ++x) {
            const uint8_t b = plane(vram, line + x / 8, (x / 4) & 1);
            out[x] = pal.attribute((b >> (6 - 2 * (x & 3))) & 3);
          }
          break;
        case PixelFormat::kPlanar16:
          for (uint32_t x = 0; x < f.width; ++x) {
            const uint32_t at = x + (shift & 7);
            const unsigned bit = 7 - (at & 7);
            uint8_t c = 0;
            for (unsigned p = 0; p < 4; ++p) c |= ((plane(vram, line + at / 8, p) >> bit) & 1) << p;
            out[x] = pal.attribute(c & plane_enable);
          }
          break;
      }
    }
    // The row scan counter counts every scan line, or every second one
    // with double scan; the address moves on when it wraps.
    const bool counts = !g.double_scan || (s & 1);
    if (s == g.line_compare) {
      row_base = 0;
      scan = 0;
      split = true;
      continue;
    }
    if (counts && ++scan > g.max_scan) {
      scan = 0;
      row_base += g.pitch;
    }
  }
  return f;
}

// Rows [y0, y1) of a VBE picture into f, which has its size.
void vbe_rows(std::span<const uint8_t> vram, const VbeDisplay& vbe, const Palette& pal, Frame& f,
              uint32_t y0, uint32_t y1) {
  const uint32_t bytes_pp = vbe_bytes_per_pixel(vbe.bpp);
  for (uint32_t y = y0; y < y1; ++y) {
    const VramSpan row = vbe_row_bytes(vbe, y, vram.size());
    uint32_t* out = &f.pixels[static_cast<size_t>(y) * f.width];
    const uint32_t whole = static_cast<uint32_t>(row.size / bytes_pp);
    for (uint32_t x = 0; x < f.width; ++x) {
      if (x >= whole) {  // past the end of VRAM: black
        out[x] = Frame::rgb(0, 0, 0);
        continue;
      }
      const uint8_t* p = &vram[row.offset + static_cast<uint64_t>(x) * bytes_pp];
      switch (vbe.bpp) {
        case 15: {
          const unsigned v = p[0] | p[1] << 8;
          const auto c5 = [](unsigned c) { return static_cast<uint8_t>(c << 3 | c >> 2); };
          out[x] = Frame::rgb(c5(v >> 10 & 31), c5(v >> 5 & 31), c5(v & 31));
          break;
        }
        case 16: {
          const unsigned v = p[0] | p[1] << 8;
          const auto c5 = [](unsigned c) { return static_cast<uint8_t>(c << 3 | c >> 2); };
          const auto c6 = [](unsigned c) { return static_cast<uint8_t>(c << 2 | c >> 4); };
          out[x] = Frame::rgb(c5(v >> 11 & 31), c6(v >> 5 & 63), c5(v & 31));
          break;
        }
        case 24:
        case 32: out[x] = Frame::rgb(p[2], p[1], p[0]); break;  // B, G, R(, X)
        default: out[x] = pal.dac(p[0]); break;  // 8 bits, and 0 and 4 (one byte each)
      }
    }
  }
}

Frame render_vbe(std::span<const uint8_t> vram, const VbeDisplay& vbe, const Palette& pal) {
  Frame f;
  f.width = vbe.xres;
  f.height = vbe.yres;
  f.aspect = static_cast<double>(vbe.xres) / vbe.yres;
  f.pixels.assign(static_cast<size_t>(f.width) * f.height, Frame::rgb(0, 0, 0));
  vbe_rows(vram, vbe, pal, f, 0, f.height);
  return f;
}

}  // namespace

VramSpan vbe_row_bytes(const VbeDisplay& vbe, uint32_t y, size_t vram_size) {
  const uint32_t bytes_pp = vbe_bytes_per_pixel(vbe.bpp);
  const uint64_t pitch = static_cast<uint64_t>(std::max(vbe.virt_width, vbe.xres)) * bytes_pp;
  const uint64_t start = (static_cast<uint64_t>(y) + vbe.y_offset) * pitch +
                         static_cast<uint64_t>(vbe.x_offset) * bytes_pp;
  if (start >= vram_size) return {0, 0};
  return {start, std::min<uint64_t>(static_cast<uint64_t>(vbe.xres) * bytes_pp, vram_size - start)};
}

void render_vbe_rows(const VgaRegisters& regs, std::span<const uint8_t> vram, const VbeDisplay& vbe,
                     Frame& frame, uint32_t first, uint32_t end) {
  vbe_rows(vram, vbe, Palette(regs, vbe.dac_8bit), frame, first, end);
}

Frame render_vga(const VgaRegisters& regs, std::span<const uint8_t> vram, const VbeDisplay& vbe,
                 uint64_t frame_number) {
  const Palette pal(regs, vbe.dac_8bit);
  if (vbe.shown()) return render_vbe(vram, vbe, pal);
  Frame f = (regs.attr[0x10] & 0x01) ? render_graphics(regs, vram, pal)
                                     : render_text(regs, vram, pal, frame_number);
  // Palette address source clear: the attribute controller is being
  // programmed, and the screen shows black.
  if (!(regs.attr_index & 0x20)) std::fill(f.pixels.begin(), f.pixels.end(), Frame::rgb(0, 0, 0));
  return f;
}

}  // namespace tx86::dev
