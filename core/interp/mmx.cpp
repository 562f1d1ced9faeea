// MMX (SDM Vol. 1, chapter 9): the Pentium MMX instruction set on the eight
// 64-bit registers that alias the x87 significands. Every MMX instruction
// but EMMS makes the x87 stack look full (all tags valid, TOP = 0); a write
// sets the aliased register's sign and exponent to ones. The instructions
// SSE added to the MMX registers (PSHUFW, PMINUB, ...) and the 66-prefixed
// XMM forms are #UD on this CPU, as on a Pentium MMX (system.cpp).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/fpu/host_x87.h"
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

// SDM Vol. 2, each MMX instruction: #UD with CR0.EM (MMX cannot be
// emulated), #NM with CR0.TS, then an x87 error left pending.
void mmx_entry(Cpu& cpu, const DecodedInsn& insn) {
  for (const Operand& op : insn.ops) {
    if (op.kind == OperandKind::kXmm) raise_fault(vec::kUd);
  }
  const uint32_t cr0 = cpu.state.cr0;
  if (cr0 & cr0::kEm) raise_fault(vec::kUd);
  if (cr0 & cr0::kTs) raise_fault(vec::kNm);
  if (cpu.state.fpu.pending() != 0) {
    cpu.report_fpu_error();
  } else {
    cpu.fpu_error_cleared();
  }
}

uint64_t read_mem64(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t off = effective_offset(cpu.state, insn);
  const uint32_t hi_off = insn.addrsize == 2 ? (off + 4) & 0xFFFFu : off + 4;
  const uint32_t lo = cpu.read(insn.mem.seg, off, 4);
  return lo | (uint64_t{cpu.read(insn.mem.seg, hi_off, 4)} << 32);
}

void write_mem64(Cpu& cpu, const DecodedInsn& insn, uint64_t v) {
  const uint32_t off = effective_offset(cpu.state, insn);
  const uint32_t hi_off = insn.addrsize == 2 ? (off + 4) & 0xFFFFu : off + 4;
  cpu.probe_write(insn.mem.seg, off, 4);
  cpu.probe_write(insn.mem.seg, hi_off, 4);
  cpu.write(insn.mem.seg, off, 4, static_cast<uint32_t>(v));
  cpu.write(insn.mem.seg, hi_off, 4, static_cast<uint32_t>(v >> 32));
}

// Operand i as 64 bits: an MMX register, or memory of its size (4 bytes for
// PUNPCKLxx, zero-extended), or an immediate count.
uint64_t source(Cpu& cpu, const DecodedInsn& insn, int i) {
  const Operand& op = insn.ops[i];
  switch (op.kind) {
    case OperandKind::kMmx: return cpu.state.fpu.reg[op.reg].mantissa;
    case OperandKind::kMem:
      return op.size == 8 ? read_mem64(cpu, insn) : uint64_t{read_operand(cpu, insn, i)};
    default: return read_operand(cpu, insn, i);
  }
}

// The state every MMX instruction but EMMS leaves: TOP 0, all tags valid.
void touch_fpu(CpuState& s) {
  s.fpu.set_top(0);
  s.fpu.valid = 0xFF;
}

void set_mmx(CpuState& s, unsigned r, uint64_t v) {
  s.fpu.reg[r] = X87Reg{v, 0xFFFF};
}

// --- Lanes.
template <typename T>
T lane(uint64_t v, unsigned i) {
  return static_cast<T>(v >> (8 * sizeof(T) * i));
}

template <typename T>
uint64_t put_lane(uint64_t acc, unsigned i, T x) {
  using U = std::make_unsigned_t<T>;
  return acc | (uint64_t{static_cast<U>(x)} << (8 * sizeof(T) * i));
}

template <typename T, typename Fn>
uint64_t lanewise(uint64_t a, uint64_t b, Fn fn) {
  uint64_t r = 0;
  for (unsigned i = 0; i < 8 / sizeof(T); ++i)
    r = put_lane<T>(r, i, fn(lane<T>(a, i), lane<T>(b, i)));
  return r;
}

template <typename T>
T saturate(int64_t v) {
  const int64_t lo = std::numeric_limits<T>::min();
  const int64_t hi = std::numeric_limits<T>::max();
  return static_cast<T>(std::clamp(v, lo, hi));
}

