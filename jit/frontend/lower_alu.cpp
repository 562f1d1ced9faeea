// ADD ADC SUB SBB AND OR XOR CMP TEST, INC DEC NEG NOT, SHL SHR SAR by an
// immediate, 32-bit SHL SHR SAR ROL ROR by an immediate or CL, IMUL r,
// r/m(, imm), BT BTS BTR BTC, XADD, CMPXCHG. The host instruction computes the status
// flags (FlagsFrom) where they match the interpreter's model
// (core/interp/alu.h); flags the SDM leaves undefined follow that model.
#include "core/cpu/registers.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

namespace {

using core::Mnemonic;
using core::OperandKind;
using ir::Arg;
using ir::Op;
namespace fl = core::flags;

// Flags the host's logic ops produce exactly (CF = OF = 0); AF is
// undefined there and cleared by the model.
constexpr uint32_t kLogicHost = fl::kCf | fl::kPf | fl::kZf | fl::kSf | fl::kOf;
constexpr uint32_t kSzp = fl::kPf | fl::kZf | fl::kSf;
constexpr uint8_t kCondEqual = 4;  // (Jcc numbering: E/Z)

struct Binary {
  Op op;
  bool write_back;
  bool logic;
};

bool binary_of(Mnemonic m, Binary& out) {
  switch (m) {
    case Mnemonic::kAdd: out = {Op::kAdd, true, false}; return true;
    case Mnemonic::kAdc: out = {Op::kAdc, true, false}; return true;
    case Mnemonic::kSub: out = {Op::kSub, true, false}; return true;
    case Mnemonic::kSbb: out = {Op::kSbb, true, false}; return true;
    case Mnemonic::kCmp: out = {Op::kSub, false, false}; return true;
    case Mnemonic::kAnd: out = {Op::kAnd, true, true}; return true;
    case Mnemonic::kOr: out = {Op::kOr, true, true}; return true;
    case Mnemonic::kXor: out = {Op::kXor, true, true}; return true;
    case Mnemonic::kTest: out = {Op::kAnd, false, true}; return true;
    default: return false;
  }
}

bool lower_binary(LowerContext& c, const core::DecodedInsn& insn, const Binary& bin) {
  const unsigned size = insn.ops[0].size;
  const Arg a = c.read(0);
  const Arg b = c.read(1);
  const Arg old = c.flags();
  const ir::Ref r =
      c.emit(bin.op, size, a, b, (bin.op == Op::kAdc || bin.op == Op::kSbb) ? old : Arg{});
  const ir::Ref f = bin.logic ? c.b.flags_from(r, old.v, kLogicHost, fl::kAf)
                              : c.b.flags_from(r, old.v, fl::kArith, 0);
  if (bin.write_back) c.write(0, Arg::value(r));
  c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
  return true;
}

bool lower_unary(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  Op op = Op::kNot;
  uint32_t host = 0;
  switch (insn.mnemonic) {
    case Mnemonic::kInc:
      op = Op::kInc;
      host = fl::kArith & ~fl::kCf;
      break;
    case Mnemonic::kDec:
      op = Op::kDec;
      host = fl::kArith & ~fl::kCf;
      break;
    case Mnemonic::kNeg:
      op = Op::kNeg;
      host = fl::kArith;
      break;
    case Mnemonic::kNot: break;
    default: return false;
  }
  const Arg a = c.read(0);
  if (host != 0) c.flags();  // read before the op: FlagsFrom must follow it
  const ir::Ref r = c.emit(op, size, a);
  ir::Ref f = ir::kNoRef;
  if (host != 0) f = c.b.flags_from(r, c.flags().v, host, 0);
  c.write(0, Arg::value(r));
  if (f != ir::kNoRef) c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
  return true;
}

// OF after a shift or rotate by a count in a register, at bit 11, as the
// interpreter's model has it (core/interp/shift.cpp): the count-1 formulas
// on the final value (exact for a count of 1 too). The host's own OF is
// undefined for larger counts and differs between host CPUs. `f`: the op's
// flags, for SHL's CF. (SAR clears OF: its zero mask does that.)
Arg model_of(LowerContext& c, Op op, unsigned size, Arg r, Arg f) {
  const Arg top = Arg::imm(8 * size - 1);
  Arg x;  // the bit in bit 0
  switch (op) {
    case Op::kShl: x = c.value(Op::kXor, 4, c.value(Op::kShr, 4, r, top), f); break;  // MSB ^ CF
    case Op::kRol: x = c.value(Op::kXor, 4, c.value(Op::kShr, 4, r, top), r); break;  // MSB ^ LSB
    default:  // SHR, ROR: MSB ^ the bit below it
      x = c.value(Op::kShr, 4, c.value(Op::kXor, 4, r, c.value(Op::kShl, 4, r, Arg::imm(1))), top);
      break;
  }
  return c.value(Op::kShl, 4, c.value(Op::kAnd, 4, x, Arg::imm(1)), Arg::imm(11));
}

// Shifts and rotates. An immediate count below the operand width is known
// now (a count of zero still reads, and may fault on, the operand). A CL
// count, for 32-bit registers (every masked count is below the width; a
// memory operand would be written even when the count is zero), is known
// at run time: a masked count of zero keeps the flags, so the flags are a
// Select between the old and the new. Other forms stay with the
// interpreter.
bool lower_shift(LowerContext& c, const core::DecodedInsn& insn) {
  Op op = Op::kShl;
  switch (insn.mnemonic) {
    case Mnemonic::kShl:
    case Mnemonic::kSal: op = Op::kShl; break;
    case Mnemonic::kShr: op = Op::kShr; break;
    case Mnemonic::kSar: op = Op::kSar; break;
    case Mnemonic::kRol: op = Op::kRol; break;
    case Mnemonic::kRor: op = Op::kRor; break;
    default: return false;
  }
  const bool rotate = op == Op::kRol || op == Op::kRor;
  // Rotates write CF and OF only; shifts clear AF (the model's choice).
  const uint32_t host = rotate ? fl::kCf | fl::kOf : kLogicHost;
  const uint32_t zero = rotate ? 0 : fl::kAf;
  const unsigned size = insn.ops[0].size;
  if (insn.ops[1].kind == OperandKind::kImm) {
    const unsigned count = insn.imm & 0x1F;
    if (count >= 8 * size || (rotate && size != 4)) return false;
    const Arg a = c.read(0);
    if (count == 0) return true;
    const Arg old = c.flags();
    // (The backend makes the host's OF the model's for counts above 1.)
    const ir::Ref r = c.emit(op, size, a, Arg::imm(count));
    const ir::Ref f = c.b.flags_from(r, old.v, host, zero);
    c.write(0, Arg::value(r));
    c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
    return true;
  }
  if (size != 4 || insn.ops[0].kind != OperandKind::kGpr) return false;
  const Arg a = c.read(0);
  const Arg count = c.value(Op::kAnd, 4, c.reg(core::kCl, 1), Arg::imm(0x1F));
  const Arg old = c.flags();
  const ir::Ref r = c.emit(op, size, a, count);
  Arg f = Arg::value(c.b.flags_from(r, old.v, host & ~fl::kOf, zero | fl::kOf));
  if (op != Op::kSar) f = c.value(Op::kOr, 4, f, model_of(c, op, size, Arg::value(r), f));
  c.write(0, Arg::value(r));
  c.b.emit(Op::kSetFlags, 4, 0, c.value(Op::kSelect, 4, count, f, old));
  return true;
}

// IMUL r, r/m and IMUL r, r/m, imm: CF = OF from the host; the model sets
// SF, ZF, PF from the truncated product and clears AF.
bool lower_imul(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  if (size == 1) return false;
  const bool three = insn.ops[2].kind != OperandKind::kNone;
  const Arg a = c.read(three ? 1 : 0);
  const Arg b = c.read(three ? 2 : 1);
  const Arg old = c.flags();
  const ir::Ref r = c.emit(Op::kImul, size, a, b);
  const ir::Ref f1 = c.b.flags_from(r, old.v, fl::kCf | fl::kOf, fl::kAf);
  const ir::Ref t = c.emit(Op::kAnd, size, Arg::value(r), Arg::value(r));
  const ir::Ref f2 = c.b.flags_from(t, f1, kSzp, 0);
  c.write(0, Arg::value(r));
  c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f2));
  return true;
}

