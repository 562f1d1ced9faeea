// MOVS CMPS STOS LODS SCAS INS OUTS, with REP / REPE / REPNE.
//
// The address size picks SI/DI/CX or ESI/EDI/ECX; the source segment is DS
// unless overridden, the destination is always ES. A repeated instruction
// runs a bounded number of iterations per step and then re-executes itself
// (EIP stays on it), so interrupts and device events are taken between
// iterations and a fault leaves the registers of the completed iterations.
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

template <void (*Element)(StringContext&), bool kCompares, int kSizedOperand>
void exec_string(Cpu& cpu, const DecodedInsn& insn) {
  StringContext c = make_context(cpu, insn, kSizedOperand);
  const bool rep = insn.has(prefix::kRep) || insn.has(prefix::kRepne);
  if (!rep) {
    Element(c);
    return;
  }
  CpuState& s = cpu.state;
  for (unsigned i = 0; i < kIterationsPerStep; ++i) {
    const uint32_t count = s.reg(kEcx, c.asize);
    if (count == 0) return;
    Element(c);
    s.set_reg(kEcx, c.asize, count - 1);
    if (s.debug_trap != 0) break;  // a data breakpoint traps after this iteration
    if constexpr (kCompares) {
      const bool zf = s.flag(flags::kZf);
      if (insn.has(prefix::kRep) ? !zf : zf) return;
    }
  }
  if (s.reg(kEcx, c.asize) != 0) s.eip -= insn.length;  // not done: run again
}

}  // namespace

void register_string(HandlerTable& t) {
  set(t, Mnemonic::kMovs, exec_string<movs, false, 0>);
  set(t, Mnemonic::kStos, exec_string<stos, false, 0>);
  set(t, Mnemonic::kLods, exec_string<lods, false, 1>);
  set(t, Mnemonic::kCmps, exec_string<cmps, true, 0>);
  set(t, Mnemonic::kScas, exec_string<scas, true, 1>);
  set(t, Mnemonic::kIns, exec_string<ins, false, 0>);
  set(t, Mnemonic::kOuts, exec_string<outs, false, 1>);
}

}  // namespace tx86::core::interp
