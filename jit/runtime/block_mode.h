// The mode bits of a block's key: what its translation assumed of the CPU
// (code and stack size, protected or V86 mode, CPL, and which segments are
// flat or plain). A block runs only where they are the same.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/cpu/cpu.h"

namespace tx86::jit {

// flat: segments translated code uses with no checks (base 0, limit 4 GiB);
// plain: segments that need only an inline limit check.
uint32_t block_mode(const core::Cpu& cpu, uint8_t& flat, uint8_t& plain);

// The mode bits of FS and of GS (flat and plain). A block is translated
// the same whatever the bits of a segment it does not name, and is kept
// under its mode without them: Linux runs the same kernel code with the
// per-CPU FS and with a flat one, and a block for each evicted the other
// from the jump cache (323 k dispatcher lookups in a run of 200
// processes); and its per-CPU code (named FS) with the user's GS loaded
// or not (760 k lookups in a run of 2000, before GS's bits were left out
// of blocks that name only FS).
inline constexpr uint32_t kModeFs = (0x10u << 8) | (0x10u << 16);
inline constexpr uint32_t kModeGs = (0x20u << 8) | (0x20u << 16);
inline constexpr uint32_t kModeFsGs = kModeFs | kModeGs;
// Those bits in four: FS flat, GS flat, FS plain, GS plain.
inline uint8_t fs_gs_bits(uint32_t mode) {
  return static_cast<uint8_t>(((mode >> 12) & 3u) | ((mode >> 18) & 0xCu));
}

inline uint32_t block_mode(const core::Cpu& cpu) {
  uint8_t flat = 0;
  uint8_t plain = 0;
  return block_mode(cpu, flat, plain);
}

// block_mode() for the dispatcher, which asks before every block it
// enters (about 240 host instructions a time, 1.3% of an ELF boot's): the
// answer holds while the segment caches, CR0 and EFLAGS' VM and AC bits
// are those it was worked out from, which a compare of them tells.
class BlockModeCache {
 public:
  uint32_t get(const core::Cpu& cpu) {
    const core::CpuState& s = cpu.state;
    const uint32_t eflags = s.eflags & (core::flags::kVm | core::flags::kAc);
    // (Bytes, padding included: a difference there costs a recomputation.)
    if (valid_ && cr0_ == s.cr0 && eflags_ == eflags &&
        std::memcmp(seg_, s.seg, sizeof seg_) == 0) {
      return mode_;
    }
    std::memcpy(seg_, s.seg, sizeof seg_);
    cr0_ = s.cr0;
    eflags_ = eflags;
    mode_ = block_mode(cpu);
    valid_ = true;
    return mode_;
  }

 private:
  core::SegmentCache seg_[core::kSegCount];
  uint32_t cr0_ = 0;
  uint32_t eflags_ = 0;
  uint32_t mode_ = 0;
  bool valid_ = false;
};

}  // namespace tx86::jit
