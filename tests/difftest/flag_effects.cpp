#include "tests/difftest/flag_effects.h"

namespace tx86::difftest {

namespace {

using core::Mnemonic;
using core::OperandKind;
using namespace core::flags;

// The count operand after the 5-bit mask (SDM: all shifts since the 286).
unsigned shift_count(const core::DecodedInsn& insn, int op, const core::CpuState& s) {
  const uint32_t raw =
      insn.ops[op].kind == OperandKind::kGpr ? s.reg(insn.ops[op].reg, 1) : insn.imm;
  return raw & 0x1F;
}

FlagEffects shift_effects(const core::DecodedInsn& insn, const core::CpuState& s) {
  const unsigned count = shift_count(insn, 1, s);
  const unsigned bits = 8u * insn.ops[0].size;
  if (count == 0) return {};  // no flag changes
  switch (insn.mnemonic) {
    case Mnemonic::kShl:
    case Mnemonic::kSal:
    case Mnemonic::kShr:
    case Mnemonic::kSar: {
      // AF is undefined for a non-zero count, OF unless the count is 1, and
      // CF for SHL/SHR by at least the operand width (SDM "SAL/SAR/SHL/SHR").
      uint32_t undef = kAf | (count != 1 ? kOf : 0);
      if (insn.mnemonic != Mnemonic::kSar && count >= bits) undef |= kCf;
      return {0, kArith & ~undef, undef};
    }
    default: {
      // Rotates: CF and OF only; OF is defined for a count of 1 only.
      const uint32_t undef = count != 1 ? kOf : 0;
      const bool through_carry = insn.mnemonic == Mnemonic::kRcl || insn.mnemonic == Mnemonic::kRcr;
      return {through_carry ? kCf : 0u, (kCf | kOf) & ~undef, undef};
    }
  }
}

// SHLD/SHRD: as shifts, and every flag is undefined for a count above the
// operand width (SDM "SHLD").
FlagEffects double_shift_effects(const core::DecodedInsn& insn, const core::CpuState& s) {
  const unsigned count = shift_count(insn, 2, s);
  const unsigned bits = 8u * insn.ops[0].size;
  if (count == 0) return {};
  if (count > bits) return {0, 0, kArith};
  const uint32_t undef = kAf | (count != 1 ? kOf : 0);
  return {0, kArith & ~undef, undef};
}

bool rep_with_zero_count(const core::DecodedInsn& insn, const core::CpuState& s) {
  if (!insn.has(core::prefix::kRep) && !insn.has(core::prefix::kRepne)) return false;
  return (insn.addrsize == 2 ? s.gpr[core::kEcx] & 0xFFFF : s.gpr[core::kEcx]) == 0;
}

// FCMOVcc (DA/DB C0-DF) reads CF, ZF or PF; FCOMI, FUCOMI and their
// popping forms (DB/DF E8-F7) write ZF PF CF and clear OF SF AF.
FlagEffects x87_effects(const core::DecodedInsn& insn) {
  const uint8_t m = insn.modrm;
  if ((insn.opcode == 0xDA || insn.opcode == 0xDB) && m >= 0xC0 && m < 0xE0) {
    static constexpr uint32_t kRead[4] = {kCf, kZf, kCf | kZf, kPf};
    return {kRead[(m >> 3) & 3], 0, 0};
  }
  if ((insn.opcode == 0xDB || insn.opcode == 0xDF) && m >= 0xE8 && m < 0xF8) {
    return {0, kArith, 0};
  }
  return {};
}

}  // namespace

uint32_t condition_flags(uint8_t cc) {
  static constexpr uint32_t kByPair[8] = {kOf, kCf, kZf,       kCf | kZf,
                                          kSf, kPf, kSf | kOf, kZf | kSf | kOf};
  return kByPair[(cc >> 1) & 7];
}

FlagEffects flag_effects(const core::DecodedInsn& insn, const core::CpuState& s) {
  switch (insn.mnemonic) {
    case Mnemonic::kAdd:
    case Mnemonic::kSub:
    case Mnemonic::kCmp:
    case Mnemonic::kNeg:
    case Mnemonic::kXadd:
    case Mnemonic::kCmpxchg: return {0, kArith, 0};
    case Mnemonic::kCmps:
    case Mnemonic::kScas:
      if (rep_with_zero_count(insn, s)) return {};
      return {0, kArith, 0};
    case Mnemonic::kAdc:
    case Mnemonic::kSbb: return {kCf, kArith, 0};
    case Mnemonic::kAnd:
    case Mnemonic::kOr:
    case Mnemonic::kXor:
    case Mnemonic::kTest: return {0, kArith & ~kAf, kAf};
    case Mnemonic::kInc:
    case Mnemonic::kDec: return {0, kArith & ~kCf, 0};
    case Mnemonic::kShl:
    case Mnemonic::kSal:
    case Mnemonic::kShr:
    case Mnemonic::kSar:
    case Mnemonic::kRol:
    case Mnemonic::kRor:
    case Mnemonic::kRcl:
    case Mnemonic::kRcr: return shift_effects(insn, s);
    case Mnemonic::kShld:
    case Mnemonic::kShrd: return double_shift_effects(insn, s);
    // MUL/IMUL: CF and OF; SF ZF AF PF undefined.
    case Mnemonic::kMul:
    case Mnemonic::kImul1:
    case Mnemonic::kImul: return {0, kCf | kOf, kSf | kZf | kAf | kPf};
    case Mnemonic::kDiv:
    case Mnemonic::kIdiv: return {0, 0, kArith};
    // BT*: CF; ZF unaffected; OF SF AF PF undefined.
    case Mnemonic::kBt:
    case Mnemonic::kBts:
    case Mnemonic::kBtr:
    case Mnemonic::kBtc: return {0, kCf, kOf | kSf | kAf | kPf};
    // BSF/BSR: ZF; the rest undefined.
    case Mnemonic::kBsf:
    case Mnemonic::kBsr: return {0, kZf, kCf | kOf | kSf | kAf | kPf};
    case Mnemonic::kCmpxchg8b: return {0, kZf, 0};
    case Mnemonic::kDaa:
    case Mnemonic::kDas: return {kAf | kCf, kArith & ~kOf, kOf};
    case Mnemonic::kAaa:
    case Mnemonic::kAas: return {kAf, kAf | kCf, kOf | kSf | kZf | kPf};
    case Mnemonic::kAam:
    case Mnemonic::kAad: return {0, kSf | kZf | kPf, kOf | kAf | kCf};
    case Mnemonic::kSahf: return {0, kSf | kZf | kAf | kPf | kCf, 0};
    case Mnemonic::kLahf: return {kSf | kZf | kAf | kPf | kCf, 0, 0};
    case Mnemonic::kSetcc:
    case Mnemonic::kCmovcc:
    case Mnemonic::kJcc: return {condition_flags(insn.condition()), 0, 0};
    case Mnemonic::kClc:
    case Mnemonic::kStc: return {0, kCf, 0};
    case Mnemonic::kCmc: return {kCf, kCf, 0};
    case Mnemonic::kSalc: return {kCf, 0, 0};
    case Mnemonic::kFpu: return x87_effects(insn);
    default: return {};
  }
}

}  // namespace tx86::difftest
