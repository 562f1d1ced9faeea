// MOVS STOS LODS CMPS SCAS without a repeat prefix; REP MOVS/STOS/CMPS/SCAS
// with 32-bit addresses become RepString (the backend's inline fast path,
// the interpreter otherwise); other repeated ones stay with the interpreter.
// SI/DI or ESI/EDI by the address size move by the element size, backwards
// when DF is set.
#include "core/cpu/registers.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

namespace {

using core::Mnemonic;
using ir::Arg;
using ir::Op;

struct StringOperands {
  LowerContext& c;
  unsigned size;
  unsigned asize;
  uint8_t src_seg;
  Arg delta{};

  Arg index(uint8_t r) {
    const Arg v = c.reg(r, 4);
    return asize == 4 ? v : c.value(Op::kZeroExtend, 2, v);
  }
  Arg step() {
    if (delta.kind == Arg::Kind::kNone) delta = c.value(Op::kDfDelta, size, c.flags());
    return delta;
  }
  void advance(uint8_t r) {
    const Arg v = c.reg(r, 4);
    c.set_reg(r, asize, c.value(Op::kAdd, 4, v, step()));
  }
  Arg load(uint8_t seg, uint8_t r) {
    return Arg::value(c.b.emit(Op::kLoad, static_cast<uint8_t>(size), seg, index(r)));
  }
};

}  // namespace

bool lower_string(LowerContext& c, const core::DecodedInsn& insn) {
  if (!(insn.attrs & core::attr::kString)) return false;
  if (insn.has(core::prefix::kRep) || insn.has(core::prefix::kRepne)) {
    const bool fast = insn.mnemonic == Mnemonic::kMovs || insn.mnemonic == Mnemonic::kStos ||
                      insn.mnemonic == Mnemonic::kCmps || insn.mnemonic == Mnemonic::kScas;
    if (!fast || insn.addrsize != 4) return false;
    c.b.emit(Op::kRepString, 4, 0);
    return true;
  }
  const int sized = (insn.mnemonic == Mnemonic::kLods || insn.mnemonic == Mnemonic::kScas) ? 1 : 0;
  StringOperands s{c, insn.ops[sized].size, insn.addrsize,
                   insn.seg_override != core::kNoReg ? insn.seg_override : uint8_t{core::kDs}};
  switch (insn.mnemonic) {
    case Mnemonic::kMovs: {
      const Arg v = s.load(s.src_seg, core::kEsi);
      c.b.emit(Op::kStore, static_cast<uint8_t>(s.size), core::kEs, s.index(core::kEdi), v);
      s.advance(core::kEsi);
      s.advance(core::kEdi);
      return true;
    }
    case Mnemonic::kStos:
      c.b.emit(Op::kStore, static_cast<uint8_t>(s.size), core::kEs, s.index(core::kEdi),
               c.reg(core::kEax, s.size));
      s.advance(core::kEdi);
      return true;
    case Mnemonic::kLods: {
      const Arg v = s.load(s.src_seg, core::kEsi);
      c.set_reg(core::kEax, s.size, v);
      s.advance(core::kEsi);
      return true;
    }
    case Mnemonic::kCmps:
    case Mnemonic::kScas: {
      const bool cmps = insn.mnemonic == Mnemonic::kCmps;
      const Arg a = cmps ? s.load(s.src_seg, core::kEsi) : c.reg(core::kEax, s.size);
      const Arg b = s.load(core::kEs, core::kEdi);
      const Arg old = c.flags();
      const ir::Ref r = c.emit(Op::kSub, s.size, a, b);
      const ir::Ref f = c.b.flags_from(r, old.v, core::flags::kArith, 0);
      if (cmps) s.advance(core::kEsi);
      s.advance(core::kEdi);
      c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
      return true;
    }
    default: return false;
  }
}

}  // namespace tx86::jit
