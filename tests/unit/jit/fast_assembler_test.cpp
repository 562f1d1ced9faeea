// FastAssembler's own encodings must be asmjit's, byte for byte, and what
// it leaves to asmjit must come out as asmjit makes it (or fail as asmjit
// fails): every instruction form the short path knows, with registers,
// immediates at the edges of each size, and memory operands of every base,
// index, scale and displacement size.
#include "jit/backend/x64/fast_assembler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tx86::jit::x64 {
namespace {

namespace x86 = asmjit::x86;
using asmjit::InstId;
using asmjit::Operand;

struct Result {
  asmjit::Error error;
  std::vector<uint8_t> bytes;
};

template <class A>
Result assemble(InstId id, const Operand& o0, const Operand& o1) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host(), 0x10000);
  A a(&code);
  a.nop();  // (the first instruction makes the buffer: asmjit's path, whatever it is)
  Result r;
  r.error = a.emit(id, o0, o1);
  const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
  r.bytes.assign(buffer.data(), buffer.data() + buffer.size());
  return r;
}

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  for (uint8_t b : bytes) s += "0123456789abcdef"[b >> 4], s += "0123456789abcdef"[b & 15];
  return s;
}

class Checker {
 public:
  void check(InstId id, const Operand& o0, const Operand& o1 = Operand()) {
    const Result fast = assemble<FastAssembler>(id, o0, o1);
    const Result plain = assemble<x86::Assembler>(id, o0, o1);
    ++checked_;
    if (fast.error == plain.error && fast.bytes == plain.bytes) return;
    if (++failures_ > 400) return;
    asmjit::String name;
    asmjit::InstAPI::instIdToString(asmjit::Arch::kX64, id, name);
    ADD_FAILURE() << name.data() << ": fast " << hex(fast.bytes) << " (error " << fast.error
                  << "), asmjit " << hex(plain.bytes) << " (error " << plain.error << ")";
  }
  size_t checked() const { return checked_; }

 private:
  size_t checked_ = 0;
  int failures_ = 0;
};

x86::Gp gp(unsigned size, unsigned id) {
  switch (size) {
    case 1: return x86::gpb(id);
    case 2: return x86::gpw(id);
    case 4: return x86::gpd(id);
    default: return x86::gpq(id);
  }
}

const int64_t kImms[] = {0,           1,           -1,         2,           127,
                         128,         -128,        -129,       255,         256,
                         32767,       32768,       -32768,     65535,       65536,
                         0x7FFFFFFF,  0x80000000,  0xFFFFFFFF, -0x80000000, -0x80000001LL,
                         0x100000000, 0x123456789, -0x12345678};
const int32_t kDisps[] = {0, 1, -1, 127, 128, -128, -129, 0x12345678, -0x12345678};

// Memory operands: every base, without an index at each displacement
// size and with a few indexes (each index, scale and displacement size
// comes up over the bases: a deterministic sample).
std::vector<x86::Mem> memory_operands(unsigned size) {
  std::vector<x86::Mem> out;
  std::mt19937 rng(size);
  for (unsigned base = 0; base < 16; ++base) {
    for (int32_t disp : {0, -128, 128, -0x12345678}) {
      out.push_back(x86::ptr(x86::gpq(base), disp, size));
    }
    for (int i = 0; i < 4; ++i) {
      unsigned index = rng() % 16;
      if (index == 4) index = 12;  // (RSP is no index)
      const unsigned shift = rng() % 4;
      const int32_t disp = kDisps[rng() % std::size(kDisps)];
      out.push_back(x86::ptr(x86::gpq(base), x86::gpq(index), shift, disp, size));
    }
  }
  // What the short path leaves to asmjit: 32-bit registers, RIP, a segment.
  out.push_back(x86::ptr(x86::eax, 8, size));
  out.push_back(x86::ptr(x86::rip, 64, size));
  x86::Mem fs = x86::ptr(x86::rax, 4, size);
  fs.setSegment(x86::fs);
  out.push_back(fs);
  return out;
}

TEST(FastAssembler, EncodesAsAsmjitDoes) {
  Checker c;
  const unsigned sizes[] = {1, 2, 4, 8};
  // The short path's instructions, and a few it leaves to asmjit.
  const InstId ids[] = {x86::Inst::kIdAdd,   x86::Inst::kIdOr,   x86::Inst::kIdAnd,
                        x86::Inst::kIdSub,   x86::Inst::kIdXor,  x86::Inst::kIdCmp,
                        x86::Inst::kIdMov,   x86::Inst::kIdTest, x86::Inst::kIdLea,
                        x86::Inst::kIdShl,   x86::Inst::kIdShr,  x86::Inst::kIdSar,
                        x86::Inst::kIdMovzx, x86::Inst::kIdAdc,  x86::Inst::kIdRol,
                        x86::Inst::kIdBt,    x86::Inst::kIdCmovz};

  std::vector<x86::Mem> mems[9];
  for (unsigned s : sizes) mems[s] = memory_operands(s);
  mems[0] = memory_operands(0);  // (unsized, as LEA's)
  // With memory operands, registers that need each REX bit or none, and
  // the ones whose byte forms need a bare REX.
  const unsigned some_regs[] = {0, 3, 5, 6, 8, 13};
  for (InstId id : ids) {
    for (unsigned s0 : sizes) {
      for (unsigned r0 = 0; r0 < 16; ++r0) {
        for (unsigned s1 : sizes) {
          for (unsigned r1 = 0; r1 < 16; ++r1) c.check(id, gp(s0, r0), gp(s1, r1));
        }
        for (int64_t v : kImms) c.check(id, gp(s0, r0), asmjit::Imm(v));
        // (high byte registers)
        if (s0 == 1 && r0 < 4) c.check(id, x86::gpb_hi(r0), x86::gpb(r0));
      }
      for (unsigned r : some_regs) {
        for (unsigned s1 : {0u, 1u, 2u, s0}) {
          for (const x86::Mem& m : mems[s1]) c.check(id, gp(s0, r), m);
        }
      }
      for (const x86::Mem& m : mems[s0]) {
        for (unsigned r : some_regs) c.check(id, m, gp(s0, r));
        for (int64_t v : kImms) c.check(id, m, asmjit::Imm(v));
      }
    }
  }
  for (InstId id : {x86::Inst::kIdInc, x86::Inst::kIdPush, x86::Inst::kIdSetz}) {
    for (unsigned s : sizes) {
      for (unsigned r = 0; r < 16; ++r) c.check(id, gp(s, r));
    }
  }
  c.check(x86::Inst::kIdPushfq, Operand());
  c.check(x86::Inst::kIdLahf, Operand());
  EXPECT_GT(c.checked(), 50000u);
}

}  // namespace
}  // namespace tx86::jit::x64
