#include "core/cpu/cpu_state.h"

namespace tx86::core {

void reset_cpu_state(CpuState& s, uint32_t cpu_signature) {
  // Guest time keeps running across a reset, and the state keeps its owner.
  const uint64_t icount = s.icount;
  const uint64_t limit = s.icount_limit;
  void* const owner = s.owner;
  const void* const tlb0 = s.tlb[0];
  const void* const tlb1 = s.tlb[1];
  s = CpuState{};
  s.icount = icount;
  s.icount_limit = limit;
  s.owner = owner;
  s.tlb[0] = tlb0;
  s.tlb[1] = tlb1;
  for (SegmentCache& sc : s.seg) {
    sc = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData};
  }
  // CS is F000 with base FFFF0000: the first fetch is at FFFFFFF0, the top of
  // the BIOS ROM, until the first far jump reloads CS.
  s.seg[kCs] = SegmentCache{0xF000, 0xFFFF0000u, 0xFFFF,
                            seg_attr::kPresent | seg_attr::kS | seg_attr::kCode |
                                seg_attr::kWritable | seg_attr::kAccessed};
  s.eip = 0xFFF0;
  s.eflags = flags::kReserved1;
  s.gpr[kEdx] = cpu_signature;
  s.cr0 = cr0::kCd | cr0::kNw | cr0::kEt;
  s.idtr = DescriptorTableReg{0, 0x3FF};
  s.gdtr = DescriptorTableReg{0, 0xFFFF};
  s.ldtr = SegmentCache{0, 0, 0xFFFF, seg_attr::kPresent | 0x2};
  s.tr = SegmentCache{0, 0, 0xFFFF, seg_attr::kPresent | 0x3};
  s.dr[6] = 0xFFFF0FF0u;
  s.dr[7] = 0x00000400u;
}

}  // namespace tx86::core
