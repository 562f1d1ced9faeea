// What each x87 encoding (escape D8-DF and ModRM) does, from the SDM's
// opcode map (Vol. 2, Tables ): how it is executed, its memory
// operand, and whether it is a control instruction.
#pragma once

#include <cstdint>

namespace tx86::core {

enum class X87Kind : uint8_t {
  kInvalid,  // reserved: #UD
  kHost,     // computed on the host x87 (core/fpu/host_x87.h)
  kFldcw,
  kFnstcw,
  kFnstsw,    // to memory
  kFnstswAx,  // DF E0
  kFldenv,
  kFnstenv,
  kFrstor,
  kFnsave,
  kFnclex,
  kFninit,
  kNop,  // FENI, FDISI, FSETPM: 8087 and 287 controls, no-ops since the 387
};

struct X87Form {
  X87Kind kind = X87Kind::kInvalid;
  uint8_t load = 0;    // bytes of the memory operand read before executing
  uint8_t store = 0;   // bytes written to it after
  bool fcomi = false;  // FCOMI/FUCOMI(P): writes ZF PF CF, clears OF SF AF
  bool fcmov = false;  // FCMOVcc: reads CF ZF PF

  // Control instructions leave the last-instruction pointers alone.
  bool control() const { return kind != X87Kind::kHost; }
  // FN- forms do not report pending exceptions first (SDM Vol. 3, 6.15,
  // interrupt 16).
  bool waits() const {
    switch (kind) {
      case X87Kind::kFnstcw:
      case X87Kind::kFnstsw:
      case X87Kind::kFnstswAx:
      case X87Kind::kFnstenv:
      case X87Kind::kFnsave:
      case X87Kind::kFnclex:
      case X87Kind::kFninit:
      case X87Kind::kNop: return false;
      default: return true;
    }
  }
};

X87Form x87_form(uint8_t esc, uint8_t modrm);

}  // namespace tx86::core
