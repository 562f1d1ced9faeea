#include "core/fpu/x87_forms.h"

namespace tx86::core {

namespace {

X87Form host(uint8_t load = 0, uint8_t store = 0) {
  X87Form f;
  f.kind = X87Kind::kHost;
  f.load = load;
  f.store = store;
  return f;
}

X87Form control(X87Kind kind, uint8_t load = 0, uint8_t store = 0) {
  X87Form f;
  f.kind = kind;
  f.load = load;
  f.store = store;
  return f;
}

// Memory forms by escape and ModRM.reg. FISTTP (SSE3) is #UD on this CPU;
// the environment and state sizes depend on the operand size and are
// filled in by the caller.
X87Form memory_form(uint8_t esc, uint8_t modrm) {
  const unsigned r = (modrm >> 3) & 7u;
  switch (esc) {
    case 0xD8: return host(4);
    case 0xD9:
      switch (r) {
        case 0: return host(4);
        case 2:
        case 3: return host(0, 4);
        case 4: return control(X87Kind::kFldenv);
        case 5: return control(X87Kind::kFldcw, 2);
        case 6: return control(X87Kind::kFnstenv);
        case 7: return control(X87Kind::kFnstcw, 0, 2);
        default: return {};
      }
    case 0xDA: return host(4);
    case 0xDB:
      switch (r) {
        case 0: return host(4);
        case 2:
        case 3: return host(0, 4);
        case 5: return host(10);
        case 7: return host(0, 10);
        default: return {};
      }
    case 0xDC: return host(8);
    case 0xDD:
      switch (r) {
        case 0: return host(8);
        case 2:
        case 3: return host(0, 8);
        case 4: return control(X87Kind::kFrstor);
        case 6: return control(X87Kind::kFnsave);
        case 7: return control(X87Kind::kFnstsw, 0, 2);
        default: return {};
      }
    case 0xDE: return host(2);
    case 0xDF:
      switch (r) {
        case 0: return host(2);
        case 2:
        case 3: return host(0, 2);
        case 4: return host(10);     // FBLD
        case 5: return host(8);      // FILD m64
        case 6: return host(0, 10);  // FBSTP
        case 7: return host(0, 8);   // FISTP m64
        default: return {};
      }
    default: return {};
  }
}

// Register forms (ModRM C0-FF). The undocumented encodings every x87
// executes (FSTP1, FCOM2, FCOMP3, FXCH4, FCOMP5, FFREEP, FXCH7, FSTP8,
// FSTP9) run on the host too: they are not all the documented twins they
// look like (AMD's D9 D8+i stores without a stack-underflow check).
X87Form register_form(uint8_t esc, uint8_t modrm) {
  const unsigned row = (modrm >> 3) & 7u;
  const unsigned i = modrm & 7u;
  switch (esc) {
    case 0xD8: return host();
    case 0xD9:
      switch (row) {
        case 0:
        case 1: return host();                       // FLD, FXCH
        case 2: return i == 0 ? host() : X87Form{};  // FNOP
        case 3: return host();                       // FSTP1
        case 4: return (i == 0 || i == 1 || i == 4 || i == 5) ? host() : X87Form{};
        case 5: return i != 7 ? host() : X87Form{};  // constants
        default: return host();                      // F2XM1 ... FCOS
      }
    case 0xDA:
      if (row < 4) {
        X87Form f = host();
        f.fcmov = true;
        return f;
      }
      return modrm == 0xE9 ? host() : X87Form{};  // FUCOMPP
    case 0xDB:
      switch (row) {
        case 0:
        case 1:
        case 2:
        case 3: {
          X87Form f = host();
          f.fcmov = true;
          return f;
        }
        case 4:
          switch (i) {
            case 0:
            case 1:
            case 4: return control(X87Kind::kNop);
            case 2: return control(X87Kind::kFnclex);
            case 3: return control(X87Kind::kFninit);
            default: return {};
          }
        case 5:
        case 6: {
          X87Form f = host();  // FUCOMI, FCOMI
          f.fcomi = true;
          return f;
        }
        default: return {};
      }
    case 0xDC:
      switch (row) {
        default: return host();  // with FCOM2, FCOMP3
      }
    case 0xDD:
      switch (row) {
        case 6:
        case 7: return {};
        default: return host();  // FFREE, FXCH4, FST, FSTP, FUCOM, FUCOMP
      }
    case 0xDE:
      switch (row) {
        case 2: return host();                              // FCOMP5
        case 3: return modrm == 0xD9 ? host() : X87Form{};  // FCOMPP
        default: return host();
      }
    case 0xDF:
      switch (row) {
        case 0:
        case 1:
        case 2:
        case 3: return host();  // FFREEP, FXCH7, FSTP8, FSTP9
        case 4: return modrm == 0xE0 ? control(X87Kind::kFnstswAx) : X87Form{};
        case 5:
        case 6: {
          X87Form f = host();  // FUCOMIP, FCOMIP
          f.fcomi = true;
          return f;
        }
        default: return {};
      }
    default: return {};
  }
}

}  // namespace

X87Form x87_form(uint8_t esc, uint8_t modrm) {
  return modrm >= 0xC0 ? register_form(esc, modrm) : memory_form(esc, modrm);
}

}  // namespace tx86::core
