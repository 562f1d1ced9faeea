// Segment-register, LDTR and TR loads with their descriptor checks
// (SDM Vol. 3, 5.4-5.8; Vol. 2 "MOV", "LLDT", "LTR"), and the inner stack
// pointers of the TSS.
#include "core/cpu/cpu.h"

namespace tx86::core {

bool Cpu::fetch_descriptor(uint16_t selector, Descriptor& d) {
  const bool local = (selector & 4) != 0;
  uint32_t base = state.gdtr.base;
  uint32_t limit = state.gdtr.limit;
  if (local) {
    // An LDTR loaded with a null selector makes every LDT selector invalid.
    if ((state.ldtr.attrs & seg_attr::kPresent) == 0 || (state.ldtr.selector & 0xFFFC) == 0) {
      return false;
    }
    base = state.ldtr.base;
    limit = state.ldtr.limit;
  }
  const uint32_t offset = selector & 0xFFF8u;
  if (uint64_t{offset} + 7 > limit) return false;
  d.lo = read_system(base + offset, 4);
  d.hi = read_system(base + offset + 4, 4);
  return true;
}

Descriptor Cpu::descriptor_or_fault(uint16_t selector, uint8_t vector, bool ext) {
  Descriptor d;
  if (!fetch_descriptor(selector, d)) raise_fault(vector, selector_error(selector, ext));
  return d;
}

void Cpu::set_accessed(uint16_t selector, Descriptor& d) {
  if (d.hi & (1u << 8)) return;
  d.hi |= 1u << 8;
  const uint32_t base = (selector & 4) ? state.ldtr.base : state.gdtr.base;
  write_system(base + (selector & 0xFFF8u) + 5, 1, (d.hi >> 8) & 0xFF);
}

void Cpu::load_segment(uint8_t seg, uint16_t selector) {
  SegmentCache& cache = state.seg[seg];
  if (!state.protected_mode()) {
    // Real mode changes only selector and base; the limit and rights stay
    // in the cache ("unreal mode").
    cache.selector = selector;
    cache.base = uint32_t{selector} << 4;
    return;
  }
  if (state.flag(flags::kVm)) {
    cache =
        SegmentCache{selector, uint32_t{selector} << 4, 0xFFFF,
                     static_cast<uint16_t>(seg_attr::kRealModeData | (3u << seg_attr::kDplShift))};
    return;
  }

  const unsigned cpl = this->cpl();
  const unsigned rpl = selector & 3u;
  const uint32_t err = selector_error(selector);
  if ((selector & 0xFFFC) == 0) {
    if (seg == kSs) raise_fault(vec::kGp, 0);
    // A null selector may sit in DS, ES, FS or GS; using it faults.
    cache = SegmentCache{selector, 0, 0, 0};
    return;
  }
  Descriptor d = descriptor_or_fault(selector, vec::kGp);
  if (seg == kSs) {
    if (rpl != cpl || !d.is_data() || !d.rw() || d.dpl() != cpl) raise_fault(vec::kGp, err);
    if (!d.present()) raise_fault(vec::kSs, err);
  } else {
    if (d.is_system() || (d.is_code() && !d.rw())) raise_fault(vec::kGp, err);
    if (!d.conforming() && (rpl > d.dpl() || cpl > d.dpl())) raise_fault(vec::kGp, err);
    if (!d.present()) raise_fault(vec::kNp, err);
  }
  set_accessed(selector, d);
  cache = make_cache(selector, d);
}

void Cpu::load_ldtr(uint16_t selector) {
  if ((selector & 0xFFFC) == 0) {
    state.ldtr = SegmentCache{selector, 0, 0, 0};
    return;
  }
  const uint32_t err = selector_error(selector);
  if (selector & 4) raise_fault(vec::kGp, err);  // the LDT descriptor lives in the GDT
  const Descriptor d = descriptor_or_fault(selector, vec::kGp);
  if (!d.is_system() || d.type() != sys_type::kLdt) raise_fault(vec::kGp, err);
  if (!d.present()) raise_fault(vec::kNp, err);
  state.ldtr = make_cache(selector, d);
}

void Cpu::load_tr(uint16_t selector) {
  const uint32_t err = selector_error(selector);
  if ((selector & 0xFFFC) == 0) raise_fault(vec::kGp, 0);
  if (selector & 4) raise_fault(vec::kGp, err);
  Descriptor d = descriptor_or_fault(selector, vec::kGp);
  if (!d.is_system() ||
      (d.type() != sys_type::kTss16Available && d.type() != sys_type::kTss32Available)) {
    raise_fault(vec::kGp, err);
  }
  if (!d.present()) raise_fault(vec::kNp, err);
  // LTR marks the TSS busy in its descriptor.
  d.hi |= uint32_t{sys_type::kBusyBit} << 8;
  write_system(state.gdtr.base + (selector & 0xFFF8u) + 5, 1, (d.hi >> 8) & 0xFF);
  state.tr = make_cache(selector, d);
}

Cpu::InnerStack Cpu::inner_stack(unsigned dpl, bool ext) {
  const bool tss32 = (state.tr.attrs & 0x8) != 0;
  const uint32_t offset = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
  const unsigned width = tss32 ? 8 : 4;
  if (uint64_t{offset} + width - 1 > state.tr.limit) {
    raise_fault(vec::kTs, selector_error(state.tr.selector, ext));
  }
  InnerStack stack{};
  if (tss32) {
    stack.esp = read_system(state.tr.base + offset, 4);
    stack.selector = static_cast<uint16_t>(read_system(state.tr.base + offset + 4, 2));
  } else {
    stack.esp = read_system(state.tr.base + offset, 2);
    stack.selector = static_cast<uint16_t>(read_system(state.tr.base + offset + 2, 2));
  }
  const uint32_t err = selector_error(stack.selector, ext);
  if ((stack.selector & 0xFFFC) == 0) raise_fault(vec::kTs, ext ? 1 : 0);
  Descriptor& ss = stack.descriptor;
  if (!fetch_descriptor(stack.selector, ss)) raise_fault(vec::kTs, err);
  if ((stack.selector & 3u) != dpl || ss.dpl() != dpl || !ss.is_data() || !ss.rw()) {
    raise_fault(vec::kTs, err);
  }
  if (!ss.present()) raise_fault(vec::kSs, err);
  return stack;
}

Descriptor Cpu::task_gate_target(uint16_t tss_selector, bool ext) {
  const uint32_t err = selector_error(tss_selector, ext);
  if (tss_selector & 4) raise_fault(vec::kGp, err);  // a TSS lives in the GDT
  const Descriptor tss = descriptor_or_fault(tss_selector, vec::kGp, ext);
  if (!tss.is_system() ||
      (tss.type() != sys_type::kTss16Available && tss.type() != sys_type::kTss32Available)) {
    raise_fault(vec::kGp, err);
  }
  if (!tss.present()) raise_fault(vec::kNp, err);
  return tss;
}

}  // namespace tx86::core