template <typename T>
uint64_t add_wrap(uint64_t a, uint64_t b) {
  return lanewise<T>(a, b, [](T x, T y) { return static_cast<T>(x + y); });
}
template <typename T>
uint64_t sub_wrap(uint64_t a, uint64_t b) {
  return lanewise<T>(a, b, [](T x, T y) { return static_cast<T>(x - y); });
}
template <typename T>
uint64_t add_sat(uint64_t a, uint64_t b) {
  return lanewise<T>(a, b, [](T x, T y) { return saturate<T>(int64_t{x} + int64_t{y}); });
}
template <typename T>
uint64_t sub_sat(uint64_t a, uint64_t b) {
  return lanewise<T>(a, b, [](T x, T y) { return saturate<T>(int64_t{x} - int64_t{y}); });
}
template <typename T>
uint64_t cmp_eq(uint64_t a, uint64_t b) {
  return lanewise<T>(a, b, [](T x, T y) { return static_cast<T>(x == y ? -1 : 0); });
}
template <typename T>
uint64_t cmp_gt(uint64_t a, uint64_t b) {
  return lanewise<T>(a, b, [](T x, T y) { return static_cast<T>(x > y ? -1 : 0); });
}

// Shifts by a 64-bit count: past the lane width, logical shifts give 0
// and arithmetic ones the sign.
template <typename T>
uint64_t shift_left(uint64_t a, uint64_t count) {
  if (count >= 8 * sizeof(T)) return 0;
  return lanewise<T>(a, 0, [count](T x, T) { return static_cast<T>(x << count); });
}
template <typename T>
uint64_t shift_right(uint64_t a, uint64_t count) {
  if (count >= 8 * sizeof(T)) return 0;
  return lanewise<T>(a, 0, [count](T x, T) { return static_cast<T>(x >> count); });
}
template <typename T>
uint64_t shift_arith(uint64_t a, uint64_t count) {
  const unsigned n = count >= 8 * sizeof(T) ? 8 * sizeof(T) - 1 : static_cast<unsigned>(count);
  return lanewise<T>(a, 0, [n](T x, T) { return static_cast<T>(x >> n); });
}

// PACKSS/PACKUS: the destination's lanes narrowed into the low half, the
// source's into the high half.
template <typename From, typename To>
uint64_t pack(uint64_t dst, uint64_t src) {
  constexpr unsigned kLanes = 8 / sizeof(From);
  uint64_t r = 0;
  for (unsigned i = 0; i < kLanes; ++i) {
    r = put_lane<To>(r, i, saturate<To>(lane<From>(dst, i)));
    r = put_lane<To>(r, i + kLanes, saturate<To>(lane<From>(src, i)));
  }
  return r;
}

// PUNPCKL/H: the low (or high) lanes of destination and source interleaved.
template <typename T>
uint64_t unpack(uint64_t dst, uint64_t src, bool high) {
  constexpr unsigned kHalf = 4 / sizeof(T);
  const unsigned base = high ? kHalf : 0;
  uint64_t r = 0;
  for (unsigned i = 0; i < kHalf; ++i) {
    r = put_lane<T>(r, 2 * i, lane<T>(dst, base + i));
    r = put_lane<T>(r, 2 * i + 1, lane<T>(src, base + i));
  }
  return r;
}

uint64_t pmaddwd(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  for (unsigned i = 0; i < 2; ++i) {
    const int32_t lo = int32_t{lane<int16_t>(a, 2 * i)} * lane<int16_t>(b, 2 * i);
    const int32_t hi = int32_t{lane<int16_t>(a, 2 * i + 1)} * lane<int16_t>(b, 2 * i + 1);
    // (-32768)^2 * 2 wraps to 0x80000000, as the hardware gives.
    r = put_lane<uint32_t>(r, i, static_cast<uint32_t>(lo) + static_cast<uint32_t>(hi));
  }
  return r;
}

