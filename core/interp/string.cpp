// MOVS CMPS STOS LODS SCAS INS OUTS, with REP / REPE / REPNE.
//
// The address size picks SI/DI/CX or ESI/EDI/ECX; the source segment is DS
// unless overridden, the destination is always ES. A repeated instruction
// runs a bounded number of iterations per step and then re-executes itself
// (EIP stays on it), so interrupts and device events are taken between
// iterations and a fault leaves the registers of the completed iterations.
//
// REP MOVS, STOS, CMPS and SCAS also have a fast path (run_in_memory), and
// REP INS one from devices that hand over runs of data (run_ins): a run
// of elements that stays inside one page of each operand and inside the
// segment limits needs one segment check and one translation, and then
// works on host memory directly. It does exactly the iterations the element
// loop would, and leaves anything unusual to it.
#include <algorithm>
#include <cstring>

#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

constexpr unsigned kIterationsPerStep = 4096;

struct StringContext {
  Cpu& cpu;
  const DecodedInsn& insn;
  unsigned size;   // element size
  unsigned asize;  // address size
  uint8_t src_seg;
  uint32_t delta;  // +size or -size, by DF

  uint32_t si() const { return cpu.state.reg(kEsi, asize); }
  uint32_t di() const { return cpu.state.reg(kEdi, asize); }
  void advance_si() { cpu.state.set_reg(kEsi, asize, si() + delta); }
  void advance_di() { cpu.state.set_reg(kEdi, asize, di() + delta); }
};

StringContext make_context(Cpu& cpu, const DecodedInsn& insn, int sized_operand) {
  const unsigned size = insn.ops[sized_operand].size;
  const uint8_t src = insn.seg_override != kNoReg ? insn.seg_override : uint8_t{kDs};
  const uint32_t delta =
      cpu.state.flag(flags::kDf) ? static_cast<uint32_t>(-static_cast<int32_t>(size)) : size;
  return StringContext{cpu, insn, size, insn.addrsize, src, delta};
}

// One element each.
void movs(StringContext& c) {
  const uint32_t v = c.cpu.read(c.src_seg, c.si(), c.size);
  c.cpu.write(kEs, c.di(), c.size, v);
  c.advance_si();
  c.advance_di();
}

void stos(StringContext& c) {
  c.cpu.write(kEs, c.di(), c.size, c.cpu.state.reg(kEax, c.size));
  c.advance_di();
}

void lods(StringContext& c) {
  c.cpu.state.set_reg(kEax, c.size, c.cpu.read(c.src_seg, c.si(), c.size));
  c.advance_si();
}

void cmps(StringContext& c) {
  const uint32_t a = c.cpu.read(c.src_seg, c.si(), c.size);
  const uint32_t b = c.cpu.read(kEs, c.di(), c.size);
  alu::sub(c.cpu.state.eflags, a, b, 0, c.size);
  c.advance_si();
  c.advance_di();
}

void scas(StringContext& c) {
  const uint32_t b = c.cpu.read(kEs, c.di(), c.size);
  alu::sub(c.cpu.state.eflags, c.cpu.state.reg(kEax, c.size), b, 0, c.size);
  c.advance_di();
}

void ins(StringContext& c) {
  c.cpu.check_io(static_cast<uint16_t>(c.cpu.state.gpr[kEdx]), c.size);
  // The destination is checked before the port is read, which may have side effects.
  c.cpu.linear_address(kEs, c.di(), c.size, Access::kWrite);
  const uint32_t v = c.cpu.io.read(static_cast<uint16_t>(c.cpu.state.gpr[kEdx]), c.size);
  c.cpu.write(kEs, c.di(), c.size, v);
  c.advance_di();
}

void outs(StringContext& c) {
  c.cpu.check_io(static_cast<uint16_t>(c.cpu.state.gpr[kEdx]), c.size);
  const uint32_t v = c.cpu.read(c.src_seg, c.si(), c.size);
  c.cpu.io.write(static_cast<uint16_t>(c.cpu.state.gpr[kEdx]), c.size, v);
  c.advance_si();
}

