#include "jit/backend/x64/fast_assembler.h"

#include <cstdint>

namespace tx86::jit::x64 {

namespace {

using asmjit::InstId;
using asmjit::Operand_;
using asmjit::RegType;
namespace x86 = asmjit::x86;

constexpr uint32_t kGpd = x86::RegTraits<RegType::kX86_Gpd>::kSignature;
constexpr uint32_t kGpq = x86::RegTraits<RegType::kX86_Gpq>::kSignature;
constexpr uint32_t kShiftMask = x86::Mem::kSignatureMemShiftValueMask;

// The signatures (scale aside) of [base64 + disp] and [base64 + index64 *
// scale + disp] operands of 4 and 8 bytes, and unsized (LEA's): any
// segment, other address kind or register kind makes another.
struct MemSignatures {
  uint32_t plain[9];
  uint32_t indexed[9];
};
const MemSignatures& mem_signatures() {
  static const MemSignatures sigs = [] {
    MemSignatures s{};
    for (uint32_t size : {0u, 4u, 8u}) {
      s.plain[size] = x86::ptr(x86::rax, 0, size).signature().bits();
      s.indexed[size] = x86::ptr(x86::rax, x86::rcx, 0, 0, size).signature().bits() & ~kShiftMask;
    }
    return s;
  }();
  return sigs;
}

// A 32- or 64-bit general register's operand size, else 0.
unsigned gp_size(uint32_t sig) {
  return sig == kGpd ? 4 : sig == kGpq ? 8 : 0;
}

// Whether o is a memory operand of `size` bytes (0: unsized) the short
// path encodes.
bool plain_mem(const Operand_& o, unsigned size) {
  const MemSignatures& s = mem_signatures();
  const uint32_t sig = o.signature().bits();
  if (sig == s.plain[size]) return true;
  return (sig & ~kShiftMask) == s.indexed[size] && o.as<x86::Mem>().indexId() != 4;
}

bool fits8(int64_t v) {
  return v >= -128 && v <= 127;
}

uint8_t* put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
  return p + 4;
}

// REX (when needed) and opcode bytes, then ModRM for `reg` (a register or
// an opcode extension) and the register `rm`.
uint8_t* rr(uint8_t* p, unsigned size, uint32_t opcode, unsigned reg, unsigned rm) {
  const unsigned rex = (size == 8 ? 8 : 0) | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0);
  if (rex != 0) *p++ = static_cast<uint8_t>(0x40 | rex);
  if (opcode > 0xFF) *p++ = static_cast<uint8_t>(opcode >> 8);  // (0F xx)
  *p++ = static_cast<uint8_t>(opcode);
  *p++ = static_cast<uint8_t>(0xC0 | (reg & 7) << 3 | (rm & 7));
  return p;
}

// The same with a memory operand (plain_mem).
uint8_t* rm(uint8_t* p, unsigned size, uint32_t opcode, unsigned reg, const Operand_& o) {
  const auto& m = o.as<x86::Mem>();
  const unsigned base = m.baseId();
  const bool has_index = m.hasIndex();
  const unsigned index = has_index ? m.indexId() : 4;
  const int32_t disp = m.offsetLo32();
  const unsigned rex =
      (size == 8 ? 8 : 0) | (reg >= 8 ? 4 : 0) | (index >= 8 ? 2 : 0) | (base >= 8 ? 1 : 0);
  if (rex != 0) *p++ = static_cast<uint8_t>(0x40 | rex);
  if (opcode > 0xFF) *p++ = static_cast<uint8_t>(opcode >> 8);
  *p++ = static_cast<uint8_t>(opcode);
  const bool sib = has_index || (base & 7) == 4;
  const unsigned mod = disp == 0 && (base & 7) != 5 ? 0 : fits8(disp) ? 1 : 2;
  *p++ = static_cast<uint8_t>(mod << 6 | (reg & 7) << 3 | (sib ? 4 : base & 7));
  if (sib) *p++ = static_cast<uint8_t>(m.shift() << 6 | (index & 7) << 3 | (base & 7));
  if (mod == 1) *p++ = static_cast<uint8_t>(disp);
  if (mod == 2) p = put32(p, static_cast<uint32_t>(disp));
  return p;
}

// An immediate for a 32- or 64-bit operation as asmjit takes it (a 32-bit
// one written signed or unsigned, a 64-bit one sign-extended from 32
// bits), or false.
bool imm32(const Operand_& o, unsigned size, int32_t& out) {
  if (!o.isImm()) return false;
  const int64_t v = o.as<asmjit::Imm>().value();
  if (size == 4 ? (v < INT32_MIN || v > UINT32_MAX) : v != static_cast<int32_t>(v)) return false;
  out = static_cast<int32_t>(v);
  return true;
}

// ADD OR AND SUB XOR CMP (/digit), 32 and 64 bits.
uint8_t* alu(uint8_t* p, unsigned digit, const Operand_& o0, const Operand_& o1) {
  const uint32_t s0 = o0.signature().bits();
  const uint32_t s1 = o1.signature().bits();
  const auto op = static_cast<uint8_t>(digit * 8);
  if (const unsigned size = gp_size(s0)) {
    if (s1 == s0) return rr(p, size, op + 1u, o1.id(), o0.id());
    int32_t v = 0;
    if (imm32(o1, size, v)) {
      if (fits8(v)) {
        p = rr(p, size, 0x83, digit, o0.id());
        *p++ = static_cast<uint8_t>(v);
        return p;
      }
      if (o0.id() == 0) return nullptr;  // (asmjit's EAX form)
      return put32(rr(p, size, 0x81, digit, o0.id()), static_cast<uint32_t>(v));
    }
    if (plain_mem(o1, size)) return rm(p, size, op + 3u, o0.id(), o1);
    return nullptr;
  }
  if (const unsigned size = gp_size(s1); size != 0 && plain_mem(o0, size)) {
    return rm(p, size, op + 1u, o1.id(), o0);
  }
  return nullptr;
}

