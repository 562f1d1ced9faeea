// Exception and interrupt delivery: the real-mode IVT (SDM Vol. 3, 20.1.4)
// and the protected-mode IDT with interrupt, trap and task gates, privilege
// changes through the TSS, and exits from virtual-8086 mode (6.12, 20.3).
#include "core/cpu/cpu.h"
#include "core/cpu/stack_frame.h"

namespace tx86::core {

void Cpu::deliver_real(uint8_t vector) {
  const uint32_t entry = uint32_t{vector} * 4;
  if (entry + 3 > state.idtr.limit) raise_fault(vec::kGp, entry * 2 + 2);
  const auto ip = static_cast<uint16_t>(read_linear(state.idtr.base + entry, 2));
  const auto cs = static_cast<uint16_t>(read_linear(state.idtr.base + entry + 2, 2));

  const uint32_t saved_esp = state.gpr[kEsp];
  try {
    push(state.eflags & 0xFFFF, 2);
    push(state.seg[kCs].selector, 2);
    push(state.eip & 0xFFFF, 2);
  } catch (const GuestFault&) {
    state.gpr[kEsp] = saved_esp;
    throw;
  }
  state.eflags &= ~(flags::kIf | flags::kTf | flags::kAc | flags::kRf);
  load_segment(kCs, cs);
  state.eip = ip;
}

void Cpu::deliver_protected(uint8_t vector, EventKind kind, bool has_error, uint32_t error_code) {
  CpuState& s = state;
  const bool ext = kind == EventKind::kException || kind == EventKind::kExternal;
  const uint32_t idt_err = uint32_t{vector} * 8 + 2 + (ext ? 1 : 0);
  if (uint32_t{vector} * 8 + 7 > s.idtr.limit) raise_fault(vec::kGp, idt_err);
  Descriptor gate;
  gate.lo = read_system(s.idtr.base + vector * 8u, 4);
  gate.hi = read_system(s.idtr.base + vector * 8u + 4, 4);
  const uint8_t type = gate.type();
  const bool valid_type = type == sys_type::kTaskGate || type == sys_type::kIntGate16 ||
                          type == sys_type::kTrapGate16 || type == sys_type::kIntGate32 ||
                          type == sys_type::kTrapGate32;
  if (!gate.is_system() || !valid_type) raise_fault(vec::kGp, idt_err);
  if (kind == EventKind::kSoftware && gate.dpl() < cpl()) raise_fault(vec::kGp, idt_err);
  if (!gate.present()) raise_fault(vec::kNp, idt_err);

  if (type == sys_type::kTaskGate) {
    const uint16_t tss_sel = gate.gate_selector();
    task_switch(tss_sel, task_gate_target(tss_sel, ext), Transfer::kInterrupt, has_error,
                error_code);
    return;
  }

  const bool gate32 = gate.is_32bit_system();
  const unsigned size = gate32 ? 4 : 2;
  const uint16_t cs_sel = gate.gate_selector();
  const uint32_t offset = gate32 ? gate.gate_offset() : gate.gate_offset() & 0xFFFF;
  if ((cs_sel & 0xFFFC) == 0) raise_fault(vec::kGp, ext ? 1 : 0);
  Descriptor cs = descriptor_or_fault(cs_sel, vec::kGp, ext);
  const uint32_t cs_err = selector_error(cs_sel, ext);
  if (!cs.is_code() || cs.dpl() > cpl()) raise_fault(vec::kGp, cs_err);
  if (!cs.present()) raise_fault(vec::kNp, cs_err);
  if (offset > cs.limit()) raise_fault(vec::kGp, ext ? 1 : 0);

  const bool v86 = s.flag(flags::kVm);
  const uint32_t old_eflags = s.eflags;
  if (!cs.conforming() && cs.dpl() < cpl()) {
    // To an inner privilege level, on the stack the TSS names for it.
    const unsigned new_cpl = cs.dpl();
    if (v86 && new_cpl != 0) raise_fault(vec::kGp, cs_err);
    InnerStack inner = inner_stack(new_cpl, ext);
    const uint16_t ss_sel = inner.selector;
    Descriptor& ss = inner.descriptor;
    const SegmentCache ss_cache = make_cache(ss_sel, ss);
    StackFrame f(*this, ss_cache, inner.esp, false, selector_error(ss_sel, ext));
    if (v86) {
      f.push(s.seg[kGs].selector, size);
      f.push(s.seg[kFs].selector, size);
      f.push(s.seg[kDs].selector, size);
      f.push(s.seg[kEs].selector, size);
    }
    f.push(s.seg[kSs].selector, size);
    f.push(s.gpr[kEsp], size);
    f.push(old_eflags, size);
    f.push(s.seg[kCs].selector, size);
    f.push(s.eip, size);
    if (has_error) f.push(error_code, size);

    set_accessed(ss_sel, ss);
    set_accessed(cs_sel, cs);
    s.seg[kSs] = make_cache(ss_sel, ss);
    s.gpr[kEsp] = f.esp();
    if (v86) {
      for (uint8_t r : {kEs, kDs, kFs, kGs}) s.seg[r] = SegmentCache{0, 0, 0, 0};
    }
    s.seg[kCs] = make_cache(static_cast<uint16_t>((cs_sel & ~3u) | new_cpl), cs);
  } else {
    // Same privilege: a conforming handler, or one at the current level.
    if (v86) raise_fault(vec::kGp, cs_err);
    const unsigned level = cpl();
    StackFrame f(*this, s.seg[kSs], s.gpr[kEsp], level == 3, ext ? 1 : 0);
    f.push(old_eflags, size);
    f.push(s.seg[kCs].selector, size);
    f.push(s.eip, size);
    if (has_error) f.push(error_code, size);
    set_accessed(cs_sel, cs);
    s.gpr[kEsp] = f.esp();
    s.seg[kCs] = make_cache(static_cast<uint16_t>((cs_sel & ~3u) | level), cs);
  }
  s.eip = offset;
  s.eflags &= ~(flags::kTf | flags::kNt | flags::kVm | flags::kRf);
  const bool trap_gate = type == sys_type::kTrapGate16 || type == sys_type::kTrapGate32;
  if (!trap_gate) s.eflags &= ~flags::kIf;
}

// One line an event, before it is delivered, with what QEMU's -d int shows
// first: the vector, error code, whether INT n raised it, CPL, CS:EIP (the
// return address for traps and INT n), SS:ESP and CR2.
void Cpu::log_event(uint8_t vector, EventKind kind, bool has_error, uint32_t error_code) {
  const char* what = kind == EventKind::kExternal    ? "irq"
                     : kind == EventKind::kException ? "exc"
                                                     : "int";
  std::fprintf(event_log_,
               "%6llu: %s v=%02x e=%04x i=%d cpl=%u IP=%04x:%08x pc=%08x SP=%04x:%08x CR2=%08x "
               "EFL=%08x\n",
               static_cast<unsigned long long>(events_logged_++), what, vector,
               has_error ? error_code : 0u, kind == EventKind::kSoftware ? 1 : 0, cpl(),
               state.seg[kCs].selector, state.eip, state.seg[kCs].base + state.eip,
               state.seg[kSs].selector, state.gpr[kEsp], state.cr2, state.eflags);
}

void Cpu::deliver(uint8_t vector, EventKind kind, bool has_error, uint32_t error_code) {
  if (event_log_ != nullptr) log_event(vector, kind, has_error, error_code);
  if (state.protected_mode()) {
    deliver_protected(vector, kind, has_error, error_code);
  } else {
    deliver_real(vector);  // real mode pushes no error code
  }
}

namespace {
bool contributory(uint8_t v) {
  return v == vec::kDe || v == vec::kTs || v == vec::kNp || v == vec::kSs || v == vec::kGp;
}
// SDM Vol. 3, Table 6-5: which second exception turns into a double fault.
bool becomes_double_fault(uint8_t first, uint8_t second) {
  if (contributory(first)) return contributory(second);
  if (first == vec::kPf) return contributory(second) || second == vec::kPf;
  return false;
}
}  // namespace

void Cpu::deliver_exception(const GuestFault& fault) {
  if (fault.vector == vec::kFpuFreeze) {
    state.halted = true;  // EIP is on the x87 instruction, which runs again
    return;
  }
  GuestFault f = fault;
  for (;;) {
    try {
      deliver(f.vector, EventKind::kException, f.has_error_code, f.error_code);
      return;
    } catch (const GuestFault& second) {
      if (f.vector == vec::kDf) {
        shutdown_ = true;  // triple fault
        if (event_log_ != nullptr) {
          std::fprintf(event_log_, "%6llu: triple fault (v=%02x while delivering #DF)\n",
                       static_cast<unsigned long long>(events_logged_++), second.vector);
        }
        return;
      }
      f = becomes_double_fault(f.vector, second.vector) ? GuestFault{vec::kDf, true, 0} : second;
    }
  }
}

void Cpu::deliver_software_interrupt(uint8_t vector, EventKind kind) {
  deliver(vector, kind, false, 0);
}

void Cpu::poll_interrupts() {
  if (state.interrupt_shadow) {
    state.interrupt_shadow = false;
    return;
  }
  if (interrupt_waiting()) {
    deliver_external_interrupt(intr_->intr_acknowledge());
  }
}

void Cpu::deliver_external_interrupt(uint8_t vector) {
  state.halted = false;
  try {
    deliver(vector, EventKind::kExternal, false, 0);
  } catch (const GuestFault& f) {
    deliver_exception(f);
  }
}

}  // namespace tx86::core
