#include "core/decoder/decoder.h"

#include <cstring>

#include "core/decoder/opcode_tables.h"

namespace tx86::core {

namespace {

using decoder_tables::Group;
using decoder_tables::Row;
using decoder_tables::Spec;

// Reads the instruction's bytes with bounds and length checks. Running past
// the buffer means the caller must supply more bytes; past 15 bytes the
// instruction is too long whatever the buffer holds.
class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool has(unsigned n) const { return pos_ + n <= bytes_.size() && pos_ + n <= kMaxInsnLength; }
  // Why has(n) failed: the 15-byte limit or the end of the buffer.
  DecodeStatus shortage(unsigned n) const {
    return pos_ + n > kMaxInsnLength ? DecodeStatus::kTooLong : DecodeStatus::kNeedMore;
  }
  uint8_t peek() const { return bytes_[pos_]; }
  uint32_t take(unsigned n) {
    uint32_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= uint32_t{bytes_[pos_ + i]} << (8 * i);
    pos_ += n;
    return v;
  }
  unsigned pos() const { return pos_; }

 private:
  std::span<const uint8_t> bytes_;
  unsigned pos_ = 0;
};

uint32_t sign_extend(uint32_t v, unsigned bytes) {
  if (bytes == 1) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)));
  if (bytes == 2) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v)));
  return v;
}

// Reads SIB and displacement after a memory ModRM; fills insn.mem.
DecodeStatus decode_memory(Cursor& c, DecodedInsn& insn) {
  const uint8_t mod = insn.modrm >> 6;
  const uint8_t rm = insn.modrm & 7;
  MemRef& m = insn.mem;
  unsigned disp_bytes = 0;
  bool default_ss = false;

  if (insn.addrsize == 2) {
    static constexpr uint8_t kBase[8] = {kEbx, kEbx, kEbp, kEbp, kNoReg, kNoReg, kEbp, kEbx};
    static constexpr uint8_t kIndex[8] = {kEsi, kEdi, kEsi, kEdi, kEsi, kEdi, kNoReg, kNoReg};
    m.base = kBase[rm];
    m.index = kIndex[rm];
    if (mod == 0 && rm == 6) {
      m.base = kNoReg;
      disp_bytes = 2;
    } else {
      disp_bytes = mod == 1 ? 1 : mod == 2 ? 2 : 0;
    }
    default_ss = m.base == kEbp;
  } else {
    if (rm == 4) {
      if (!c.has(1)) return c.shortage(1);
      const auto sib = static_cast<uint8_t>(c.take(1));
      const uint8_t index = (sib >> 3) & 7;
      const uint8_t base = sib & 7;
      m.scale = sib >> 6;
      m.index = index == 4 ? kNoReg : index;
      m.base = (base == 5 && mod == 0) ? kNoReg : base;
      if (base == 5 && mod == 0) disp_bytes = 4;
    } else if (mod == 0 && rm == 5) {
      m.base = kNoReg;
      disp_bytes = 4;
    } else {
      m.base = rm;
    }
    if (mod == 1) disp_bytes = 1;
    if (mod == 2) disp_bytes = 4;
    default_ss = m.base == kEsp || m.base == kEbp;
  }

  if (disp_bytes != 0) {
    if (!c.has(disp_bytes)) return c.shortage(disp_bytes);
    m.disp = sign_extend(c.take(disp_bytes), disp_bytes);
  }
  m.seg = insn.seg_override != kNoReg ? insn.seg_override
                                      : static_cast<uint8_t>(default_ss ? kSs : kDs);
  return DecodeStatus::kOk;
}

unsigned immediate_bytes(Spec s, const DecodedInsn& insn) {
  // clang-format off
  switch (s) {
    case Spec::Ib: case Spec::Ibs: case Spec::Jb: return 1;
    case Spec::Iw: return 2;
    case Spec::Iz: case Spec::Iv: case Spec::Jz: return insn.opsize;
    case Spec::Ob: case Spec::Ov: return insn.addrsize;
    case Spec::Ap: return insn.opsize + 2u;
    default: return 0;
  }
  // clang-format on
}

