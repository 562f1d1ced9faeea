#include "core/firmware/flat_entry.h"

namespace tx86::core {

void enter_flat_protected_mode(Cpu& cpu, DescriptorTableReg gdt, uint16_t code_selector,
                               uint16_t data_selector, uint32_t entry) {
  CpuState& s = cpu.state;
  s.eip = entry;
  s.eflags = flags::kReserved1;  // IF and VM clear
  s.cr0 = cr0::kPe | cr0::kEt;   // paging off
  s.gdtr = gdt;
  s.idtr = DescriptorTableReg{0, 0};
  using namespace seg_attr;
  constexpr uint16_t kFlat = kPresent | kS | kAccessed | kDefaultBig | kGranularity;
  for (SegmentCache& sc : s.seg)
    sc = SegmentCache{data_selector, 0, 0xFFFFFFFFu, kFlat | kWritable};
  s.seg[kCs] = SegmentCache{code_selector, 0, 0xFFFFFFFFu, kFlat | kCode | kWritable};
  s.halted = false;
  s.interrupt_shadow = false;
  s.debug_shadow = false;
  cpu.mmu.flush_all();
}

}  // namespace tx86::core
