#include "jit/runtime/block_mode.h"

namespace tx86::jit {

namespace {

using core::CpuState;
namespace seg_attr = core::seg_attr;

// Mode bits of a block key: what the translation assumed.
constexpr uint32_t kModeCode32 = 1u << 0;
constexpr uint32_t kModeStack32 = 1u << 1;
constexpr uint32_t kModeProtected = 1u << 2;
constexpr uint32_t kModeV86 = 1u << 3;
constexpr int kModeCplShift = 4;     // 2 bits
constexpr int kModeFlatShift = 8;    // 6 bits
constexpr int kModePlainShift = 16;  // 6 bits

}  // namespace

// A segment is flat when translated code can skip segmentation for it
// entirely, and plain when an inline limit check is all it needs.
uint32_t block_mode(const core::Cpu& cpu, uint8_t& flat, uint8_t& plain) {
  const CpuState& s = cpu.state;
  uint32_t mode = 0;
  if (s.code32()) mode |= kModeCode32;
  if (s.stack32()) mode |= kModeStack32;
  const bool pm = s.protected_mode();
  const bool v86 = s.flag(core::flags::kVm);
  if (pm) mode |= kModeProtected;
  if (v86) mode |= kModeV86;
  const unsigned cpl = cpu.cpl();
  mode |= cpl << kModeCplShift;
  flat = plain = 0;
  // Alignment checking makes every access a candidate for #AC.
  const bool ac = (s.cr0 & core::cr0::kAm) && s.flag(core::flags::kAc) && cpl == 3;
  if (!ac) {
    for (int i = 0; i < core::kSegCount; ++i) {
      const core::SegmentCache& c = s.seg[i];
      const uint16_t attrs = c.attrs;
      const bool expand_down =
          (attrs & (seg_attr::kCode | seg_attr::kExpandDown)) == seg_attr::kExpandDown;
      bool ok = !expand_down;
      if (pm && !v86) {
        // Readable and writable: a present, writable data segment.
        ok = ok && (attrs & seg_attr::kPresent) && (attrs & seg_attr::kS) &&
             !(attrs & seg_attr::kCode) && (attrs & seg_attr::kWritable);
      }
      if (!ok) continue;
      plain |= static_cast<uint8_t>(1u << i);
      if (c.base == 0 && c.limit == 0xFFFFFFFFu) flat |= static_cast<uint8_t>(1u << i);
    }
  }
  mode |= uint32_t{flat} << kModeFlatShift;
  mode |= uint32_t{plain} << kModePlainShift;
  return mode;
}

}  // namespace tx86::jit