// Resolves one operand specification. Returns false for an encoding the
// specification forbids (a register where only memory is allowed, ...).
bool resolve(Spec s, DecodedInsn& insn, Operand& op, bool mmx_as_xmm) {
  const uint8_t mod = insn.modrm >> 6;
  const uint8_t reg = insn.modrm_reg();
  const uint8_t rm = insn.modrm & 7;
  const bool is_reg = mod == 3;
  auto gpr = [&](uint8_t r, uint8_t size) { op = {OperandKind::kGpr, size, r}; };
  auto mem = [&](uint8_t size) { op = {OperandKind::kMem, size, 0}; };
  auto rm_operand = [&](uint8_t size) { is_reg ? gpr(rm, size) : mem(size); };
  const OperandKind mmx = mmx_as_xmm ? OperandKind::kXmm : OperandKind::kMmx;

  switch (s) {
    case Spec::None: op = {}; return true;
    case Spec::Eb: rm_operand(1); return true;
    case Spec::Ew: rm_operand(2); return true;
    case Spec::Ed: rm_operand(4); return true;
    case Spec::Ev: rm_operand(insn.opsize); return true;
    case Spec::Gb: gpr(reg, 1); return true;
    case Spec::Gw: gpr(reg, 2); return true;
    case Spec::Gd: gpr(reg, 4); return true;
    case Spec::Gv: gpr(reg, insn.opsize); return true;
    case Spec::M: mem(0); return !is_reg;
    case Spec::Mw: mem(2); return !is_reg;
    case Spec::Md: mem(4); return !is_reg;
    case Spec::Mq: mem(8); return !is_reg;
    case Spec::Mp: mem(static_cast<uint8_t>(insn.opsize + 2)); return !is_reg;
    case Spec::Ma: mem(static_cast<uint8_t>(insn.opsize * 2)); return !is_reg;
    case Spec::Ms: mem(6); return !is_reg;
    case Spec::Mx: mem(16); return !is_reg;
    case Spec::MwRv: is_reg ? gpr(rm, insn.opsize) : mem(2); return true;
    case Spec::MwRd: is_reg ? gpr(rm, 4) : mem(2); return true;
    case Spec::Rd: gpr(rm, 4); return true;
    case Spec::Rv: gpr(rm, insn.opsize); return is_reg;
    case Spec::Sw: op = {OperandKind::kSeg, 2, reg}; return reg < kSegCount;
    case Spec::Cd: op = {OperandKind::kCr, 4, reg}; return true;
    case Spec::Dd: op = {OperandKind::kDr, 4, reg}; return true;
    case Spec::Ib: op = {OperandKind::kImm, 1, 0}; return true;
    case Spec::Ibs: op = {OperandKind::kImm, insn.opsize, 0}; return true;
    case Spec::Iw: op = {OperandKind::kImm, 2, 0}; return true;
    case Spec::Iz:
    case Spec::Iv: op = {OperandKind::kImm, insn.opsize, 0}; return true;
    case Spec::Jb:
    case Spec::Jz: op = {OperandKind::kRel, insn.opsize, 0}; return true;
    case Spec::Ob: mem(1); return true;
    case Spec::Ov: mem(insn.opsize); return true;
    case Spec::Ap:
      op = {OperandKind::kFarPtr, static_cast<uint8_t>(insn.opsize + 2), 0};
      return true;
    case Spec::AL: gpr(kAl, 1); return true;
    case Spec::CL: gpr(kCl, 1); return true;
    case Spec::DX: gpr(kEdx, 2); return true;
    case Spec::eAX: gpr(kEax, insn.opsize); return true;
    case Spec::One: op = {OperandKind::kImm, 1, 0}; return true;
    case Spec::Zb: gpr(insn.opcode & 7, 1); return true;
    case Spec::Zv: gpr(insn.opcode & 7, insn.opsize); return true;
    case Spec::ES: op = {OperandKind::kSeg, 2, kEs}; return true;
    case Spec::CS: op = {OperandKind::kSeg, 2, kCs}; return true;
    case Spec::SS: op = {OperandKind::kSeg, 2, kSs}; return true;
    case Spec::DS: op = {OperandKind::kSeg, 2, kDs}; return true;
    case Spec::FS: op = {OperandKind::kSeg, 2, kFs}; return true;
    case Spec::GS: op = {OperandKind::kSeg, 2, kGs}; return true;
    case Spec::Xb:
    case Spec::Yb: op = {OperandKind::kString, 1, 0}; return true;
    case Spec::Xv:
    case Spec::Yv: op = {OperandKind::kString, insn.opsize, 0}; return true;
    case Spec::Pq: op = {mmx, 8, reg}; return true;
    case Spec::Qd: is_reg ? void(op = {mmx, 8, rm}) : mem(4); return true;
    case Spec::Qq: is_reg ? void(op = {mmx, 8, rm}) : mem(8); return true;
    case Spec::Nq: op = {mmx, 8, rm}; return is_reg;
    case Spec::Vx: op = {OperandKind::kXmm, 16, reg}; return true;
    case Spec::Wx: is_reg ? void(op = {OperandKind::kXmm, 16, rm}) : mem(16); return true;
    case Spec::Wq: is_reg ? void(op = {OperandKind::kXmm, 16, rm}) : mem(8); return true;
    case Spec::Wd: is_reg ? void(op = {OperandKind::kXmm, 16, rm}) : mem(4); return true;
    case Spec::Ux: op = {OperandKind::kXmm, 16, rm}; return is_reg;
  }
  return false;
}

