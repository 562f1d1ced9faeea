// The one decoded form of an instruction. The decoder produces it; the
// interpreter, the JIT frontend, the tracer and the tests consume it.
#pragma once

#include <cstdint>

#include "core/cpu/registers.h"

namespace tx86::core {

enum class Mnemonic : uint16_t {
#define MNEMONIC(name) k##name,
#include "core/decoder/mnemonics.inc"
#undef MNEMONIC
  kCount
};

const char* mnemonic_name(Mnemonic m);

enum class OperandKind : uint8_t {
  kNone,
  kGpr,     // reg: Gpr, or Gpr8 when size == 1
  kMem,     // the instruction's memory operand, DecodedInsn::mem
  kImm,     // DecodedInsn::imm, already sign- or zero-extended
  kRel,     // branch displacement in DecodedInsn::imm, sign-extended
  kFarPtr,  // offset in imm, selector in imm2
  kSeg,     // reg: SegReg (may be 6 or 7 for an invalid encoding)
  kCr,
  kDr,
  kMmx,
  kXmm,
  kSt,      // x87 ST(reg)
  kString,  // implicit DS:eSI or ES:eDI string operand; size only
};

struct Operand {
  OperandKind kind = OperandKind::kNone;
  uint8_t size = 0;  // bytes; 0 when not meaningful (LEA, INVLPG)
  uint8_t reg = 0;
};

struct MemRef {
  uint8_t base = kNoReg;   // Gpr or kNoReg
  uint8_t index = kNoReg;  // Gpr or kNoReg
  uint8_t scale = 0;       // index is shifted left by this (0-3)
  uint8_t seg = kDs;       // effective segment, override applied
  uint32_t disp = 0;       // sign-extended displacement, or moffs
};

namespace prefix {
inline constexpr uint8_t kLock = 1u << 0;
inline constexpr uint8_t kRep = 1u << 1;    // F3 (REP/REPE), the last of F2/F3
inline constexpr uint8_t kRepne = 1u << 2;  // F2 (REPNE), the last of F2/F3
inline constexpr uint8_t kOpsize = 1u << 3;
inline constexpr uint8_t kAddrsize = 1u << 4;
inline constexpr uint8_t kSeg = 1u << 5;  // a segment override is present
}  // namespace prefix

// Table attributes carried into the decoded form.
namespace attr {
inline constexpr uint16_t kLock = 1u << 0;    // LOCK allowed with a memory destination
inline constexpr uint16_t kBranch = 1u << 1;  // may change EIP other than by falling through
inline constexpr uint16_t kCond = 1u << 2;    // condition in the opcode's low nibble
inline constexpr uint16_t kString = 1u << 3;  // string instruction (REP applies)
inline constexpr uint16_t kMmx = 1u << 4;
inline constexpr uint16_t kSse = 1u << 5;
inline constexpr uint16_t kX87 = 1u << 6;
// Mandatory-prefix sets for SSE-family rows (decoder use).
inline constexpr uint16_t kP0 = 1u << 8;
inline constexpr uint16_t kP66 = 1u << 9;
inline constexpr uint16_t kPF3 = 1u << 10;
inline constexpr uint16_t kPF2 = 1u << 11;
inline constexpr uint16_t kPrefixSets = kP0 | kP66 | kPF3 | kPF2;
}  // namespace attr

enum class OpcodeMap : uint8_t { kOneByte, k0F, k0F38, k0F3A };

struct DecodedInsn {
  Mnemonic mnemonic = Mnemonic::kInvalid;
  uint8_t length = 0;
  uint8_t opcode = 0;  // the last opcode byte
  OpcodeMap map = OpcodeMap::kOneByte;
  uint8_t opsize = 2;    // operand-size attribute in bytes: 2 or 4
  uint8_t addrsize = 2;  // address-size attribute in bytes: 2 or 4
  uint8_t prefixes = 0;
  uint8_t seg_override = kNoReg;
  uint8_t modrm = 0;
  bool has_modrm = false;
  uint16_t attrs = 0;
  MemRef mem;
  uint32_t imm = 0;
  uint32_t imm2 = 0;
  Operand ops[3];

  uint8_t condition() const { return opcode & 0x0F; }
  uint8_t modrm_reg() const { return (modrm >> 3) & 7; }
  bool has(uint8_t p) const { return (prefixes & p) != 0; }
};

}  // namespace tx86::core
