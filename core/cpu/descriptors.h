// Segment and gate descriptors as they sit in the GDT, LDT and IDT
// (SDM Vol. 3, 3.4.5 and 6.11), and the segment cache loaded from them.
#pragma once

#include <cstdint>

#include "core/cpu/cpu_state.h"

namespace tx86::core {

// System descriptor types (S = 0).
namespace sys_type {
inline constexpr uint8_t kTss16Available = 0x1;
inline constexpr uint8_t kLdt = 0x2;
inline constexpr uint8_t kTss16Busy = 0x3;
inline constexpr uint8_t kCallGate16 = 0x4;
inline constexpr uint8_t kTaskGate = 0x5;
inline constexpr uint8_t kIntGate16 = 0x6;
inline constexpr uint8_t kTrapGate16 = 0x7;
inline constexpr uint8_t kTss32Available = 0x9;
inline constexpr uint8_t kTss32Busy = 0xB;
inline constexpr uint8_t kCallGate32 = 0xC;
inline constexpr uint8_t kIntGate32 = 0xE;
inline constexpr uint8_t kTrapGate32 = 0xF;
inline constexpr uint8_t kBusyBit = 0x2;  // in a TSS type
}  // namespace sys_type

struct Descriptor {
  uint32_t lo = 0;
  uint32_t hi = 0;

  uint8_t type() const { return (hi >> 8) & 0xF; }
  bool is_system() const { return !(hi & (1u << 12)); }
  bool is_code() const { return !is_system() && (hi & (1u << 11)); }
  bool is_data() const { return !is_system() && !(hi & (1u << 11)); }
  // Code: readable. Data: writable.
  bool rw() const { return (hi & (1u << 9)) != 0; }
  bool conforming() const { return is_code() && (hi & (1u << 10)); }
  unsigned dpl() const { return (hi >> 13) & 3; }
  bool present() const { return (hi & (1u << 15)) != 0; }
  bool big() const { return (hi & (1u << 22)) != 0; }

  uint32_t base() const { return (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u); }
  uint32_t limit() const {
    const uint32_t raw = (lo & 0xFFFF) | (hi & 0x000F0000u);
    return (hi & (1u << 23)) ? (raw << 12) | 0xFFF : raw;
  }
  uint16_t attrs() const {
    return static_cast<uint16_t>(((hi >> 8) & 0xFF) | ((hi >> 8) & 0xF000));
  }

  // Gates.
  uint16_t gate_selector() const { return static_cast<uint16_t>(lo >> 16); }
  uint32_t gate_offset() const { return (lo & 0xFFFF) | (hi & 0xFFFF0000u); }
  unsigned gate_params() const { return hi & 0x1F; }
  bool is_tss() const {
    const uint8_t t = type();
    return is_system() && (t == 1 || t == 3 || t == 9 || t == 11);
  }
  bool is_32bit_system() const { return (type() & 0x8) != 0; }
};

inline SegmentCache make_cache(uint16_t selector, const Descriptor& d) {
  return SegmentCache{selector, d.base(), d.limit(), d.attrs()};
}

// Error code for a selector fault: the selector without its RPL, plus the
// EXT bit when an external event was being delivered.
inline uint32_t selector_error(uint16_t selector, bool ext = false) {
  return (selector & 0xFFFCu) | (ext ? 1u : 0u);
}

}  // namespace tx86::core
