// Hardware task switches through a TSS descriptor or task gate, by JMP,
// CALL, INT/exception and IRET, with 32- and 16-bit TSSs (SDM Vol. 3, 7.3).
//
// Everything that can fault before the switch is checked first; once the old
// task is saved and TR points at the new one, faults from loading the new
// task's segments belong to the new task, so they are delivered here, in
// its context, instead of rolling the instruction back.
#include "core/cpu/cpu.h"

namespace tx86::core {

namespace {

struct TaskImage {
  uint32_t cr3 = 0;
  uint32_t eip = 0;
  uint32_t eflags = 0;
  uint32_t gpr[8] = {};
  uint16_t seg[kSegCount] = {};
  uint16_t ldt = 0;
  bool trap = false;  // the T bit: #DB on entry
};

// TSS field offsets (SDM Vol. 3, Figures 7-2 and 7-11).
constexpr uint32_t kTss32Cr3 = 0x1C, kTss32Eip = 0x20, kTss32Eflags = 0x24, kTss32Gpr = 0x28,
                   kTss32Seg = 0x48, kTss32Ldt = 0x60, kTss32Trap = 0x64;
constexpr uint32_t kTss16Ip = 0x0E, kTss16Flags = 0x10, kTss16Gpr = 0x12, kTss16Seg = 0x22,
                   kTss16Ldt = 0x2A;

void write_descriptor_type(Cpu& cpu, uint16_t selector, uint8_t access_byte) {
  cpu.write_system(cpu.state.gdtr.base + (selector & 0xFFF8u) + 5, 1, access_byte);
}

}  // namespace

void Cpu::task_switch(uint16_t selector, const Descriptor& tss, Transfer source, bool push_error,
                      uint32_t error_code) {
  CpuState& s = state;
  const bool new32 = tss.is_32bit_system();
  const uint32_t err = selector_error(selector);
  if (tss.limit() < (new32 ? 0x67u : 0x2Bu)) raise_fault(vec::kTs, err);

  // Read the incoming task first: a fault here leaves the old task intact.
  const uint32_t base = tss.base();
  TaskImage in;
  if (new32) {
    in.cr3 = read_system(base + kTss32Cr3, 4);
    in.eip = read_system(base + kTss32Eip, 4);
    in.eflags = read_system(base + kTss32Eflags, 4);
    for (int r = 0; r < 8; ++r) in.gpr[r] = read_system(base + kTss32Gpr + 4u * r, 4);
    for (int r = 0; r < kSegCount; ++r) {
      in.seg[r] = static_cast<uint16_t>(read_system(base + kTss32Seg + 4u * r, 2));
    }
    in.ldt = static_cast<uint16_t>(read_system(base + kTss32Ldt, 2));
    in.trap = (read_system(base + kTss32Trap, 2) & 1) != 0;
  } else {
    in.eip = read_system(base + kTss16Ip, 2);
    in.eflags = read_system(base + kTss16Flags, 2);
    for (int r = 0; r < 8; ++r) {
      in.gpr[r] = (s.gpr[r] & 0xFFFF0000u) | read_system(base + kTss16Gpr + 2u * r, 2);
    }
    for (int r = 0; r < 4; ++r) {  // ES CS SS DS; a 16-bit TSS has no FS, GS
      in.seg[r] = static_cast<uint16_t>(read_system(base + kTss16Seg + 2u * r, 2));
    }
    in.ldt = static_cast<uint16_t>(read_system(base + kTss16Ldt, 2));
  }

  // Save the outgoing task into its TSS.
  const bool old32 = (s.tr.attrs & 0x8) != 0;
  const uint32_t old_base = s.tr.base;
  uint32_t out_flags = s.eflags;
  if (source == Transfer::kIret) out_flags &= ~flags::kNt;
  if (old32) {
    write_system(old_base + kTss32Eip, 4, s.eip);
    write_system(old_base + kTss32Eflags, 4, out_flags);
    for (int r = 0; r < 8; ++r) write_system(old_base + kTss32Gpr + 4u * r, 4, s.gpr[r]);
    for (int r = 0; r < kSegCount; ++r) {
      write_system(old_base + kTss32Seg + 4u * r, 2, s.seg[r].selector);
    }
  } else {
    write_system(old_base + kTss16Ip, 2, s.eip);
    write_system(old_base + kTss16Flags, 2, out_flags);
    for (int r = 0; r < 8; ++r) write_system(old_base + kTss16Gpr + 2u * r, 2, s.gpr[r]);
    for (int r = 0; r < 4; ++r) write_system(old_base + kTss16Seg + 2u * r, 2, s.seg[r].selector);
  }

  // Busy bits, NT and the back link.
  const uint8_t old_access = static_cast<uint8_t>(s.tr.attrs & 0xFF);
  if (source == Transfer::kJmp || source == Transfer::kIret) {
    write_descriptor_type(*this, s.tr.selector, old_access & ~sys_type::kBusyBit);
  }
  if (source == Transfer::kCall || source == Transfer::kInterrupt) {
    write_system(base, 2, s.tr.selector);
    in.eflags |= flags::kNt;
  }
  Descriptor incoming = tss;
  incoming.hi |= uint32_t{sys_type::kBusyBit} << 8;
  if (source != Transfer::kIret) {
    write_descriptor_type(*this, selector, static_cast<uint8_t>((incoming.hi >> 8) & 0xFF));
  }

  // Switch: from here on the new task owns any fault.
  s.tr = make_cache(selector, incoming);
  s.cr0 |= cr0::kTs;
  if (new32) write_cr3(in.cr3);
  s.eip = in.eip;
  s.eflags = (in.eflags & 0x003F7FD5u) | flags::kReserved1;
  for (int r = 0; r < 8; ++r) s.gpr[r] = in.gpr[r];
  for (int r = 0; r < kSegCount; ++r) s.seg[r] = SegmentCache{in.seg[r], 0, 0, 0};
  s.ldtr = SegmentCache{in.ldt, 0, 0, 0};

  try {
    // LDTR first: the segment selectors may refer to the new LDT.
    if ((in.ldt & 0xFFFC) != 0) {
      const uint32_t ldt_err = selector_error(in.ldt);
      Descriptor ldt;
      if ((in.ldt & 4) || !fetch_descriptor(in.ldt, ldt) || !ldt.is_system() ||
          ldt.type() != sys_type::kLdt) {
        raise_fault(vec::kTs, ldt_err);
      }
      if (!ldt.present()) raise_fault(vec::kTs, ldt_err);
      s.ldtr = make_cache(in.ldt, ldt);
    }

    if (s.flag(flags::kVm)) {
      for (int r = 0; r < kSegCount; ++r) {
        s.seg[r] = SegmentCache{
            in.seg[r], uint32_t{in.seg[r]} << 4, 0xFFFF,
            static_cast<uint16_t>(seg_attr::kRealModeData | (3u << seg_attr::kDplShift))};
      }
      s.seg[kCs].attrs |= seg_attr::kCode;
    } else {
      // CS: its RPL becomes the new CPL.
      const uint16_t cs_sel = in.seg[kCs];
      const uint32_t cs_err = selector_error(cs_sel);
      Descriptor cs;
      if ((cs_sel & 0xFFFC) == 0 || !fetch_descriptor(cs_sel, cs) || !cs.is_code()) {
        raise_fault(vec::kTs, cs_err);
      }
      const unsigned rpl = cs_sel & 3u;
      if (cs.conforming() ? cs.dpl() > rpl : cs.dpl() != rpl) raise_fault(vec::kTs, cs_err);
      if (!cs.present()) raise_fault(vec::kNp, cs_err);
      set_accessed(cs_sel, cs);
      s.seg[kCs] = make_cache(cs_sel, cs);

      const uint16_t ss_sel = in.seg[kSs];
      const uint32_t ss_err = selector_error(ss_sel);
      Descriptor ss;
      if ((ss_sel & 0xFFFC) == 0 || !fetch_descriptor(ss_sel, ss)) raise_fault(vec::kTs, ss_err);
      if ((ss_sel & 3u) != rpl || ss.dpl() != rpl || !ss.is_data() || !ss.rw()) {
        raise_fault(vec::kTs, ss_err);
      }
      if (!ss.present()) raise_fault(vec::kSs, ss_err);
      set_accessed(ss_sel, ss);
      s.seg[kSs] = make_cache(ss_sel, ss);

      for (uint8_t r : {kDs, kEs, kFs, kGs}) {
        const uint16_t sel = in.seg[r];
        if ((sel & 0xFFFC) == 0) continue;
        const uint32_t seg_err = selector_error(sel);
        Descriptor d;
        if (!fetch_descriptor(sel, d) || d.is_system() || (d.is_code() && !d.rw())) {
          raise_fault(vec::kTs, seg_err);
        }
        if (!d.conforming() && ((sel & 3u) > d.dpl() || rpl > d.dpl())) {
          raise_fault(vec::kTs, seg_err);
        }
        if (!d.present()) raise_fault(vec::kNp, seg_err);
        set_accessed(sel, d);
        s.seg[r] = make_cache(sel, d);
      }
    }

    if (push_error) push(error_code, new32 ? 4 : 2);
    if (s.eip > s.seg[kCs].limit) raise_fault(vec::kGp, 0);
  } catch (const GuestFault& f) {
    deliver_exception(f);
    return;
  }
  if (in.trap) s.debug_trap |= 1u << 15;  // BT: #DB once the switch completes
}

}  // namespace tx86::core
