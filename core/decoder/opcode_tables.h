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
};

// Per group: [0] memory forms, [1] register forms, indexed by ModRM.reg.
using GroupRows = std::array<std::array<Row, 8>, 2>;

const std::array<Row, 256>& one_byte_map();
const std::array<Row, 256>& two_byte_map();
const GroupRows& group_rows(Group g);
// The F3 (f2 false) or F2 form of a 0F row when its operands differ from
// the row's (rep_forms.inc); mnemonic kInvalid when there is none.
const Row& two_byte_rep_form(uint8_t opcode, bool f2);
// 0F 01 register forms by whole ModRM byte; kInvalid when undefined.
Mnemonic group7_register_form(uint8_t modrm);

}  // namespace tx86::core::decoder_tables