// --- The fast path ----------------------------------------------------------

enum class Run : uint8_t { kMovs, kStos, kCmps, kScas, kIns, kNone };

// Where a run of elements of one operand lives in host memory.
struct RunSpan {
  uint8_t* host = nullptr;  // the first element's bytes
  uint32_t elements = 0;    // how many fit the page, the offset range and the limit
};

// The run of one operand starting at offset `off` of segment `seg`: at most
// `max` elements, none crossing a page or wrapping the offset. Raises the
// first element's segment fault or page fault, as the element loop would.
RunSpan span_of(StringContext& c, uint8_t seg, uint32_t off, uint32_t max, Access access) {
  Cpu& cpu = c.cpu;
  const bool forward = static_cast<int32_t>(c.delta) > 0;
  const uint32_t lin = cpu.linear_address(seg, off, c.size, access);
  const uint32_t in_page = lin & kPageMask;
  if (in_page + c.size > kPageSize) return {};  // the element straddles two pages
  const uint64_t offset_room =
      forward ? (c.asize == 2 ? 0x10000ull : 0x100000000ull) - off : uint64_t{off} + c.size;
  const uint64_t page_room = forward ? kPageSize - in_page : in_page + c.size;
  const unsigned shift = c.size == 4 ? 2 : c.size == 2 ? 1 : 0;  // (no divisions: this is hot)
  const uint64_t n = std::min<uint64_t>({max, offset_room >> shift, page_room >> shift});
  if (n == 0) return {};
  const uint32_t last = forward ? off + static_cast<uint32_t>((n - 1) * c.size)
                                : off - static_cast<uint32_t>((n - 1) * c.size);
  if (!segment_range_ok(cpu.state.seg[seg], last, c.size)) return {};
  const PhysAddr phys = cpu.mmu.translate(cpu.state, lin, access, cpu.cpl() == 3);
  uint8_t* page = access == Access::kWrite ? cpu.mem.host_page_for_write(phys)
                                           : cpu.mem.host_page_for_read(phys);
  if (page == nullptr) return {};  // MMIO, or a page holding translated code
  return {page + (phys & kPageMask), static_cast<uint32_t>(n)};
}

// (A fixed size per case: a variable-length copy into a wider variable
// stalls on store forwarding.)
uint32_t load_element(const uint8_t* p, unsigned size) {
  if (size == 1) return *p;
  if (size == 2) {
    uint16_t v = 0;
    std::memcpy(&v, p, 2);
    return v;
  }
  uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return v;
}

// The index of the element where REPE/REPNE CMPS or SCAS stops among n (n
// - 1 when it runs through them all): the first that differs (REPE) or
// matches (REPNE). Byte-wise forward searches go eight bytes at a time.
template <Run kRun>
uint32_t first_stop(const uint8_t* src, const uint8_t* dst, uint32_t n, ptrdiff_t step,
                    unsigned size, uint32_t acc, bool repe) {
  uint32_t i = 0;
  if (size == 1 && step == 1) {
    if (kRun == Run::kScas && !repe) {
      const void* hit = std::memchr(dst, static_cast<int>(acc), n);
      return hit != nullptr ? static_cast<uint32_t>(static_cast<const uint8_t*>(hit) - dst) : n - 1;
    }
    if (repe) {
      const uint64_t fill = 0x0101010101010101ull * acc;
      for (; i + 8 <= n; i += 8) {
        uint64_t a = fill;
        uint64_t b = 0;
        if (kRun == Run::kCmps) std::memcpy(&a, src + i, 8);
        std::memcpy(&b, dst + i, 8);
        if (a != b) return i + static_cast<uint32_t>(__builtin_ctzll(a ^ b) / 8);
      }
    }
  }
  for (; i < n; ++i) {
    const ptrdiff_t at = static_cast<ptrdiff_t>(i) * step;
    const uint32_t a = kRun == Run::kCmps ? load_element(src + at, size) : acc;
    if ((a == load_element(dst + at, size)) != repe) return i;
  }
  return n - 1;
}

