#include <stdexcept>

#include "core/cpu/cpu.h"

namespace tx86::core {

namespace {

// The architectural state, field by field: what points into this process
// or belongs to the engine that ran it (owner, TLBs, the RAM window, the
// budget, translated code's lazy flags and live x87) stays out, and a file
// cannot put a value a bool cannot hold into one.
void save_segment(StateWriter& w, const SegmentCache& c) {
  w.u16(c.selector);
  w.u32(c.base);
  w.u32(c.limit);
  w.u16(c.attrs);
}

SegmentCache load_segment(StateReader& r) {
  SegmentCache c;
  c.selector = r.u16();
  c.base = r.u32();
  c.limit = r.u32();
  c.attrs = r.u16();
  return c;
}

// A tripwire for a field added to CpuState or FpuState: save and load it
// below (or say why not), bump the section's version, then this size.
static_assert(sizeof(CpuState) == 448 && sizeof(FpuState) == 152,
              "CpuState changed: see save_cpu_state");

void save_cpu_state(StateWriter& w, const CpuState& s) {
  for (const uint32_t v : s.gpr) w.u32(v);
  w.u32(s.eip);
  w.u32(s.eflags);
  for (const SegmentCache& c : s.seg) save_segment(w, c);
  save_segment(w, s.ldtr);
  save_segment(w, s.tr);
  for (const DescriptorTableReg& t : {s.gdtr, s.idtr}) {
    w.u32(t.base);
    w.u16(t.limit);
  }
  for (const uint32_t v : {s.cr0, s.cr2, s.cr3, s.cr4}) w.u32(v);
  for (const uint32_t v : s.dr) w.u32(v);
  w.u64(s.icount);
  w.boolean(s.halted);
  w.boolean(s.interrupt_shadow);
  w.boolean(s.debug_shadow);
  w.u32(s.debug_trap);
  const FpuState& f = s.fpu;
  for (const X87Reg& reg : f.reg) {
    w.u64(reg.mantissa);
    w.u16(reg.sign_exp);
  }
  for (const uint16_t v : {f.cw, f.sw}) w.u16(v);
  w.u8(f.valid);
  for (const uint16_t v : {f.fop, f.fcs, f.fds}) w.u16(v);
  w.u32(f.fip);
  w.u32(f.fdp);
}

void load_cpu_state(StateReader& r, CpuState& s) {
  for (uint32_t& v : s.gpr) v = r.u32();
  s.eip = r.u32();
  s.eflags = r.u32();
  for (SegmentCache& c : s.seg) c = load_segment(r);
  s.ldtr = load_segment(r);
  s.tr = load_segment(r);
  for (DescriptorTableReg* t : {&s.gdtr, &s.idtr}) {
    t->base = r.u32();
    t->limit = r.u16();
  }
  for (uint32_t* v : {&s.cr0, &s.cr2, &s.cr3, &s.cr4}) *v = r.u32();
  for (uint32_t& v : s.dr) v = r.u32();
  s.icount = r.u64();
  s.halted = r.boolean();
  s.interrupt_shadow = r.boolean();
  s.debug_shadow = r.boolean();
  s.debug_trap = r.u32();
  FpuState& f = s.fpu;
  for (X87Reg& reg : f.reg) {
    reg.mantissa = r.u64();
    reg.sign_exp = r.u16();
  }
  for (uint16_t* v : {&f.cw, &f.sw}) *v = r.u16();
  f.valid = r.u8();
  for (uint16_t* v : {&f.fop, &f.fcs, &f.fds}) *v = r.u16();
  f.fip = r.u32();
  f.fdp = r.u32();
}

}  // namespace

void Cpu::save_state(StateWriter& w) const {
  if (pending_fault || state.lazy_flags != 0 || state.fpu_live != 0) {
    throw std::logic_error("CPU state saved in the middle of an instruction");
  }
  w.begin("cpu", 2);
  save_cpu_state(w, state);
  w.i64(tsc_offset_);
  w.boolean(shutdown_);
  w.boolean(ignne_);
  w.end();
}

void Cpu::load_state(StateReader& r) {
  r.begin("cpu", 2);
  // Into a copy first: a state refused halfway leaves this one as it was.
  CpuState s = state;
  load_cpu_state(r, s);
  const int64_t tsc_offset = r.i64();
  const bool shutdown = r.boolean();
  const bool ignne = r.boolean();
  r.end();
  s.lazy_flags = 0;
  s.fpu_live = 0;
  s.code_modified = 0;
  state = s;
  tsc_offset_ = tsc_offset;
  shutdown_ = shutdown;
  ignne_ = ignne;
  pending_fault.reset();
  // Whatever the TLB held was for the state before.
  mmu.flush_all();
}

}  // namespace tx86::core
