// SHL/SAL SHR SAR ROL ROR RCL RCR (SDM Vol. 2, "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR").
//
// The count is masked to 5 bits (286 and later); a masked count of 0 changes
// nothing, flags included. OF is defined for a count of 1 only and AF is
// undefined for shifts; for larger counts this model uses the count-1
// formulas on the final values (as Intel and AMD parts do) and clears AF.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

using alu::mask_of;
using alu::sign_of;

struct Result {
  uint32_t value;
  uint32_t flags;     // new values
  uint32_t affected;  // which flags the instruction writes
};

Result shl(uint32_t a, unsigned c, unsigned size) {
  const unsigned bits = 8 * size;
  const uint64_t wide = uint64_t{a} << c;
  const auto r = static_cast<uint32_t>(wide) & mask_of(size);
  const bool cf = (wide >> bits) & 1;
  const bool of = ((r & sign_of(size)) != 0) != cf;
  return {r, alu::szp(r, size) | (cf ? flags::kCf : 0) | (of ? flags::kOf : 0), flags::kArith};
}

Result shr(uint32_t a, unsigned c, unsigned size) {
  const bool cf = (uint64_t{a} >> (c - 1)) & 1;
  const uint32_t r = static_cast<uint32_t>(uint64_t{a} >> c);
  const bool of = ((r ^ (r << 1)) & sign_of(size)) != 0;
  return {r, alu::szp(r, size) | (cf ? flags::kCf : 0) | (of ? flags::kOf : 0), flags::kArith};
}

Result sar(uint32_t a, unsigned c, unsigned size) {
  const auto s = static_cast<int32_t>(alu::sign_extend(a, size));
  const bool cf = (s >> (c - 1)) & 1;
  const uint32_t r = static_cast<uint32_t>(s >> c) & mask_of(size);
  return {r, alu::szp(r, size) | (cf ? flags::kCf : 0), flags::kArith};
}

uint32_t rotate_flags(bool cf, bool of) {
  return (cf ? flags::kCf : 0) | (of ? flags::kOf : 0);
}

Result rol(uint32_t a, unsigned c, unsigned size) {
  const unsigned bits = 8 * size;
  const unsigned n = c % bits;
  const uint32_t r = n == 0 ? a : ((a << n) | (a >> (bits - n))) & mask_of(size);
  const bool cf = r & 1;
  const bool of = ((r & sign_of(size)) != 0) != cf;
  return {r, rotate_flags(cf, of), flags::kCf | flags::kOf};
}

Result ror(uint32_t a, unsigned c, unsigned size) {
  const unsigned bits = 8 * size;
  const unsigned n = c % bits;
  const uint32_t r = n == 0 ? a : ((a >> n) | (a << (bits - n))) & mask_of(size);
  const bool cf = (r & sign_of(size)) != 0;
  const bool of = ((r ^ (r << 1)) & sign_of(size)) != 0;
  return {r, rotate_flags(cf, of), flags::kCf | flags::kOf};
}

// RCL/RCR rotate the size+1 bit quantity CF:value.
Result rcl(uint32_t a, unsigned c, unsigned size, bool cf_in) {
  const unsigned bits = 8 * size;
  const unsigned n = c % (bits + 1);
  const uint64_t wmask = (uint64_t{1} << (bits + 1)) - 1;
  const uint64_t x = (uint64_t{cf_in} << bits) | a;
  const uint64_t rot = n == 0 ? x : ((x << n) | (x >> (bits + 1 - n))) & wmask;
  const auto r = static_cast<uint32_t>(rot) & mask_of(size);
  const bool cf = (rot >> bits) & 1;
  const bool of = ((r & sign_of(size)) != 0) != cf;
  return {r, rotate_flags(cf, of), flags::kCf | flags::kOf};
}

Result rcr(uint32_t a, unsigned c, unsigned size, bool cf_in) {
  const unsigned bits = 8 * size;
  const unsigned n = c % (bits + 1);
  const uint64_t wmask = (uint64_t{1} << (bits + 1)) - 1;
  const uint64_t x = (uint64_t{cf_in} << bits) | a;
  const uint64_t rot = n == 0 ? x : ((x >> n) | (x << (bits + 1 - n))) & wmask;
  const auto r = static_cast<uint32_t>(rot) & mask_of(size);
  const bool cf = (rot >> bits) & 1;
  const bool of = ((r ^ (r << 1)) & sign_of(size)) != 0;
  return {r, rotate_flags(cf, of), flags::kCf | flags::kOf};
}

void exec_shift(Cpu& cpu, const DecodedInsn& insn) {
  const unsigned count = read_operand(cpu, insn, 1) & 0x1F;
  const uint32_t a = read_operand(cpu, insn, 0);
  if (count == 0) return;
  const unsigned size = insn.ops[0].size;
  const bool cf = cpu.state.flag(flags::kCf);
  Result res{};
  switch (insn.mnemonic) {
    case Mnemonic::kShl:
    case Mnemonic::kSal: res = shl(a, count, size); break;
    case Mnemonic::kShr: res = shr(a, count, size); break;
    case Mnemonic::kSar: res = sar(a, count, size); break;
    case Mnemonic::kRol: res = rol(a, count, size); break;
    case Mnemonic::kRor: res = ror(a, count, size); break;
    case Mnemonic::kRcl: res = rcl(a, count, size, cf); break;
    default: res = rcr(a, count, size, cf); break;
  }
  write_operand(cpu, insn, 0, res.value);
  alu::set_status(cpu.state.eflags, res.affected, res.flags);
}

}  // namespace

void register_shift(HandlerTable& t) {
  for (Mnemonic m : {Mnemonic::kShl, Mnemonic::kSal, Mnemonic::kShr, Mnemonic::kSar, Mnemonic::kRol,
                     Mnemonic::kRor, Mnemonic::kRcl, Mnemonic::kRcr}) {
    set(t, m, exec_shift);
  }
}

}  // namespace tx86::core::interp
