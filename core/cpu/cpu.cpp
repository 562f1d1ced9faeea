#include "core/cpu/cpu.h"

namespace tx86::core {

Cpu::Cpu(MemoryBus& memory, IoBus& io_bus) : mem(memory), io(io_bus) {
  reset();
}

void Cpu::reset() {
  reset_cpu_state(state, kCpuSignature);
  shutdown_ = false;
  error.clear();
}

void Cpu::segment_fault(uint8_t seg) const {
  raise_fault(seg == kSs ? vec::kSs : vec::kGp, 0);
}

uint32_t Cpu::linear_address(uint8_t seg, uint32_t offset, unsigned size, Access access) {
  const SegmentCache& s = state.seg[seg];
  if (state.protected_mode() && !state.flag(flags::kVm)) {
    // A null selector leaves the cache not present (SDM Vol. 3, 5.4.1).
    if ((s.attrs & seg_attr::kPresent) == 0) segment_fault(seg);
    const bool code = (s.attrs & seg_attr::kCode) != 0;
    const bool rw = (s.attrs & seg_attr::kWritable) != 0;
    if (access == Access::kWrite && (code || !rw)) segment_fault(seg);
    if (access == Access::kRead && code && !rw) segment_fault(seg);
  }
  const uint64_t last = uint64_t{offset} + size - 1;
  const bool expand_down =
      (s.attrs & (seg_attr::kCode | seg_attr::kExpandDown)) == seg_attr::kExpandDown;
  if (expand_down) {
    const uint64_t upper = (s.attrs & seg_attr::kDefaultBig) ? 0xFFFFFFFFu : 0xFFFFu;
    if (offset <= s.limit || last > upper) segment_fault(seg);
  } else if (last > s.limit) {
    segment_fault(seg);
  }
  return s.base + offset;
}

uint32_t Cpu::read_linear(uint32_t lin, unsigned size) {
  if (state.cr0 & cr0::kPg) throw Unimplemented{"paging"};
  switch (size) {
    case 1: return mem.read8(lin);
    case 2: return mem.read16(lin);
    default: return mem.read32(lin);
  }
}

void Cpu::write_linear(uint32_t lin, unsigned size, uint32_t value) {
  if (state.cr0 & cr0::kPg) throw Unimplemented{"paging"};
  switch (size) {
    case 1: mem.write8(lin, static_cast<uint8_t>(value)); break;
    case 2: mem.write16(lin, static_cast<uint16_t>(value)); break;
    default: mem.write32(lin, value); break;
  }
}

uint32_t Cpu::read(uint8_t seg, uint32_t off, unsigned size) {
  return read_linear(linear_address(seg, off, size, Access::kRead), size);
}

void Cpu::write(uint8_t seg, uint32_t off, unsigned size, uint32_t value) {
  write_linear(linear_address(seg, off, size, Access::kWrite), size, value);
}

unsigned Cpu::fetch_code(uint8_t* out, unsigned max) {
  const SegmentCache& cs = state.seg[kCs];
  const uint32_t eip = state.eip;
  if (eip > cs.limit) raise_fault(vec::kGp, 0);
  const uint64_t room = uint64_t{cs.limit} - eip + 1;
  const unsigned n = room < max ? static_cast<unsigned>(room) : max;
  for (unsigned i = 0; i < n; ++i) {
    out[i] = static_cast<uint8_t>(read_linear(cs.base + eip + i, 1));
  }
  return n;
}

uint32_t Cpu::stack_pointer() const {
  return state.stack32() ? state.gpr[kEsp] : state.gpr[kEsp] & 0xFFFF;
}

void Cpu::set_stack_pointer(uint32_t sp) {
  if (state.stack32()) {
    state.gpr[kEsp] = sp;
  } else {
    state.set_reg16(kEsp, static_cast<uint16_t>(sp));
  }
}

void Cpu::push(uint32_t value, unsigned size) {
  const uint32_t mask = state.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
  const uint32_t sp = (stack_pointer() - size) & mask;
  write(kSs, sp, size, value);
  set_stack_pointer(sp);
}

uint32_t Cpu::pop(unsigned size) {
  const uint32_t mask = state.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
  const uint32_t sp = stack_pointer();
  const uint32_t v = read(kSs, sp, size);
  set_stack_pointer((sp + size) & mask);
  return v;
}

uint32_t Cpu::peek_stack(uint32_t offset, unsigned size) {
  const uint32_t mask = state.stack32() ? 0xFFFFFFFFu : 0xFFFFu;
  return read(kSs, (stack_pointer() + offset) & mask, size);
}

void Cpu::load_segment(uint8_t seg, uint16_t selector) {
  if (state.protected_mode() && !state.flag(flags::kVm)) {
    throw Unimplemented{"protected-mode segment load"};
  }
  SegmentCache& s = state.seg[seg];
  s.selector = selector;
  s.base = uint32_t{selector} << 4;
}

void Cpu::far_jump(uint16_t selector, uint32_t offset) {
  load_segment(kCs, selector);
  state.eip = offset;
}

void Cpu::write_eflags(uint32_t value, uint32_t mask) {
  // Bits that exist on this CPU; the rest read as fixed values.
  constexpr uint32_t kDefined = flags::kArith | flags::kTf | flags::kIf | flags::kDf |
                                flags::kIoplMask | flags::kNt | flags::kRf | flags::kVm |
                                flags::kAc | flags::kVif | flags::kVip | flags::kId;
  mask &= kDefined;
  state.eflags = ((state.eflags & ~mask) | (value & mask)) | flags::kReserved1;
}

void Cpu::deliver(uint8_t vector, bool has_error, uint32_t error_code) {
  (void)has_error;  // real mode pushes no error code
  (void)error_code;
  if (state.protected_mode()) throw Unimplemented{"protected-mode interrupt delivery"};

  // Real mode: the IVT holds offset:segment pairs (SDM Vol. 3, 20.1.4).
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
  far_jump(cs, ip);
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
  GuestFault f = fault;
  for (;;) {
    try {
      deliver(f.vector, f.has_error_code, f.error_code);
      return;
    } catch (const GuestFault& second) {
      if (f.vector == vec::kDf) {
        shutdown_ = true;  // triple fault
        return;
      }
      f = becomes_double_fault(f.vector, second.vector) ? GuestFault{vec::kDf, true, 0} : second;
    }
  }
}

void Cpu::deliver_software_interrupt(uint8_t vector) {
  deliver(vector, false, 0);
}

void Cpu::deliver_external_interrupt(uint8_t vector) {
  state.halted = false;
  try {
    deliver(vector, false, 0);
  } catch (const GuestFault& f) {
    deliver_exception(f);
  }
}

}  // namespace tx86::core
