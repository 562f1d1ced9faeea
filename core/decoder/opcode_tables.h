// Internal to the decoder: the form of a row in the opcode tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/decoder/decoded_insn.h"

namespace tx86::core::decoder_tables {

// Operand specifications, named as in SDM Vol. 2, Appendix A.2.
// clang-format off
enum class Spec : uint8_t {
  None,
  Eb, Ew, Ed, Ev,                 // ModRM r/m
  Gb, Gw, Gd, Gv,                 // ModRM reg, general register
  M, Mw, Md, Mq, Mp, Ma, Ms, Mx,  // ModRM r/m, memory only
  MwRv,                           // memory word, or register of operand size
  MwRd,                           // memory word, or 32-bit register
  Rd, Rv,                         // ModRM r/m as a register, mod ignored
  Sw, Cd, Dd,                     // ModRM reg: segment, control, debug register
  Ib, Ibs, Iw, Iz, Iv,            // immediates (Ibs: imm8 sign-extended)
  Jb, Jz,                         // relative branch offsets
  Ob, Ov,                         // moffs
  Ap,                             // far pointer immediate
  AL, CL, DX, eAX, One,           // fixed operands
  Zb, Zv,                         // register in the opcode's low 3 bits
  ES, CS, SS, DS, FS, GS,         // fixed segment registers
  Xb, Xv, Yb, Yv,                 // string operands DS:eSI, ES:eDI
  Pq, Qd, Qq, Nq,                 // MMX: reg, r/m, r/m register only
  Vx, Wx, Wq, Wd, Ux,             // XMM: reg, r/m, r/m register only
};

enum class Forms : uint8_t { Any, MemOnly, RegOnly };

enum class Group : uint8_t {
  None,
  Grp1_Eb_Ib, Grp1_Ev_Iz, Grp1_Ev_Ibs, Grp1a,
  Grp2_Eb_Ib, Grp2_Ev_Ib, Grp2_Eb_1, Grp2_Ev_1, Grp2_Eb_CL, Grp2_Ev_CL,
  Grp3_Eb, Grp3_Ev, Grp4, Grp5, Grp11_Eb_Ib, Grp11_Ev_Iz,
  Grp6, Grp7, Grp8, Grp9, Grp12, Grp13, Grp14, Grp15, Grp16,
  Count
};
// clang-format on

struct Row {
  Mnemonic mnemonic = Mnemonic::kInvalid;
  std::array<Spec, 3> ops{};
  uint16_t attrs = 0;
  Group group = Group::None;
  bool is_prefix = false;
  // Worked out from the rest when the tables are built (the decoder asked
  // each operand for them on every instruction): a ModRM byte follows the
  // opcode; ModRM.mod is ignored (MOV to or from CRn and DRn).
  bool modrm = false;
  bool mod_ignored = false;
};

// Whether an operand of this specification lives in ModRM.
constexpr bool needs_modrm(Spec s) {
  // clang-format off
  switch (s) {
    case Spec::Eb: case Spec::Ew: case Spec::Ed: case Spec::Ev:
    case Spec::Gb: case Spec::Gw: case Spec::Gd: case Spec::Gv:
    case Spec::M: case Spec::Mw: case Spec::Md: case Spec::Mq: case Spec::Mp:
    case Spec::Ma: case Spec::Ms: case Spec::Mx: case Spec::MwRv: case Spec::MwRd:
    case Spec::Rd: case Spec::Rv: case Spec::Sw: case Spec::Cd: case Spec::Dd:
    case Spec::Pq: case Spec::Qd: case Spec::Qq: case Spec::Nq:
    case Spec::Vx: case Spec::Wx: case Spec::Wq: case Spec::Wd: case Spec::Ux:
      return true;
    default:
      return false;
  }
  // clang-format on
}

// A row with the ModRM facts filled in.
constexpr Row with_modrm_facts(Row r) {
  r.modrm = r.group != Group::None;
  r.mod_ignored = false;
  for (Spec s : r.ops) {
    r.modrm = r.modrm || needs_modrm(s);
    r.mod_ignored = r.mod_ignored || s == Spec::Rd;
  }
  return r;
}

// Per group: [0] memory forms, [1] register forms, indexed by ModRM.reg.
using GroupRows = std::array<std::array<Row, 8>, 2>;

// The tables themselves (opcode_tables.cpp), read through the functions
// below: the decoder reads two or three rows an instruction, and a call
// for each cost more than the read.
extern const std::array<Row, 256> kOneByteMap;
extern const std::array<Row, 256> kTwoByteMap;
extern const std::array<std::array<Row, 256>, 2> kRepFormMaps;  // [0] F3, [1] F2
extern const std::array<GroupRows, static_cast<std::size_t>(Group::Count)> kGroupMaps;
extern const std::array<Mnemonic, 64> kGroup7RegisterForms;

inline const std::array<Row, 256>& one_byte_map() {
  return kOneByteMap;
}
inline const std::array<Row, 256>& two_byte_map() {
  return kTwoByteMap;
}
inline const GroupRows& group_rows(Group g) {
  return kGroupMaps[static_cast<std::size_t>(g)];
}
// The F3 (f2 false) or F2 form of a 0F row when its operands differ from
// the row's (rep_forms.inc); mnemonic kInvalid when there is none.
inline const Row& two_byte_rep_form(uint8_t opcode, bool f2) {
  return kRepFormMaps[f2 ? 1 : 0][opcode];
}
// 0F 01 register forms by whole ModRM byte; kInvalid when undefined.
inline Mnemonic group7_register_form(uint8_t modrm) {
  return kGroup7RegisterForms[modrm & 0x3F];
}

}  // namespace tx86::core::decoder_tables