// BT BTS BTR BTC: CF = the selected bit, the other flags as they were (the
// interpreter's model of the flags the SDM leaves undefined). A register
// bit offset with a memory operand addresses beyond the operand, and BTS
// BTR BTC by a register offset are rare: those stay with the interpreter.
// BT BTS BTR BTC of memory by a register: the register's offset is signed
// and picks the word or dword it falls in, beyond the operand as far as it
// goes (SDM "bit base" addressing), the address wrapping at the address
// size.
bool lower_bit_string(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  const unsigned shift = size == 2 ? 4 : 5;  // log2(bits)
  const uint8_t seg = insn.mem.seg;
  const Arg raw = c.read(1);
  const Arg signed_off = size == 2 ? c.value(Op::kSignExtend, 2, raw) : raw;
  const Arg unit = c.value(Op::kSar, 4, signed_off, Arg::imm(shift));
  const Arg bytes = c.value(Op::kShl, 4, unit, Arg::imm(size == 2 ? 1 : 2));
  Arg off = c.value(Op::kAdd, 4, c.offset(), bytes);
  if (insn.addrsize == 2) off = c.value(Op::kZeroExtend, 2, off);
  const Arg value = Arg::value(c.b.emit(Op::kLoad, size, seg, off));
  const Arg n = c.value(Op::kAnd, 4, raw, Arg::imm(8 * size - 1));
  const Arg old = c.flags();
  const Arg bit = c.value(Op::kAnd, 4, c.value(Op::kShr, 4, value, n), Arg::imm(1));
  if (insn.mnemonic != Mnemonic::kBt) {
    const Arg mask = c.value(Op::kShl, 4, Arg::imm(1), n);
    Arg result;
    switch (insn.mnemonic) {
      case Mnemonic::kBts: result = c.value(Op::kOr, size, value, mask); break;
      case Mnemonic::kBtr:
        result = c.value(Op::kAnd, size, value, c.value(Op::kNot, 4, mask));
        break;
      default: result = c.value(Op::kXor, size, value, mask); break;
    }
    c.b.emit(Op::kStore, size, seg, off, result);
  }
  const Arg kept = c.value(Op::kAnd, 4, old, Arg::imm(~fl::kCf));
  c.b.emit(Op::kSetFlags, 4, 0, c.value(Op::kOr, 4, kept, bit));
  return true;
}

