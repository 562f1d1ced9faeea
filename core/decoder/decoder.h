// Table-driven x86 instruction decoder (16- and 32-bit code).
//
// The opcode maps live in the .inc tables next to this file, written like
// the SDM's Appendix A. decode() reads prefixes, opcode, ModRM, SIB,
// displacement and immediates from a byte buffer and resolves every operand,
// so no consumer ever looks at instruction bytes again.
#pragma once

#include <cstdint>
#include <span>

#include "core/decoder/decoded_insn.h"

namespace tx86::core {

inline constexpr unsigned kMaxInsnLength = 15;

enum class DecodeStatus : uint8_t {
  kOk,
  kNeedMore,  // the buffer ended before the instruction did
  kTooLong,   // more than 15 bytes: #GP(0)
  kInvalid,   // undefined encoding: #UD (length is still filled in when known)
};

// code32: the default operand and address size is 32 bits (CS.D). `out`
// is written whatever the status (meaningful for kOk and kInvalid only).
DecodeStatus decode(std::span<const uint8_t> bytes, bool code32, DecodedInsn& out);

}  // namespace tx86::core