// The two-operand form: MMX register destination, MMX/memory source.
uint64_t compute(Mnemonic m, uint64_t a, uint64_t b) {
  switch (m) {
    case Mnemonic::kPaddb: return add_wrap<uint8_t>(a, b);
    case Mnemonic::kPaddw: return add_wrap<uint16_t>(a, b);
    case Mnemonic::kPaddd: return add_wrap<uint32_t>(a, b);
    case Mnemonic::kPaddsb: return add_sat<int8_t>(a, b);
    case Mnemonic::kPaddsw: return add_sat<int16_t>(a, b);
    case Mnemonic::kPaddusb: return add_sat<uint8_t>(a, b);
    case Mnemonic::kPaddusw: return add_sat<uint16_t>(a, b);
    case Mnemonic::kPsubb: return sub_wrap<uint8_t>(a, b);
    case Mnemonic::kPsubw: return sub_wrap<uint16_t>(a, b);
    case Mnemonic::kPsubd: return sub_wrap<uint32_t>(a, b);
    case Mnemonic::kPsubsb: return sub_sat<int8_t>(a, b);
    case Mnemonic::kPsubsw: return sub_sat<int16_t>(a, b);
    case Mnemonic::kPsubusb: return sub_sat<uint8_t>(a, b);
    case Mnemonic::kPsubusw: return sub_sat<uint16_t>(a, b);
    case Mnemonic::kPcmpeqb: return cmp_eq<uint8_t>(a, b);
    case Mnemonic::kPcmpeqw: return cmp_eq<uint16_t>(a, b);
    case Mnemonic::kPcmpeqd: return cmp_eq<uint32_t>(a, b);
    case Mnemonic::kPcmpgtb: return cmp_gt<int8_t>(a, b);
    case Mnemonic::kPcmpgtw: return cmp_gt<int16_t>(a, b);
    case Mnemonic::kPcmpgtd: return cmp_gt<int32_t>(a, b);
    case Mnemonic::kPmullw:
      return lanewise<int16_t>(
          a, b, [](int16_t x, int16_t y) { return static_cast<int16_t>(int32_t{x} * y); });
    case Mnemonic::kPmulhw:
      return lanewise<int16_t>(
          a, b, [](int16_t x, int16_t y) { return static_cast<int16_t>((int32_t{x} * y) >> 16); });
    case Mnemonic::kPmaddwd: return pmaddwd(a, b);
    case Mnemonic::kPand: return a & b;
    case Mnemonic::kPandn: return ~a & b;
    case Mnemonic::kPor: return a | b;
    case Mnemonic::kPxor: return a ^ b;
    case Mnemonic::kPsllw:
    case Mnemonic::kPsllwImm: return shift_left<uint16_t>(a, b);
    case Mnemonic::kPslld:
    case Mnemonic::kPslldImm: return shift_left<uint32_t>(a, b);
    case Mnemonic::kPsllq:
    case Mnemonic::kPsllqImm: return shift_left<uint64_t>(a, b);
    case Mnemonic::kPsrlw:
    case Mnemonic::kPsrlwImm: return shift_right<uint16_t>(a, b);
    case Mnemonic::kPsrld:
    case Mnemonic::kPsrldImm: return shift_right<uint32_t>(a, b);
    case Mnemonic::kPsrlq:
    case Mnemonic::kPsrlqImm: return shift_right<uint64_t>(a, b);
    case Mnemonic::kPsraw:
    case Mnemonic::kPsrawImm: return shift_arith<int16_t>(a, b);
    case Mnemonic::kPsrad:
    case Mnemonic::kPsradImm: return shift_arith<int32_t>(a, b);
    case Mnemonic::kPacksswb: return pack<int16_t, int8_t>(a, b);
    case Mnemonic::kPackssdw: return pack<int32_t, int16_t>(a, b);
    case Mnemonic::kPackuswb: return pack<int16_t, uint8_t>(a, b);
    case Mnemonic::kPunpcklbw: return unpack<uint8_t>(a, b, false);
    case Mnemonic::kPunpcklwd: return unpack<uint16_t>(a, b, false);
    case Mnemonic::kPunpckldq: return unpack<uint32_t>(a, b, false);
    case Mnemonic::kPunpckhbw: return unpack<uint8_t>(a, b, true);
    case Mnemonic::kPunpckhwd: return unpack<uint16_t>(a, b, true);
    case Mnemonic::kPunpckhdq: return unpack<uint32_t>(a, b, true);
    default: return a;
  }
}

void exec_mmx_op(Cpu& cpu, const DecodedInsn& insn) {
  mmx_entry(cpu, insn);
  CpuState& s = cpu.state;
  const unsigned dst = insn.ops[0].reg;
  const uint64_t b = source(cpu, insn, 1);
  touch_fpu(s);
  set_mmx(s, dst, compute(insn.mnemonic, s.fpu.reg[dst].mantissa, b));
}

