// Cpu basics: reset, memory access through segments and the MMU, the stack.
#include "core/cpu/cpu.h"

#include <cstring>

#include "core/decoder/decoder.h"

namespace tx86::core {

Cpu::Cpu(MemoryBus& memory, IoBus& io_bus) : mem(memory), io(io_bus), mmu(memory) {
  state.owner = this;
  state.tlb[0] = mmu.tlb(false);
  state.tlb[1] = mmu.tlb(true);
  mmu.set_ram_window(&state.ram_window);
  reset();
}

void Cpu::reset() {
  reset_cpu_state(state, kCpuSignature);
  mmu.flush_all();
  shutdown_ = false;
  ignne_ = false;
  tsc_offset_ = 0;
  tsc_offset_ = -static_cast<int64_t>(read_tsc());  // the TSC restarts at 0
  error.clear();
}

// SDM Vol. 1, 8.7 and Appendix D: with CR0.NE set the error is #MF at
// the instruction that found it. With NE clear it is the PC's FERR#:
// IRQ 13 is raised and the instruction freezes until the interrupt comes;
// the handler's write to port F0 asserts IGNNE#, and the instruction, run
// again after IRET, goes on (or the handler cleared the error with FNCLEX).
void Cpu::report_fpu_error() {
  if (state.cr0 & cr0::kNe) raise_fault(vec::kMf);
  if (ignne_) return;
  if (ferr_) ferr_();
  raise_fault(vec::kFpuFreeze);
}

uint64_t Cpu::read_tsc() const {
  // One TSC tick per nanosecond of guest time: a nominal 1 GHz part.
  const uint64_t ns = clock_ ? clock_() : state.icount;
  return ns + static_cast<uint64_t>(tsc_offset_);
}

void Cpu::write_tsc(uint64_t value) {
  const uint64_t ns = clock_ ? clock_() : state.icount;
  tsc_offset_ = static_cast<int64_t>(value - ns);
}

bool segment_range_ok(const SegmentCache& s, uint32_t offset, unsigned size) {
  const uint64_t last = uint64_t{offset} + size - 1;
  const bool expand_down = (s.attrs & (seg_attr::kCode | seg_attr::kExpandDown | seg_attr::kS)) ==
                           (seg_attr::kExpandDown | seg_attr::kS);
  if (expand_down) {
    const uint64_t upper = (s.attrs & seg_attr::kDefaultBig) ? 0xFFFFFFFFu : 0xFFFFu;
    return offset > s.limit && last <= upper;
  }
  return last <= s.limit;
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
  if (!segment_range_ok(s, offset, size)) segment_fault(seg);
  return s.base + offset;
}

// Data breakpoints (SDM Vol. 3, 17.2.4-17.2.5): DR7 enables, R/W 01 = write,
// 11 = read or write; LEN 1, 2, 4 (aligned). A hit becomes a #DB trap once
// the instruction completes.
void Cpu::check_data_breakpoints(uint32_t lin, unsigned size, bool write) {
  const uint32_t dr7 = state.dr[7];
  for (unsigned n = 0; n < 4; ++n) {
    if (!(dr7 & (3u << (2 * n)))) continue;
    const uint32_t rw = (dr7 >> (16 + 4 * n)) & 3;
    if (rw == 0 || rw == 2 || (rw == 1 && !write)) continue;
    const uint32_t len = ((dr7 >> (18 + 4 * n)) & 3) + 1;  // 1, 2, (3: 8 bytes) 4
    const uint32_t bytes = len == 3 ? 8 : len;
    const uint32_t start = state.dr[n] & ~(bytes - 1);
    if (lin < start + bytes && start < lin + size) state.debug_trap |= 1u << n;
  }
}

uint32_t Cpu::read_linear(uint32_t lin, unsigned size) {
  if (state.dr[7] & 0xFF) check_data_breakpoints(lin, size, false);
  if (debug.watching()) debug.note_access(lin, size, false);
  return mmu.read(state, lin, size, cpl() == 3);
}

void Cpu::write_linear(uint32_t lin, unsigned size, uint32_t value) {
  if (state.dr[7] & 0xFF) check_data_breakpoints(lin, size, true);
  if (debug.watching()) debug.note_access(lin, size, true);
  mmu.write(state, lin, size, value, cpl() == 3);
}

// Alignment check (SDM Vol. 3, 6.15, #AC): a misaligned data access at CPL 3
// with CR0.AM and EFLAGS.AC both set.
void Cpu::check_alignment(uint32_t lin, unsigned size) {
  if (size > 1 && (lin & (size - 1)) != 0 && (state.cr0 & cr0::kAm) && state.flag(flags::kAc) &&
      cpl() == 3) {
    raise_fault(vec::kAc, 0);
  }
}

uint32_t Cpu::read(uint8_t seg, uint32_t off, unsigned size) {
  const uint32_t lin = linear_address(seg, off, size, Access::kRead);
  check_alignment(lin, size);
  return read_linear(lin, size);
}

void Cpu::write(uint8_t seg, uint32_t off, unsigned size, uint32_t value) {
  const uint32_t lin = linear_address(seg, off, size, Access::kWrite);
  check_alignment(lin, size);
  write_linear(lin, size, value);
}

bool Cpu::read_or_fault(uint8_t seg, uint32_t off, unsigned size, uint32_t& value,
                        GuestFault& fault) {
  const uint32_t lin = linear_address(seg, off, size, Access::kRead);
  check_alignment(lin, size);
  if (!mmu.try_span(state, lin, size, Access::kRead, cpl() == 3, fault)) return false;
  value = read_linear(lin, size);
  return true;
}

bool Cpu::write_or_fault(uint8_t seg, uint32_t off, unsigned size, uint32_t value,
                         GuestFault& fault) {
  const uint32_t lin = linear_address(seg, off, size, Access::kWrite);
  check_alignment(lin, size);
  if (!mmu.try_span(state, lin, size, Access::kWrite, cpl() == 3, fault)) return false;
  write_linear(lin, size, value);
  return true;
}

void Cpu::probe_write(uint8_t seg, uint32_t off, unsigned size) {
  mmu.probe_write(state, linear_address(seg, off, size, Access::kWrite), size, cpl() == 3);
}

bool Cpu::fetch_page_or_fault(GuestFault& fault) {
  const SegmentCache& cs = state.seg[kCs];
  if (state.eip > cs.limit) return true;
  return mmu.try_translate(state, cs.base + state.eip, Access::kExecute, cpl() == 3, &fault)
      .has_value();
}

unsigned Cpu::fetch_code(uint8_t* out, unsigned max) {
  const SegmentCache& cs = state.seg[kCs];
  const uint32_t eip = state.eip;
  if (eip > cs.limit) raise_fault(vec::kGp, 0);
  const uint64_t room = uint64_t{cs.limit} - eip + 1;
  const unsigned n = room < max ? static_cast<unsigned>(room) : max;
  const bool user = cpl() == 3;
  const uint32_t lin = cs.base + eip;
  // The first page must be there; bytes on the next page are fetched only if
  // it translates, so that an instruction ending before it does not fault.
  const unsigned first_page = kPageSize - (lin & kPageMask);
  const unsigned head = n < first_page ? n : first_page;
  if (const uint8_t* host = mmu.host_for_read(lin, user)) {
    // (A fixed size is two moves; a variable one became REP MOVSQ.)
    if (head == kMaxInsnLength) {
      std::memcpy(out, host, kMaxInsnLength);
    } else {
      std::memcpy(out, host, head);
    }
  } else {
    for (unsigned i = 0; i < head; ++i)
      out[i] = static_cast<uint8_t>(mmu.read(state, lin + i, 1, user, Access::kExecute));
  }
  if (head == n) return n;
  if (const uint8_t* host = mmu.host_for_read(lin + head, user)) {
    std::memcpy(out + head, host, n - head);
    return n;
  }
  try {
    for (unsigned i = head; i < n; ++i) {
      out[i] = static_cast<uint8_t>(mmu.read(state, lin + i, 1, user, Access::kExecute));
    }
  } catch (const GuestFault&) {
    return head;
  }
  return n;
}

void Cpu::fetch_fault(unsigned n) {
  const SegmentCache& cs = state.seg[kCs];
  const uint64_t at = uint64_t{state.eip} + n;
  if (at > cs.limit) raise_fault(vec::kGp, 0);
  mmu.read(state, cs.base + static_cast<uint32_t>(at), 1, cpl() == 3, Access::kExecute);
  raise_fault(vec::kGp, 0);  // the byte is readable: the instruction is too long
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

}  // namespace tx86::core
