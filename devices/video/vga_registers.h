// The VGA's register file (IBM VGA Technical Reference; the same layout as
// every VGA-compatible adapter): sequencer, CRT controller, graphics
// controller, attribute controller, the DAC, and the external registers.
#pragma once

#include <array>
#include <cstdint>

#include "core/state/state_stream.h"

namespace tx86::dev {

struct VgaRegisters {
  uint8_t misc = 0;     // misc output (0x3C2 write, 0x3CC read)
  uint8_t feature = 0;  // feature control
  uint8_t seq_index = 0;
  std::array<uint8_t, 8> seq{};
  uint8_t crtc_index = 0;
  std::array<uint8_t, 32> crtc{};
  uint8_t gc_index = 0;
  std::array<uint8_t, 16> gc{};
  uint8_t attr_index = 0;       // bit 5 is PAS (palette address source)
  bool attr_flip_flop = false;  // false: the next 0x3C0 write is an index
  std::array<uint8_t, 32> attr{};
  uint8_t dac_mask = 0xFF;
  uint8_t dac_read_index = 0;
  uint8_t dac_write_index = 0;
  uint8_t dac_component = 0;           // 0 red, 1 green, 2 blue
  bool dac_reading = false;            // the DAC state register (0x3C7)
  std::array<uint8_t, 256 * 3> dac{};  // 6-bit components (8-bit with VBE)

  // The CRTC answers at 0x3D4/0x3D5 when misc bit 0 (I/O address select)
  // is set, else at 0x3B4/0x3B5 (monochrome).
  bool color_io() const { return misc & 1; }

  // Save states (vga_state.cpp).
  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);
};

// Register numbers used outside the register file code.
namespace vga_reg {
inline constexpr uint8_t kSeqMapMask = 2;
inline constexpr uint8_t kSeqMemoryMode = 4;
inline constexpr uint8_t kGcSetReset = 0;
inline constexpr uint8_t kGcEnableSetReset = 1;
inline constexpr uint8_t kGcColorCompare = 2;
inline constexpr uint8_t kGcDataRotate = 3;
inline constexpr uint8_t kGcReadMap = 4;
inline constexpr uint8_t kGcMode = 5;
inline constexpr uint8_t kGcMisc = 6;
inline constexpr uint8_t kGcColorDontCare = 7;
inline constexpr uint8_t kGcBitMask = 8;
inline constexpr uint8_t kCrtcHorizDisplayEnd = 0x01;
inline constexpr uint8_t kCrtcOverflow = 0x07;
inline constexpr uint8_t kCrtcMaxScanLine = 0x09;
inline constexpr uint8_t kCrtcStartHigh = 0x0C;
inline constexpr uint8_t kCrtcStartLow = 0x0D;
inline constexpr uint8_t kCrtcVertDisplayEnd = 0x12;
}  // namespace vga_reg

}  // namespace tx86::dev
