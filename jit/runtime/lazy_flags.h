// Lazy status flags between translated blocks. A block's last flag write
// before it leaves is stored as the host captured it, SETO into bits 0-7
// and LAHF into bits 8-15 (SF ZF 0 AF 0 PF 1 CF: never zero), with which
// status flags it replaces (a kind) in bits 16 and up, instead of merged
// into EFLAGS: the merge costs more than the capture, and the next block
// usually overwrites the flags without reading them. A block that reads
// them merges them first (the trampoline's materialize stub), and so does whatever
// leaves translated code for C++: the dispatcher, the verifier, the
// interpreter fallback.
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>

#include "core/cpu/cpu_state.h"

namespace tx86::jit {

struct LazyKind {
  uint32_t host;  // status flags taken from the capture
  uint32_t zero;  // status flags cleared
};

// The FlagsFrom masks the frontend produces for a block's last op.
inline constexpr LazyKind kLazyKinds[] = {
    {0x8D5, 0x000},  // ADD, SUB, CMP, NEG, ...: every status flag
    {0x8C5, 0x010},  // AND, OR, XOR, TEST, shifts: AF cleared
    {0x8D4, 0x000},  // INC, DEC: CF kept
};

inline std::optional<uint32_t> lazy_kind_of(uint32_t host, uint32_t zero) {
  for (uint32_t k = 0; k < std::size(kLazyKinds); ++k) {
    if (kLazyKinds[k].host == host && kLazyKinds[k].zero == zero) return k;
  }
  return std::nullopt;
}

inline void materialize_flags(core::CpuState& s) {
  const uint32_t lazy = s.lazy_flags;
  if (lazy == 0) return;
  const LazyKind& k = kLazyKinds[lazy >> 16];
  const uint32_t captured = ((lazy >> 8) & 0xFFu) | ((lazy & 1u) << 11);
  s.eflags = (s.eflags & ~(k.host | k.zero)) | (captured & k.host);
  s.lazy_flags = 0;
}

}  // namespace tx86::jit