uint8_t* mov(uint8_t* p, const Operand_& o0, const Operand_& o1) {
  const uint32_t s0 = o0.signature().bits();
  const uint32_t s1 = o1.signature().bits();
  if (const unsigned size = gp_size(s0)) {
    if (s1 == s0) return rr(p, size, 0x89, o1.id(), o0.id());
    if (plain_mem(o1, size)) return rm(p, size, 0x8B, o0.id(), o1);
    int32_t v = 0;
    if (!imm32(o1, size, v)) return nullptr;  // (MOVABS: asmjit's)
    if (size == 4) {
      const unsigned r = o0.id();
      if (r >= 8) *p++ = 0x41;
      *p++ = static_cast<uint8_t>(0xB8 + (r & 7));
      return put32(p, static_cast<uint32_t>(v));
    }
    return put32(rr(p, 8, 0xC7, 0, o0.id()), static_cast<uint32_t>(v));
  }
  if (const unsigned size = gp_size(s1); size != 0 && plain_mem(o0, size)) {
    return rm(p, size, 0x89, o1.id(), o0);
  }
  for (unsigned size : {4u, 8u}) {
    int32_t v = 0;
    if (plain_mem(o0, size) && imm32(o1, size, v)) {
      return put32(rm(p, size, 0xC7, 0, o0), static_cast<uint32_t>(v));
    }
  }
  return nullptr;
}

uint8_t* shift(uint8_t* p, unsigned digit, const Operand_& o0, const Operand_& o1) {
  const unsigned size = gp_size(o0.signature().bits());
  if (size == 0 || !o1.isImm()) return nullptr;
  const int64_t count = o1.as<asmjit::Imm>().value();
  if (count < 0 || count > 255) return nullptr;
  if (count == 1) return rr(p, size, 0xD1, digit, o0.id());
  p = rr(p, size, 0xC1, digit, o0.id());
  *p++ = static_cast<uint8_t>(count);
  return p;
}

// The encoding of (id, o0, o1) at p, and its end; null when the form is
// not one of these (nothing written that counts then).
uint8_t* encode(uint8_t* p, InstId id, const Operand_& o0, const Operand_& o1) {
  switch (id) {
    case x86::Inst::kIdMov: return mov(p, o0, o1);
    case x86::Inst::kIdAdd: return alu(p, 0, o0, o1);
    case x86::Inst::kIdOr: return alu(p, 1, o0, o1);
    case x86::Inst::kIdAnd: return alu(p, 4, o0, o1);
    case x86::Inst::kIdSub: return alu(p, 5, o0, o1);
    case x86::Inst::kIdXor: return alu(p, 6, o0, o1);
    case x86::Inst::kIdCmp: return alu(p, 7, o0, o1);
    case x86::Inst::kIdShl: return shift(p, 4, o0, o1);
    case x86::Inst::kIdShr: return shift(p, 5, o0, o1);
    case x86::Inst::kIdSar: return shift(p, 7, o0, o1);
    case x86::Inst::kIdTest: {
      const uint32_t s0 = o0.signature().bits();
      const unsigned size = gp_size(s0);
      if (size == 0 || o1.signature().bits() != s0) return nullptr;
      return rr(p, size, 0x85, o1.id(), o0.id());
    }
    case x86::Inst::kIdLea: {
      const unsigned size = gp_size(o0.signature().bits());
      if (size == 0 || !(plain_mem(o1, 0) || plain_mem(o1, 4) || plain_mem(o1, 8))) return nullptr;
      return rm(p, size, 0x8D, o0.id(), o1);
    }
    case x86::Inst::kIdMovzx: {
      const unsigned size = gp_size(o0.signature().bits());
      if (size == 0 || !o1.isReg() || o1.as<asmjit::BaseReg>().type() != RegType::kX86_Gpw) {
        return nullptr;
      }
      return rr(p, size, 0x0FB7, o0.id(), o1.id());
    }
    default: return nullptr;
  }
}

}  // namespace

asmjit::Error FastAssembler::_emit(asmjit::InstId id, const asmjit::Operand_& o0,
                                   const asmjit::Operand_& o1, const asmjit::Operand_& o2,
                                   const asmjit::Operand_* ext) {
  // (Nothing pending that asmjit would have to apply: options, prefixes,
  // a comment; room for the longest form here, 11 bytes.)
  if (o2.isNone() && (ext == nullptr || ext[0].isNone()) &&
      (instOptions() | forcedInstOptions()) == asmjit::InstOptions::kNone && !hasExtraReg() &&
      inlineComment() == nullptr && remainingSpace() >= 16) {
    if (uint8_t* end = encode(_bufferPtr, id, o0, o1)) {
      _bufferPtr = end;
      asmjit::CodeBuffer& buffer = _section->_buffer;
      const auto size = static_cast<size_t>(end - _bufferData);
      if (size > buffer._size) buffer._size = size;
      return asmjit::kErrorOk;
    }
  }
  return asmjit::x86::Assembler::_emit(id, o0, o1, o2, ext);
}

}  // namespace tx86::jit::x64
