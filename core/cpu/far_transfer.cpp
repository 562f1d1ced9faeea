// Far JMP, CALL, RET and IRET in real, virtual-8086 and protected mode,
// including call gates, task gates and returns to outer privilege levels
// (SDM Vol. 2 "JMP", "CALL", "RET", "IRET"; Vol. 3, 5.8).
#include "core/cpu/cpu.h"
#include "core/cpu/stack_frame.h"

namespace tx86::core {

namespace {

uint32_t stack_mask(const CpuState& s) {
  return s.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
}

// CS as real mode or virtual-8086 mode loads it.
SegmentCache real_mode_cs(const CpuState& s, uint16_t selector) {
  SegmentCache cs = s.seg[kCs];
  cs.selector = selector;
  cs.base = uint32_t{selector} << 4;
  if (s.flag(flags::kVm)) {
    cs.limit = 0xFFFF;
    cs.attrs = seg_attr::kRealModeData | seg_attr::kCode | (3u << seg_attr::kDplShift);
  }
  return cs;
}

}  // namespace

void Cpu::far_jump(uint16_t selector, uint32_t offset, unsigned opsize) {
  if (opsize == 2) offset &= 0xFFFF;
  if (state.protected_mode() && !state.flag(flags::kVm)) {
    far_transfer_protected(selector, offset, opsize, false);
    return;
  }
  // Real mode keeps the CS limit across the load, so it is checked up front.
  if (offset > state.seg[kCs].limit) raise_fault(vec::kGp, 0);
  state.seg[kCs] = real_mode_cs(state, selector);
  state.eip = offset;
}

void Cpu::far_call(uint16_t selector, uint32_t offset, unsigned opsize) {
  if (opsize == 2) offset &= 0xFFFF;
  if (state.protected_mode() && !state.flag(flags::kVm)) {
    far_transfer_protected(selector, offset, opsize, true);
    return;
  }
  if (offset > state.seg[kCs].limit) raise_fault(vec::kGp, 0);
  StackFrame f(*this, state.seg[kSs], state.gpr[kEsp], cpl() == 3, 0);
  f.push(state.seg[kCs].selector, opsize);
  f.push(state.eip, opsize);
  state.gpr[kEsp] = f.esp();
  state.seg[kCs] = real_mode_cs(state, selector);
  state.eip = offset;
}

void Cpu::far_transfer_protected(uint16_t selector, uint32_t offset, unsigned opsize, bool call) {
  CpuState& s = state;
  const unsigned level = cpl();
  const unsigned rpl = selector & 3u;
  const uint32_t err = selector_error(selector);
  if ((selector & 0xFFFC) == 0) raise_fault(vec::kGp, 0);
  Descriptor d = descriptor_or_fault(selector, vec::kGp);

  if (d.is_code()) {
    if (d.conforming() ? d.dpl() > level : (rpl > level || d.dpl() != level)) {
      raise_fault(vec::kGp, err);
    }
    if (!d.present()) raise_fault(vec::kNp, err);
    if (offset > d.limit()) raise_fault(vec::kGp, 0);
    if (call) {
      StackFrame f(*this, s.seg[kSs], s.gpr[kEsp], level == 3, 0);
      f.push(s.seg[kCs].selector, opsize);
      f.push(s.eip, opsize);
      s.gpr[kEsp] = f.esp();
    }
    set_accessed(selector, d);
    s.seg[kCs] = make_cache(static_cast<uint16_t>((selector & ~3u) | level), d);
    s.eip = offset;
    return;
  }
  if (!d.is_system()) raise_fault(vec::kGp, err);

  switch (d.type()) {
    case sys_type::kCallGate16:
    case sys_type::kCallGate32: call_gate(selector, d, call); return;
    case sys_type::kTaskGate: {
      if (d.dpl() < level || d.dpl() < rpl) raise_fault(vec::kGp, err);
      if (!d.present()) raise_fault(vec::kNp, err);
      const uint16_t tss_sel = d.gate_selector();
      task_switch(tss_sel, task_gate_target(tss_sel, false),
                  call ? Transfer::kCall : Transfer::kJmp);
      return;
    }
    case sys_type::kTss16Available:
    case sys_type::kTss32Available:
      if (d.dpl() < level || d.dpl() < rpl) raise_fault(vec::kGp, err);
      if (!d.present()) raise_fault(vec::kNp, err);
      task_switch(selector, d, call ? Transfer::kCall : Transfer::kJmp);
      return;
    default: raise_fault(vec::kGp, err);  // busy TSS, LDT, interrupt gates...
  }
}

void Cpu::call_gate(uint16_t gate_sel, const Descriptor& gate, bool call) {
  CpuState& s = state;
  const unsigned level = cpl();
  const uint32_t gate_err = selector_error(gate_sel);
  if (gate.dpl() < level || gate.dpl() < (gate_sel & 3u)) raise_fault(vec::kGp, gate_err);
  if (!gate.present()) raise_fault(vec::kNp, gate_err);
  const uint16_t target = gate.gate_selector();
  if ((target & 0xFFFC) == 0) raise_fault(vec::kGp, 0);
  Descriptor cs = descriptor_or_fault(target, vec::kGp);
  const uint32_t cs_err = selector_error(target);
  if (!cs.is_code() || cs.dpl() > level) raise_fault(vec::kGp, cs_err);
  if (!call && !cs.conforming() && cs.dpl() != level) raise_fault(vec::kGp, cs_err);
  if (!cs.present()) raise_fault(vec::kNp, cs_err);
  const bool gate32 = gate.is_32bit_system();
  const unsigned size = gate32 ? 4 : 2;
  const uint32_t offset = gate32 ? gate.gate_offset() : gate.gate_offset() & 0xFFFF;
  if (offset > cs.limit()) raise_fault(vec::kGp, 0);

  if (call && !cs.conforming() && cs.dpl() < level) {
    // CALL to a more privileged level: switch to the TSS stack and copy the
    // gate's parameter count of words or dwords from the caller's stack.
    const unsigned new_cpl = cs.dpl();
    InnerStack inner = inner_stack(new_cpl, false);
    const uint16_t ss_sel = inner.selector;
    Descriptor& ss = inner.descriptor;
    const SegmentCache ss_cache = make_cache(ss_sel, ss);
    StackFrame f(*this, ss_cache, inner.esp, false, selector_error(ss_sel));
    f.push(s.seg[kSs].selector, size);
    f.push(s.gpr[kEsp], size);
    const unsigned params = gate.gate_params();
    const uint32_t old_sp = stack_pointer();
    for (unsigned i = params; i-- > 0;) {
      f.push(read(kSs, (old_sp + i * size) & stack_mask(s), size), size);
    }
    f.push(s.seg[kCs].selector, size);
    f.push(s.eip, size);

    set_accessed(ss_sel, ss);
    set_accessed(target, cs);
    s.seg[kSs] = make_cache(ss_sel, ss);
    s.gpr[kEsp] = f.esp();
    s.seg[kCs] = make_cache(static_cast<uint16_t>((target & ~3u) | new_cpl), cs);
    s.eip = offset;
    return;
  }

  if (call) {
    StackFrame f(*this, s.seg[kSs], s.gpr[kEsp], level == 3, 0);
    f.push(s.seg[kCs].selector, size);
    f.push(s.eip, size);
    s.gpr[kEsp] = f.esp();
  }
  set_accessed(target, cs);
  s.seg[kCs] = make_cache(static_cast<uint16_t>((target & ~3u) | level), cs);
  s.eip = offset;
}

// The checks common to RET and IRET to a CS selector (and SS on a return to
// an outer level).
void Cpu::return_to_outer_level_checks(uint16_t cs_sel, const Descriptor& cs, uint16_t ss_sel,
                                       Descriptor& ss) {
  const unsigned new_cpl = cs_sel & 3u;
  const uint32_t ss_err = selector_error(ss_sel);
  if ((ss_sel & 0xFFFC) == 0) raise_fault(vec::kGp, 0);
  ss = descriptor_or_fault(ss_sel, vec::kGp);
  if ((ss_sel & 3u) != new_cpl || !ss.is_data() || !ss.rw() || ss.dpl() != new_cpl) {
    raise_fault(vec::kGp, ss_err);
  }
  if (!ss.present()) raise_fault(vec::kSs, ss_err);
  (void)cs;
}

void Cpu::null_inaccessible_data_segments() {
  const unsigned level = cpl();
  for (uint8_t r : {kEs, kDs, kFs, kGs}) {
    SegmentCache& c = state.seg[r];
    const bool conforming_code = (c.attrs & (seg_attr::kCode | seg_attr::kExpandDown)) ==
                                 (seg_attr::kCode | seg_attr::kExpandDown);
    const unsigned dpl = (c.attrs >> seg_attr::kDplShift) & 3u;
    // Data and non-conforming code the new level may not use become null.
    if ((c.attrs & seg_attr::kPresent) && !conforming_code && dpl < level) {
      c = SegmentCache{0, 0, 0, 0};
    }
  }
}

namespace {

// The CS checks of RET and IRET (SDM "RET", protected mode).
Descriptor checked_return_cs(Cpu& cpu, uint16_t cs_sel) {
  const uint32_t err = selector_error(cs_sel);
  if ((cs_sel & 0xFFFC) == 0) raise_fault(vec::kGp, 0);
  const Descriptor cs = cpu.descriptor_or_fault(cs_sel, vec::kGp);
  const unsigned rpl = cs_sel & 3u;
  if (!cs.is_code() || rpl < cpu.cpl()) raise_fault(vec::kGp, err);
  if (cs.conforming() ? cs.dpl() > rpl : cs.dpl() != rpl) raise_fault(vec::kGp, err);
  if (!cs.present()) raise_fault(vec::kNp, err);
  return cs;
}

}  // namespace

void Cpu::far_return(unsigned opsize, uint16_t release) {
  CpuState& s = state;
  const uint32_t mask = stack_mask(s);
  uint32_t offset = peek_stack(0, opsize);
  if (opsize == 2) offset &= 0xFFFF;
  const auto cs_sel = static_cast<uint16_t>(peek_stack(opsize, opsize));

  if (!s.protected_mode() || s.flag(flags::kVm)) {
    if (offset > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
    s.seg[kCs] = real_mode_cs(s, cs_sel);
    s.eip = offset;
    set_stack_pointer((stack_pointer() + 2 * opsize + release) & mask);
    return;
  }

  Descriptor cs = checked_return_cs(*this, cs_sel);
  if ((cs_sel & 3u) == cpl()) {
    if (offset > cs.limit()) raise_fault(vec::kGp, 0);
    set_accessed(cs_sel, cs);
    s.seg[kCs] = make_cache(cs_sel, cs);
    s.eip = offset;
    set_stack_pointer((stack_pointer() + 2 * opsize + release) & mask);
    return;
  }

  // Return to an outer level: SS:ESP follow the parameters on the stack.
  const uint32_t outer = 2 * opsize + release;
  uint32_t new_esp = peek_stack(outer, opsize);
  const auto ss_sel = static_cast<uint16_t>(peek_stack(outer + opsize, opsize));
  Descriptor ss;
  return_to_outer_level_checks(cs_sel, cs, ss_sel, ss);
  if (offset > cs.limit()) raise_fault(vec::kGp, 0);
  if (opsize == 2) new_esp &= 0xFFFF;

  set_accessed(cs_sel, cs);
  set_accessed(ss_sel, ss);
  s.seg[kCs] = make_cache(cs_sel, cs);
  s.eip = offset;
  s.seg[kSs] = make_cache(ss_sel, ss);
  const uint32_t sp = new_esp + release;
  if (s.stack32()) {
    s.gpr[kEsp] = sp;
  } else {
    s.set_reg16(kEsp, static_cast<uint16_t>(sp));
  }
  null_inaccessible_data_segments();
}

void Cpu::iret(unsigned opsize) {
  CpuState& s = state;
  const uint32_t mask = stack_mask(s);
  if (!s.protected_mode()) {
    // Real mode (SDM "IRET", real-address mode): EIP, CS, then FLAGS.
    const uint32_t offset = peek_stack(0, opsize) & (opsize == 2 ? 0xFFFFu : 0xFFFFFFFFu);
    const auto sel = static_cast<uint16_t>(peek_stack(opsize, opsize));
    const uint32_t new_flags = peek_stack(2 * opsize, opsize);
    if (offset > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
    set_stack_pointer((stack_pointer() + 3 * opsize) & mask);
    s.seg[kCs] = real_mode_cs(s, sel);
    s.eip = offset;
    write_eflags(new_flags, opsize == 4 ? 0x00257FD5u : 0xFFFFu);
    return;
  }
  if (s.flag(flags::kVm)) {
    // Virtual-8086 mode: allowed at IOPL 3 only; IOPL, VM, VIP, VIF stay.
    if (iopl() != 3) raise_fault(vec::kGp, 0);
    const uint32_t offset = peek_stack(0, opsize) & (opsize == 2 ? 0xFFFFu : 0xFFFFFFFFu);
    const auto sel = static_cast<uint16_t>(peek_stack(opsize, opsize));
    const uint32_t new_flags = peek_stack(2 * opsize, opsize);
    if (offset > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
    set_stack_pointer((stack_pointer() + 3 * opsize) & mask);
    s.seg[kCs] = real_mode_cs(s, sel);
    s.eip = offset;
    const uint32_t keep = flags::kIoplMask | flags::kVm | flags::kVip | flags::kVif;
    write_eflags(new_flags, (opsize == 4 ? 0x00277FD5u : 0xFFFFu) & ~keep);
    return;
  }
  iret_protected(opsize);
}

void Cpu::iret_protected(unsigned opsize) {
  CpuState& s = state;
  if (s.flag(flags::kNt)) {
    // Return from a nested task through the TSS back link.
    const auto back = static_cast<uint16_t>(read_system(s.tr.base, 2));
    const uint32_t err = selector_error(back);
    if (back & 4) raise_fault(vec::kTs, err);
    Descriptor tss;
    if (!fetch_descriptor(back, tss)) raise_fault(vec::kTs, err);
    if (!tss.is_system() ||
        (tss.type() != sys_type::kTss16Busy && tss.type() != sys_type::kTss32Busy)) {
      raise_fault(vec::kTs, err);
    }
    if (!tss.present()) raise_fault(vec::kNp, err);
    task_switch(back, tss, Transfer::kIret);
    return;
  }

  const uint32_t mask = stack_mask(s);
  uint32_t offset = peek_stack(0, opsize);
  if (opsize == 2) offset &= 0xFFFF;
  const auto cs_sel = static_cast<uint16_t>(peek_stack(opsize, opsize));
  const uint32_t new_flags = peek_stack(2 * opsize, opsize);
  const unsigned old_cpl = cpl();

  if (opsize == 4 && (new_flags & flags::kVm) && old_cpl == 0) {
    iret_to_v86();
    return;
  }

  Descriptor cs = checked_return_cs(*this, cs_sel);
  // Which flags the pop may change depends on the privilege before it.
  uint32_t flag_mask = opsize == 4 ? 0x00257FD5u | flags::kRf : 0x7FD5u;
  if (old_cpl > 0) flag_mask &= ~flags::kIoplMask;
  if (old_cpl > iopl()) flag_mask &= ~flags::kIf;
  if (opsize == 4 && old_cpl == 0) flag_mask |= flags::kVif | flags::kVip;

  if ((cs_sel & 3u) == old_cpl) {
    if (offset > cs.limit()) raise_fault(vec::kGp, 0);
    set_accessed(cs_sel, cs);
    set_stack_pointer((stack_pointer() + 3 * opsize) & mask);
    s.seg[kCs] = make_cache(cs_sel, cs);
    s.eip = offset;
    write_eflags(new_flags, flag_mask);
    return;
  }

  uint32_t new_esp = peek_stack(3 * opsize, opsize);
  const auto ss_sel = static_cast<uint16_t>(peek_stack(4 * opsize, opsize));
  Descriptor ss;
  return_to_outer_level_checks(cs_sel, cs, ss_sel, ss);
  if (offset > cs.limit()) raise_fault(vec::kGp, 0);
  if (opsize == 2) new_esp &= 0xFFFF;

  set_accessed(cs_sel, cs);
  set_accessed(ss_sel, ss);
  s.seg[kCs] = make_cache(cs_sel, cs);
  s.eip = offset;
  write_eflags(new_flags, flag_mask);
  s.seg[kSs] = make_cache(ss_sel, ss);
  if (s.stack32()) {
    s.gpr[kEsp] = new_esp;
  } else {
    s.set_reg16(kEsp, static_cast<uint16_t>(new_esp));
  }
  null_inaccessible_data_segments();
}

// IRET with VM set in the popped EFLAGS, at CPL 0 (SDM "IRET",
// RETURN-TO-VIRTUAL-8086-MODE): the frame also holds ESP, SS, ES, DS, FS, GS.
void Cpu::iret_to_v86() {
  CpuState& s = state;
  uint32_t frame[9];
  for (unsigned i = 0; i < 9; ++i) frame[i] = peek_stack(4 * i, 4);
  const uint32_t offset = frame[0] & 0xFFFF;
  s.eflags = (frame[2] & 0x003F7FD5u) | flags::kReserved1;
  auto v86_seg = [](uint32_t sel) {
    const auto v = static_cast<uint16_t>(sel);
    return SegmentCache{
        v, uint32_t{v} << 4, 0xFFFF,
        static_cast<uint16_t>(seg_attr::kRealModeData | (3u << seg_attr::kDplShift))};
  };
  s.seg[kCs] = v86_seg(frame[1]);
  s.seg[kCs].attrs |= seg_attr::kCode;
  s.gpr[kEsp] = frame[3];
  s.seg[kSs] = v86_seg(frame[4]);
  s.seg[kEs] = v86_seg(frame[5]);
  s.seg[kDs] = v86_seg(frame[6]);
  s.seg[kFs] = v86_seg(frame[7]);
  s.seg[kGs] = v86_seg(frame[8]);
  s.eip = offset;
}

}  // namespace tx86::core