void exec_movd_to_mmx(Cpu& cpu, const DecodedInsn& insn) {
  mmx_entry(cpu, insn);
  const uint32_t v = read_operand(cpu, insn, 1);
  touch_fpu(cpu.state);
  set_mmx(cpu.state, insn.ops[0].reg, v);
}

void exec_movq_to_mmx(Cpu& cpu, const DecodedInsn& insn) {
  mmx_entry(cpu, insn);
  const uint64_t v = source(cpu, insn, 1);
  touch_fpu(cpu.state);
  set_mmx(cpu.state, insn.ops[0].reg, v);
}

void exec_movd_from_mmx(Cpu& cpu, const DecodedInsn& insn) {
  mmx_entry(cpu, insn);
  CpuState& s = cpu.state;
  write_operand(cpu, insn, 0, static_cast<uint32_t>(s.fpu.reg[insn.ops[1].reg].mantissa));
  touch_fpu(s);
}

void exec_movq_from_mmx(Cpu& cpu, const DecodedInsn& insn) {
  mmx_entry(cpu, insn);
  CpuState& s = cpu.state;
  const uint64_t v = s.fpu.reg[insn.ops[1].reg].mantissa;
  if (insn.ops[0].kind == OperandKind::kMem) {
    write_mem64(cpu, insn, v);
  } else {
    set_mmx(s, insn.ops[0].reg, v);
  }
  touch_fpu(s);
}

// EMMS: every x87 register empty (and TOP 0 on the hosts checked; run on
// the host so that it does what the host's does).
void exec_emms(Cpu& cpu, const DecodedInsn& insn) {
  mmx_entry(cpu, insn);
  run_emms_on_host(cpu.state.fpu);
}

}  // namespace

void register_mmx(HandlerTable& t) {
  constexpr Mnemonic kOps[] = {
      Mnemonic::kPaddb,     Mnemonic::kPaddw,     Mnemonic::kPaddd,     Mnemonic::kPaddsb,
      Mnemonic::kPaddsw,    Mnemonic::kPaddusb,   Mnemonic::kPaddusw,   Mnemonic::kPsubb,
      Mnemonic::kPsubw,     Mnemonic::kPsubd,     Mnemonic::kPsubsb,    Mnemonic::kPsubsw,
      Mnemonic::kPsubusb,   Mnemonic::kPsubusw,   Mnemonic::kPcmpeqb,   Mnemonic::kPcmpeqw,
      Mnemonic::kPcmpeqd,   Mnemonic::kPcmpgtb,   Mnemonic::kPcmpgtw,   Mnemonic::kPcmpgtd,
      Mnemonic::kPmullw,    Mnemonic::kPmulhw,    Mnemonic::kPmaddwd,   Mnemonic::kPand,
      Mnemonic::kPandn,     Mnemonic::kPor,       Mnemonic::kPxor,      Mnemonic::kPsllw,
      Mnemonic::kPslld,     Mnemonic::kPsllq,     Mnemonic::kPsrlw,     Mnemonic::kPsrld,
      Mnemonic::kPsrlq,     Mnemonic::kPsraw,     Mnemonic::kPsrad,     Mnemonic::kPsllwImm,
      Mnemonic::kPslldImm,  Mnemonic::kPsllqImm,  Mnemonic::kPsrlwImm,  Mnemonic::kPsrldImm,
      Mnemonic::kPsrlqImm,  Mnemonic::kPsrawImm,  Mnemonic::kPsradImm,  Mnemonic::kPacksswb,
      Mnemonic::kPackssdw,  Mnemonic::kPackuswb,  Mnemonic::kPunpcklbw, Mnemonic::kPunpcklwd,
      Mnemonic::kPunpckldq, Mnemonic::kPunpckhbw, Mnemonic::kPunpckhwd, Mnemonic::kPunpckhdq,
  };
  for (Mnemonic m : kOps) set(t, m, exec_mmx_op);
  set(t, Mnemonic::kMovdToMmx, exec_movd_to_mmx);
  set(t, Mnemonic::kMovqToMmx, exec_movq_to_mmx);
  set(t, Mnemonic::kMovdFromMmx, exec_movd_from_mmx);
  set(t, Mnemonic::kMovqFromMmx, exec_movq_from_mmx);
  set(t, Mnemonic::kEmms, exec_emms);
}

}  // namespace tx86::core::interp