// Runs up to `max` iterations of the instruction on host memory; returns how
// many it did (0: the element loop must take the next one).
template <Run kRun>
uint32_t run_in_memory(StringContext& c, uint32_t max) {
  Cpu& cpu = c.cpu;
  CpuState& s = cpu.state;
  const bool forward = static_cast<int32_t>(c.delta) > 0;
  const ptrdiff_t step = static_cast<int32_t>(c.delta);  // bytes from one element to the next
  RunSpan src;
  RunSpan dst;
  uint32_t n = max;
  if constexpr (kRun == Run::kMovs || kRun == Run::kCmps) {
    src = span_of(c, c.src_seg, c.si(), n, Access::kRead);
    n = src.elements;
    if (n == 0) return 0;
  }
  dst = span_of(c, kEs, c.di(), n,
                kRun == Run::kMovs || kRun == Run::kStos ? Access::kWrite : Access::kRead);
  n = std::min(n, dst.elements);
  if (n == 0) return 0;

  uint32_t done = n;
  if constexpr (kRun == Run::kMovs) {
    const size_t bytes = size_t{n} * c.size;
    uint8_t* d = forward ? dst.host : dst.host - (bytes - c.size);
    const uint8_t* from = forward ? src.host : src.host - (bytes - c.size);
    // Element by element where the regions overlap in the direction of the
    // copy (a byte pattern repeats, as on the CPU); a plain copy otherwise.
    const bool overlapping = forward ? (dst.host > src.host && dst.host < src.host + bytes)
                                     : (dst.host < src.host && dst.host + bytes > src.host);
    if (!overlapping) {
      std::memmove(d, from, bytes);
    } else {
      for (uint32_t i = 0; i < n; ++i) {
        std::memmove(dst.host + static_cast<ptrdiff_t>(i) * step,
                     src.host + static_cast<ptrdiff_t>(i) * step, c.size);
      }
    }
  } else if constexpr (kRun == Run::kStos) {
    const uint32_t v = s.reg(kEax, c.size);
    if (c.size == 1) {
      std::memset(forward ? dst.host : dst.host - (n - 1), static_cast<int>(v), n);
    } else {
      // (A fixed size per loop: the compiler turns each into wide stores.)
      uint8_t* first = forward ? dst.host : dst.host - static_cast<ptrdiff_t>(n - 1) * c.size;
      if (c.size == 2) {
        const auto w = static_cast<uint16_t>(v);
        for (uint32_t i = 0; i < n; ++i) std::memcpy(first + 2 * i, &w, 2);
      } else {
        for (uint32_t i = 0; i < n; ++i) std::memcpy(first + 4 * i, &v, 4);
      }
    }
  } else {
    // Compare until the condition fails; the flags are those of the last
    // comparison made.
    const bool repe = c.insn.has(prefix::kRep);
    const uint32_t acc = s.reg(kEax, c.size) & alu::mask_of(c.size);
    const uint32_t last = first_stop<kRun>(src.host, dst.host, n, step, c.size, acc, repe);
    done = last + 1;
    const uint32_t a = kRun == Run::kCmps
                           ? load_element(src.host + static_cast<ptrdiff_t>(last) * step, c.size)
                           : acc;
    alu::sub(s.eflags, a, load_element(dst.host + static_cast<ptrdiff_t>(last) * step, c.size), 0,
             c.size);
  }
  const uint32_t moved = done * c.delta;
  if constexpr (kRun == Run::kMovs || kRun == Run::kCmps) s.set_reg(kEsi, c.asize, c.si() + moved);
  s.set_reg(kEdi, c.asize, c.di() + moved);
  return done;
}