bool lower_bit_test(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  const unsigned bits = 8 * size;
  const bool by_imm = insn.ops[1].kind == OperandKind::kImm;
  if (!by_imm && insn.ops[0].kind == OperandKind::kMem) return lower_bit_string(c, insn);
  if (!by_imm && insn.mnemonic != Mnemonic::kBt) return false;
  const Arg value = c.read(0);
  const Arg old = c.flags();
  Arg bit;
  uint32_t mask = 0;
  if (by_imm) {
    const unsigned n = insn.imm & (bits - 1);
    mask = 1u << n;
    const Arg moved = n == 0 ? value : c.value(Op::kShr, 4, value, Arg::imm(n));
    bit = c.value(Op::kAnd, 4, moved, Arg::imm(1));
  } else {
    const Arg n = c.value(Op::kAnd, 4, c.read(1), Arg::imm(bits - 1));
    bit = c.value(Op::kAnd, 4, c.value(Op::kShr, 4, value, n), Arg::imm(1));
  }
  switch (insn.mnemonic) {
    case Mnemonic::kBts: c.write(0, c.value(Op::kOr, size, value, Arg::imm(mask))); break;
    case Mnemonic::kBtr:
      c.write(0, c.value(Op::kAnd, size, value,
                         Arg::imm(~mask & (bits == 32 ? ~0u : (1u << bits) - 1))));
      break;
    case Mnemonic::kBtc: c.write(0, c.value(Op::kXor, size, value, Arg::imm(mask))); break;
    default: break;
  }
  const Arg kept = c.value(Op::kAnd, 4, old, Arg::imm(~fl::kCf));
  c.b.emit(Op::kSetFlags, 4, 0, c.value(Op::kOr, 4, kept, bit));
  return true;
}