// The x87 escapes D8-DF: ModRM always, a memory operand or ST(i).
Row x87_row() {
  Row r;
  r.mnemonic = Mnemonic::kFpu;
  r.ops = {Spec::None, Spec::None, Spec::None};
  r.attrs = attr::kX87;
  return r;
}

// Three-byte maps: every row has ModRM; 0F 3A rows also take an imm8. They
// are decoded for length only.
Row three_byte_row(OpcodeMap map) {
  Row r;
  r.mnemonic = map == OpcodeMap::k0F38 ? Mnemonic::kSse38 : Mnemonic::kSse3a;
  r.ops = {Spec::Vx, Spec::Wx, map == OpcodeMap::k0F3A ? Spec::Ib : Spec::None};
  r.attrs = attr::kSse;
  return r;
}

}  // namespace

DecodeStatus decode(std::span<const uint8_t> bytes, bool code32, DecodedInsn& out) {
  // Filled in place, from a blank kept in memory: a copy of a local read
  // it back right after its byte-sized stores, which the host cannot
  // forward (half the time an instruction took to decode).
  static constexpr DecodedInsn kBlank{};
  DecodedInsn& insn = out;
  std::memcpy(&insn, &kBlank, sizeof insn);
  insn.opsize = insn.addrsize = code32 ? 4 : 2;
  Cursor c(bytes);

  // Prefixes: any number, in any order, within the 15-byte limit.
  uint8_t last_rep = 0;
  for (;;) {
    if (!c.has(1)) return c.shortage(1);
    const uint8_t b = c.peek();
    if (!decoder_tables::one_byte_map()[b].is_prefix) break;
    c.take(1);
    switch (b) {
      case 0x26: insn.seg_override = kEs; break;
      case 0x2E: insn.seg_override = kCs; break;
      case 0x36: insn.seg_override = kSs; break;
      case 0x3E: insn.seg_override = kDs; break;
      case 0x64: insn.seg_override = kFs; break;
      case 0x65: insn.seg_override = kGs; break;
      case 0x66: insn.prefixes |= prefix::kOpsize; break;
      case 0x67: insn.prefixes |= prefix::kAddrsize; break;
      case 0xF0: insn.prefixes |= prefix::kLock; break;
      case 0xF2:
      case 0xF3: last_rep = b; break;
      default: break;
    }
  }
  if (insn.seg_override != kNoReg) insn.prefixes |= prefix::kSeg;
  if (last_rep == 0xF3) insn.prefixes |= prefix::kRep;
  if (last_rep == 0xF2) insn.prefixes |= prefix::kRepne;
  if (insn.has(prefix::kOpsize)) insn.opsize = code32 ? 2 : 4;
  if (insn.has(prefix::kAddrsize)) insn.addrsize = code32 ? 2 : 4;

  // Opcode bytes.
  insn.opcode = static_cast<uint8_t>(c.take(1));
  Row row;
  if (insn.opcode == 0x0F) {
    if (!c.has(1)) return c.shortage(1);
    insn.opcode = static_cast<uint8_t>(c.take(1));
    if (insn.opcode == 0x38 || insn.opcode == 0x3A) {
      insn.map = insn.opcode == 0x38 ? OpcodeMap::k0F38 : OpcodeMap::k0F3A;
      if (!c.has(1)) return c.shortage(1);
      insn.opcode = static_cast<uint8_t>(c.take(1));
      row = three_byte_row(insn.map);
    } else {
      insn.map = OpcodeMap::k0F;
      row = decoder_tables::two_byte_map()[insn.opcode];
      // The last F2/F3 selects another form of some SSE rows.
      if (last_rep != 0) {
        const Row& form = decoder_tables::two_byte_rep_form(insn.opcode, last_rep == 0xF2);
        if (form.mnemonic != Mnemonic::kInvalid) row = form;
      }
    }
  } else if (insn.opcode >= 0xD8 && insn.opcode <= 0xDF) {
    row = x87_row();
  } else {
    row = decoder_tables::one_byte_map()[insn.opcode];
  }

  const bool modrm = row.modrm || row.attrs & attr::kX87 || insn.map == OpcodeMap::k0F38 ||
                     insn.map == OpcodeMap::k0F3A;
  if (modrm) {
    if (!c.has(1)) return c.shortage(1);
    insn.modrm = static_cast<uint8_t>(c.take(1));
    insn.has_modrm = true;
  }

  bool valid = row.mnemonic != Mnemonic::kInvalid || row.group != Group::None;
  if (row.group != Group::None) {
    const bool is_reg = (insn.modrm >> 6) == 3;
    row = decoder_tables::group_rows(row.group)[is_reg ? 1 : 0][insn.modrm_reg()];
    if (row.group == Group::None && row.mnemonic == Mnemonic::kInvalid && is_reg &&
        insn.map == OpcodeMap::k0F && insn.opcode == 0x01) {
      row.mnemonic = decoder_tables::group7_register_form(insn.modrm);
    }
    valid = row.mnemonic != Mnemonic::kInvalid;
  }

  // SSE-family rows exist only under their mandatory prefixes. F2/F3 win
  // over 66; a 66 used as a mandatory prefix does not change operand size.
  bool mmx_as_xmm = false;
  if (valid && (row.attrs & attr::kPrefixSets) != 0) {
    uint16_t need = attr::kP0;
    if (last_rep == 0xF3) {
      need = attr::kPF3;
    } else if (last_rep == 0xF2) {
      need = attr::kPF2;
    } else if (insn.has(prefix::kOpsize)) {
      need = attr::kP66;
      mmx_as_xmm = (row.attrs & attr::kMmx) != 0;
    }
    valid = (row.attrs & need) != 0;
    if (need == attr::kP66) insn.opsize = code32 ? 4 : 2;
  }

  insn.mnemonic = valid ? row.mnemonic : Mnemonic::kInvalid;
  insn.attrs = row.attrs;

  // MOV to/from CRn and DRn ignore ModRM.mod: always a register, never
  // SIB or displacement bytes.
  if (modrm && (insn.modrm >> 6) != 3 && !row.mod_ignored) {
    const DecodeStatus st = decode_memory(c, insn);
    if (st != DecodeStatus::kOk) return st;
  }

  // Operands, then the immediates in operand order (ENTER has two).
  bool first_imm = true;
  for (int i = 0; i < 3; ++i) {
    const Spec s = row.ops[i];
    if (s == Spec::None) continue;  // (the operand is blank already)
    if (valid && !resolve(s, insn, insn.ops[i], mmx_as_xmm)) valid = false;
    const unsigned n = immediate_bytes(s, insn);
    if (n == 0) continue;
    if (!c.has(n)) return c.shortage(n);
    if (s == Spec::Ap) {
      insn.imm = c.take(insn.opsize);
      insn.imm2 = c.take(2);
      continue;
    }
    uint32_t v = c.take(n);
    if (s == Spec::Ibs || s == Spec::Jb || s == Spec::Jz) v = sign_extend(v, n);
    if (s == Spec::Ob || s == Spec::Ov) {
      insn.mem = MemRef{};
      insn.mem.disp = v;
      insn.mem.seg = insn.seg_override != kNoReg ? insn.seg_override : uint8_t{kDs};
      continue;
    }
    (first_imm ? insn.imm : insn.imm2) = v;
    first_imm = false;
  }
  if (row.ops[1] == Spec::One) insn.imm = 1;
  if (row.attrs & attr::kX87) {
    const bool is_reg = (insn.modrm >> 6) == 3;
    insn.ops[0] = is_reg ? Operand{OperandKind::kSt, 10, static_cast<uint8_t>(insn.modrm & 7)}
                         : Operand{OperandKind::kMem, 0, 0};
  }

  if (!valid) {
    insn.mnemonic = Mnemonic::kInvalid;
    for (Operand& op : insn.ops) op = {};
  }
  insn.length = static_cast<uint8_t>(c.pos());
  return valid ? DecodeStatus::kOk : DecodeStatus::kInvalid;
}

const char* mnemonic_name(Mnemonic m) {
  static constexpr const char* kNames[] = {
#define MNEMONIC(name) #name,
#include "core/decoder/mnemonics.inc"
#undef MNEMONIC
  };
  const auto i = static_cast<size_t>(m);
  return i < std::size(kNames) ? kNames[i] : "?";
}

}  // namespace tx86::core