// REP INS from a device that hands over a run of its data at once (the IDE
// data port: SeaBIOS reads a disk that way, a word or dword an
// iteration), straight into the destination's page. Checked as the first
// element would be: the port's permission, then the destination, then the
// read. 0: go element by element (a device without runs, the end of its
// data block, a destination the fast path may not write, DF set).
uint32_t run_ins(StringContext& c, uint32_t max) {
  Cpu& cpu = c.cpu;
  if (static_cast<int32_t>(c.delta) < 0) return 0;
  const auto port = static_cast<uint16_t>(cpu.state.gpr[kEdx]);
  cpu.check_io(port, c.size);
  const RunSpan dst = span_of(c, kEs, c.di(), max, Access::kWrite);
  if (dst.elements == 0) return 0;
  const uint32_t n = cpu.io.read_string(port, c.size, dst.host, dst.elements);
  cpu.state.set_reg(kEdi, c.asize, c.di() + n * c.delta);
  return n;
}

// Whether nothing the fast path skips applies: data breakpoints (the
// guest's or a debugger's), alignment checks, a write journal.
bool fast_path_allowed(Cpu& cpu) {
  const CpuState& s = cpu.state;
  if ((s.dr[7] & 0xFF) || cpu.debug.watching()) return false;
  if ((s.cr0 & cr0::kAm) && s.flag(flags::kAc) && cpu.cpl() == 3) return false;
  return !cpu.mmu.journal_recording();
}

template <void (*Element)(StringContext&), bool kCompares, int kSizedOperand, Run kRun = Run::kNone>
void exec_string(Cpu& cpu, const DecodedInsn& insn) {
  StringContext c = make_context(cpu, insn, kSizedOperand);
  const bool rep = insn.has(prefix::kRep) || insn.has(prefix::kRepne);
  if (!rep) {
    Element(c);
    return;
  }
  CpuState& s = cpu.state;
  const bool fast = kRun != Run::kNone && fast_path_allowed(cpu);
  for (unsigned i = 0; i < kIterationsPerStep;) {
    const uint32_t count = s.reg(kEcx, c.asize);
    if (count == 0) return;
    if constexpr (kRun != Run::kNone) {
      const uint32_t max = std::min(count, kIterationsPerStep - i);
      uint32_t n = 0;
      if constexpr (kRun == Run::kIns) {
        n = fast ? run_ins(c, max) : 0;
      } else {
        n = fast ? run_in_memory<kRun>(c, max) : 0;
      }
      if (n > 0) {
        s.set_reg(kEcx, c.asize, count - n);
        i += n;
        if constexpr (kCompares) {
          const bool zf = s.flag(flags::kZf);
          if (insn.has(prefix::kRep) ? !zf : zf) return;
        }
        continue;
      }
    }
    ++i;
    Element(c);
    s.set_reg(kEcx, c.asize, count - 1);
    // A data breakpoint traps after this iteration; a debugger's watchpoint
    // stops the run there.
    if (s.debug_trap != 0 || cpu.debug.hit_pending()) break;
    if constexpr (kCompares) {
      const bool zf = s.flag(flags::kZf);
      if (insn.has(prefix::kRep) ? !zf : zf) return;
    }
  }
  if (s.reg(kEcx, c.asize) != 0) s.eip -= insn.length;  // not done: run again
}

}  // namespace

void register_string(HandlerTable& t) {
  set(t, Mnemonic::kMovs, exec_string<movs, false, 0, Run::kMovs>);
  set(t, Mnemonic::kStos, exec_string<stos, false, 0, Run::kStos>);
  set(t, Mnemonic::kLods, exec_string<lods, false, 1>);
  set(t, Mnemonic::kCmps, exec_string<cmps, true, 0, Run::kCmps>);
  set(t, Mnemonic::kScas, exec_string<scas, true, 1, Run::kScas>);
  set(t, Mnemonic::kIns, exec_string<ins, false, 0, Run::kIns>);
  set(t, Mnemonic::kOuts, exec_string<outs, false, 1>);
}

}  // namespace tx86::core::interp