// XADD: DEST = DEST + SRC, SRC = the old DEST, flags as ADD. (With a
// register destination the destination is written last: XADD r, r of one
// register leaves the sum.)
bool lower_xadd(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  const Arg dest = c.read(0);
  const Arg src = c.read(1);
  const Arg old = c.flags();
  const ir::Ref sum = c.emit(Op::kAdd, size, dest, src);
  const ir::Ref f = c.b.flags_from(sum, old.v, fl::kArith, 0);
  if (insn.ops[0].kind == OperandKind::kMem) {
    c.write(0, Arg::value(sum));
    c.write(1, dest);
  } else {
    c.write(1, dest);
    c.write(0, Arg::value(sum));
  }
  c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
  return true;
}

// CMPXCHG: flags as CMP accumulator, DEST; equal: DEST = SRC; else the
// accumulator gets DEST and DEST is written back unchanged (the locked
// cycle always writes, so a read-only destination faults either way).
bool lower_cmpxchg(LowerContext& c, const core::DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  const Arg dest = c.read(0);
  const Arg acc = c.reg(core::kEax, size);
  const Arg old = c.flags();
  const ir::Ref r = c.emit(Op::kSub, size, acc, dest);
  const ir::Ref f = c.b.flags_from(r, old.v, fl::kArith, 0);
  const Arg equal = Arg::value(c.b.emit(Op::kCond, 4, kCondEqual, Arg::value(f)));
  c.write(0, c.value(Op::kSelect, 4, equal, c.read(1), dest));
  // (After the write: CMPXCHG of the accumulator itself leaves SRC there.)
  const Arg now = c.reg(core::kEax, size);
  c.set_reg(core::kEax, size, c.value(Op::kSelect, 4, equal, now, dest));
  c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
  return true;
}

// SHLD/SHRD of 32 bits by an immediate or CL (a register destination
// only: with a count of 0 nothing is written). The interpreter's flags:
// SF ZF PF of the result, CF the last bit shifted out, OF set when the
// sign changed, AF clear. (16-bit operands, whose counts past 16 leave the
// result undefined, stay with the interpreter.)
bool lower_double_shift(LowerContext& c, const core::DecodedInsn& insn) {
  const bool right = insn.mnemonic == Mnemonic::kShrd;
  const bool by_imm = insn.ops[2].kind == OperandKind::kImm;
  if (insn.ops[0].size != 4 || (!by_imm && insn.ops[0].kind != OperandKind::kGpr)) return false;
  const Arg dest = c.read(0);
  Arg count;
  if (by_imm) {
    const unsigned n = insn.imm & 0x1F;
    if (n == 0) return true;  // (the operand was read: its fault, if any)
    count = Arg::imm(n);
  } else {
    count = c.value(Op::kAnd, 4, c.reg(core::kCl, 1), Arg::imm(0x1F));
  }
  const Arg src = c.read(1);
  const Arg old = c.flags();
  // (A count of 0 computes garbage here, which the Selects below drop.)
  const Arg rest =
      by_imm ? Arg::imm((32 - count.v) & 31)
             : c.value(Op::kAnd, 4, c.value(Op::kSub, 4, Arg::imm(32), count), Arg::imm(31));
  const Arg out_bit =
      by_imm ? Arg::imm(right ? count.v - 1 : rest.v)
             : (right ? c.value(Op::kAnd, 4, c.value(Op::kSub, 4, count, Arg::imm(1)), Arg::imm(31))
                      : rest);
  const Arg moved = c.value(right ? Op::kShr : Op::kShl, 4, dest, count);
  const Arg filled = c.value(right ? Op::kShl : Op::kShr, 4, src, rest);
  const ir::Ref result = c.emit(Op::kOr, 4, moved, filled);
  const ir::Ref szp = c.b.flags_from(result, old.v, kSzp, fl::kAf);
  const Arg cf = c.value(Op::kAnd, 4, c.value(Op::kShr, 4, dest, out_bit), Arg::imm(1));
  const Arg sign_change =
      c.value(Op::kShr, 4, c.value(Op::kXor, 4, dest, Arg::value(result)), Arg::imm(31));
  const Arg of = c.value(Op::kShl, 4, sign_change, Arg::imm(11));
  Arg flags = c.value(Op::kAnd, 4, Arg::value(szp), Arg::imm(~(fl::kCf | fl::kOf)));
  flags = c.value(Op::kOr, 4, c.value(Op::kOr, 4, flags, cf), of);
  if (by_imm) {
    c.write(0, Arg::value(result));
    c.b.emit(Op::kSetFlags, 4, 0, flags);
  } else {
    c.write(0, c.value(Op::kSelect, 4, count, Arg::value(result), dest));
    c.b.emit(Op::kSetFlags, 4, 0, c.value(Op::kSelect, 4, count, flags, old));
  }
  return true;
}

// CMPXCHG8B m64: EDX:EAX against the quadword; equal, ECX:EBX goes there,
// else the quadword goes to EDX:EAX and back to memory. As in the
// interpreter, both halves are probed for writing before either is
// stored, so that a fault leaves memory as it was; here the probes are
// stores of what was read.
bool lower_cmpxchg8b(LowerContext& c, const core::DecodedInsn& insn) {
  const uint8_t seg = insn.mem.seg;
  const Arg lo_off = c.offset();
  Arg hi_off = c.value(Op::kAdd, 4, lo_off, Arg::imm(4));
  if (insn.addrsize == 2) hi_off = c.value(Op::kZeroExtend, 2, hi_off);
  const Arg lo = Arg::value(c.b.emit(Op::kLoad, 4, seg, lo_off));
  const Arg hi = Arg::value(c.b.emit(Op::kLoad, 4, seg, hi_off));
  c.b.emit(Op::kStore, 4, seg, lo_off, lo);
  c.b.emit(Op::kStore, 4, seg, hi_off, hi);
  const Arg eax = c.reg(core::kEax, 4);
  const Arg edx = c.reg(core::kEdx, 4);
  const Arg old = c.flags();
  const Arg lo_diff = c.value(Op::kXor, 4, lo, eax);
  const Arg hi_diff = c.value(Op::kXor, 4, hi, edx);
  const ir::Ref diff = c.emit(Op::kOr, 4, lo_diff, hi_diff);
  const ir::Ref f = c.b.flags_from(diff, old.v, fl::kZf, 0);
  const Arg equal = Arg::value(c.b.emit(Op::kCond, 4, kCondEqual, Arg::value(f)));
  c.b.emit(Op::kStore, 4, seg, lo_off, c.value(Op::kSelect, 4, equal, c.reg(core::kEbx, 4), lo));
  c.b.emit(Op::kStore, 4, seg, hi_off, c.value(Op::kSelect, 4, equal, c.reg(core::kEcx, 4), hi));
  c.set_reg(core::kEax, 4, c.value(Op::kSelect, 4, equal, eax, lo));
  c.set_reg(core::kEdx, 4, c.value(Op::kSelect, 4, equal, edx, hi));
  c.b.emit(Op::kSetFlags, 4, 0, Arg::value(f));
  return true;
}

}  // namespace

bool lower_alu(LowerContext& c, const core::DecodedInsn& insn) {
  Binary bin{};
  if (binary_of(insn.mnemonic, bin)) return lower_binary(c, insn, bin);
  switch (insn.mnemonic) {
    case Mnemonic::kInc:
    case Mnemonic::kDec:
    case Mnemonic::kNeg:
    case Mnemonic::kNot: return lower_unary(c, insn);
    case Mnemonic::kShl:
    case Mnemonic::kSal:
    case Mnemonic::kShr:
    case Mnemonic::kSar:
    case Mnemonic::kRol:
    case Mnemonic::kRor: return lower_shift(c, insn);
    case Mnemonic::kImul: return lower_imul(c, insn);
    case Mnemonic::kBt:
    case Mnemonic::kBts:
    case Mnemonic::kBtr:
    case Mnemonic::kBtc: return lower_bit_test(c, insn);
    case Mnemonic::kXadd: return lower_xadd(c, insn);
    case Mnemonic::kCmpxchg: return lower_cmpxchg(c, insn);
    case Mnemonic::kCmpxchg8b: return lower_cmpxchg8b(c, insn);
    case Mnemonic::kShld:
    case Mnemonic::kShrd: return lower_double_shift(c, insn);
    default: return false;
  }
}

}  // namespace tx86::jit
