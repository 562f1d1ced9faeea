// Cross-checks the table-driven decoder against capstone 4 on generated
// encodings: every one-byte and 0F xx opcode (and the three-byte maps),
// in 16- and 32-bit code, under combinations of prefixes, ModRM, SIB,
// displacement and immediate bytes from a fixed-seed PRNG. Validity, length
// and operands must agree except for the explicit exclusions below.
#include <capstone/capstone.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/decoder/decoder.h"

namespace tx86::core {
namespace {

// ---------------------------------------------------------------- helpers

// splitmix64: deterministic across platforms and library versions.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint32_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<uint32_t>((z ^ (z >> 31)) >> 16);
  }
  uint8_t byte() { return static_cast<uint8_t>(next()); }
  // Displacement and immediate bytes: biased towards the interesting
  // values (zero, all ones, sign boundaries), otherwise uniform.
  uint8_t varied() {
    switch (next() % 10) {
      case 0: return 0x00;
      case 1: return 0xFF;
      case 2: return 0x80;
      case 3: return 0x7F;
      default: return byte();
    }
  }

 private:
  uint64_t s_;
};

enum class Map : uint8_t { k1, k0F, k0F38, k0F3A };

// One generated encoding: prefixes, opcode bytes, then ModRM and tail
// bytes (SIB, displacement, immediates, padding). 32 bytes are always
// handed to both decoders so neither runs out.
struct Enc {
  std::array<uint8_t, 32> b{};
  uint8_t npfx = 0;  // prefix bytes
  uint8_t nop = 0;   // opcode bytes
  Map map = Map::k1;
  uint8_t opcode = 0;
  bool code32 = false;

  uint8_t modrm() const { return b[npfx + nop]; }
  bool has_prefix(uint8_t p) const {
    for (unsigned i = 0; i < npfx; ++i)
      if (b[i] == p) return true;
    return false;
  }
  std::string hex() const {
    std::string s;
    char buf[4];
    for (unsigned i = 0; i < 16; ++i) {
      std::snprintf(buf, sizeof buf, "%02X ", b[i]);
      s += buf;
    }
    return s;
  }
};

// Capstone registers by our numbering: class, size in bytes, number.
struct RegClass {
  OperandKind kind;
  uint8_t size;
  std::array<x86_reg, 8> regs;
};
constexpr RegClass kRegClasses[] = {
    {OperandKind::kGpr,
     1,
     {X86_REG_AL, X86_REG_CL, X86_REG_DL, X86_REG_BL, X86_REG_AH, X86_REG_CH, X86_REG_DH,
      X86_REG_BH}},
    {OperandKind::kGpr,
     2,
     {X86_REG_AX, X86_REG_CX, X86_REG_DX, X86_REG_BX, X86_REG_SP, X86_REG_BP, X86_REG_SI,
      X86_REG_DI}},
    {OperandKind::kGpr,
     4,
     {X86_REG_EAX, X86_REG_ECX, X86_REG_EDX, X86_REG_EBX, X86_REG_ESP, X86_REG_EBP, X86_REG_ESI,
      X86_REG_EDI}},
    {OperandKind::kSeg,
     2,
     {X86_REG_ES, X86_REG_CS, X86_REG_SS, X86_REG_DS, X86_REG_FS, X86_REG_GS, X86_REG_INVALID,
      X86_REG_INVALID}},
    {OperandKind::kCr,
     4,
     {X86_REG_CR0, X86_REG_CR1, X86_REG_CR2, X86_REG_CR3, X86_REG_CR4, X86_REG_CR5, X86_REG_CR6,
      X86_REG_CR7}},
    {OperandKind::kDr,
     4,
     {X86_REG_DR0, X86_REG_DR1, X86_REG_DR2, X86_REG_DR3, X86_REG_DR4, X86_REG_DR5, X86_REG_DR6,
      X86_REG_DR7}},
    {OperandKind::kMmx,
     8,
     {X86_REG_MM0, X86_REG_MM1, X86_REG_MM2, X86_REG_MM3, X86_REG_MM4, X86_REG_MM5, X86_REG_MM6,
      X86_REG_MM7}},
    {OperandKind::kXmm,
     16,
     {X86_REG_XMM0, X86_REG_XMM1, X86_REG_XMM2, X86_REG_XMM3, X86_REG_XMM4, X86_REG_XMM5,
      X86_REG_XMM6, X86_REG_XMM7}},
    {OperandKind::kSt,
     10,
     {X86_REG_ST0, X86_REG_ST1, X86_REG_ST2, X86_REG_ST3, X86_REG_ST4, X86_REG_ST5, X86_REG_ST6,
      X86_REG_ST7}},
};

struct Reg {
  OperandKind kind;
  uint8_t size;
  uint8_t num;
};

std::optional<Reg> map_reg(x86_reg r) {
  if (r == X86_REG_INVALID) return std::nullopt;
  for (const RegClass& c : kRegClasses)
    for (uint8_t i = 0; i < 8; ++i)
      if (c.regs[i] == r) return Reg{c.kind, c.size, i};
  return std::nullopt;
}

uint32_t mask_of(unsigned bytes) {
  return bytes >= 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1;
}

std::string hx(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

// "what: capstone X, ours Y" in hex.
std::string differ(const std::string& what, uint64_t cs, uint64_t ours) {
  return what + ": capstone " + hx(cs) + ", ours " + hx(ours);
}

// A memory-operand base or index register: our Gpr number, or kNoReg; the
// register's width must match the address size.
std::string check_addr_reg(x86_reg cs, uint8_t ours, unsigned addrsize, const char* what) {
  const auto r = map_reg(cs);
  const uint8_t num = r ? r->num : kNoReg;
  if (cs != X86_REG_INVALID && (!r || r->kind != OperandKind::kGpr || r->size != addrsize))
    return std::string(what) + ": capstone register of the wrong class or size";
  if (num != ours) return differ(what, num, ours);
  return {};
}

std::string compare_mem(const DecodedInsn& d, const x86_op_mem& m) {
  // 16-bit forms add two registers unscaled; capstone calls [si] and [di]
  // base where we call them index.
  uint8_t base = d.mem.base;
  uint8_t index = d.mem.index;
  if (d.addrsize == 2 && base == kNoReg) std::swap(base, index);
  std::string err = check_addr_reg(m.base, base, d.addrsize, "base");
  if (err.empty()) err = check_addr_reg(m.index, index, d.addrsize, "index");
  if (!err.empty()) return err;
  if (d.mem.index != kNoReg && m.scale != (1 << d.mem.scale))
    return differ("scale", static_cast<uint64_t>(m.scale), 1u << d.mem.scale);
  const uint32_t am = mask_of(d.addrsize);
  if ((static_cast<uint32_t>(m.disp) & am) != (d.mem.disp & am))
    return differ("disp", static_cast<uint32_t>(m.disp) & am, d.mem.disp & am);
  if (d.has(prefix::kSeg)) {
    const auto s = map_reg(m.segment);
    if (!s || s->kind != OperandKind::kSeg || s->num != d.mem.seg)
      return differ("segment (capstone X86_REG_*)", m.segment, d.mem.seg);
  }
  return {};
}

// Compares the explicit operands of an integer instruction, in order.
std::string compare_operands(const Enc& e, const DecodedInsn& d, const cs_insn& ci) {
  const cs_x86& x = ci.detail->x86;
  std::vector<Operand> ours;
  for (const Operand& op : d.ops)
    if (op.kind != OperandKind::kNone) ours.push_back(op);
  // Capstone lists XCHG's accumulator first for 91-97; XCHG commutes.
  if (e.map == Map::k1 && e.opcode >= 0x91 && e.opcode <= 0x97) std::swap(ours[0], ours[1]);
  unsigned k = 0;  // next capstone operand
  bool first_imm = true;
  for (const Operand& op : ours) {
    const auto want = [&](const std::string& what) {
      return "operand " + std::to_string(k) + ": " + what;
    };
    // CMPPS and friends: capstone folds an imm8 predicate below 8 into the
    // mnemonic (cmpeqps) and reports it as sse_cc instead of an operand.
    if (k == x.op_count && op.kind == OperandKind::kImm && x.sse_cc != X86_SSE_CC_INVALID) {
      if ((d.imm & 0xFF) + 1 != static_cast<unsigned>(x.sse_cc))
        return want("SSE predicate differs");
      continue;
    }
    if (k >= x.op_count) return want("missing in capstone");
    const cs_x86_op& c = x.operands[k++];
    switch (op.kind) {
      case OperandKind::kGpr:
      case OperandKind::kSeg:
      case OperandKind::kCr:
      case OperandKind::kDr:
      case OperandKind::kMmx:
      case OperandKind::kXmm:
      case OperandKind::kSt: {
        const auto r = c.type == X86_OP_REG ? map_reg(c.reg) : std::nullopt;
        if (!r) return want("capstone has no mappable register");
        if (r->kind != op.kind || r->num != op.reg ||
            (op.kind == OperandKind::kGpr && r->size != op.size))
          return want("register (kind.size.num): capstone " + hx(static_cast<uint8_t>(r->kind)) +
                      "." + hx(r->size) + "." + hx(r->num) + ", ours " +
                      hx(static_cast<uint8_t>(op.kind)) + "." + hx(op.size) + "." + hx(op.reg));
        break;
      }
      case OperandKind::kImm: {
        // Capstone gives sign-extended imm8 forms (83 /r, 6A, 6B) at the
        // operand size and zero-extends unsigned ones, so compare at the
        // wider of the two sizes. It also sign-extends ENTER's unsigned
        // immediates; those compare at their own width.
        if (c.type != X86_OP_IMM) return want("capstone is not an immediate");
        const uint32_t v = first_imm ? d.imm : d.imm2;
        first_imm = false;
        const bool enter = e.map == Map::k1 && e.opcode == 0xC8;
        const uint32_t m = mask_of(enter ? op.size : std::max(op.size, c.size));
        if ((static_cast<uint32_t>(c.imm) & m) != (v & m))
          return want(differ("imm", static_cast<uint64_t>(c.imm), v));
        break;
      }
      case OperandKind::kRel: {
        // Capstone reports the absolute target; in 16-bit mode it truncates
        // every target to 16 bits, whatever the operand size.
        if (c.type != X86_OP_IMM) return want("capstone is not a branch target");
        const uint32_t m = e.code32 ? mask_of(op.size) : 0xFFFF;
        const uint32_t target = static_cast<uint32_t>(ci.address) + d.length + d.imm;
        if ((static_cast<uint32_t>(c.imm) & m) != (target & m))
          return want(differ("target", static_cast<uint64_t>(c.imm), target & m));
        break;
      }
      case OperandKind::kFarPtr: {
        // Capstone: selector, then offset, as two immediates.
        if (c.type != X86_OP_IMM || k >= x.op_count || x.operands[k].type != X86_OP_IMM)
          return want("capstone far pointer is not two immediates");
        const cs_x86_op& off = x.operands[k++];
        if ((static_cast<uint32_t>(c.imm) & 0xFFFF) != d.imm2 ||
            (static_cast<uint32_t>(off.imm) & mask_of(d.opsize)) != d.imm)
          return want("far pointer: capstone " + hx(static_cast<uint64_t>(c.imm)) + ":" +
                      hx(static_cast<uint64_t>(off.imm)));
        break;
      }
      case OperandKind::kMem: {
        if (c.type != X86_OP_MEM) return want("capstone is not memory");
        const std::string err = compare_mem(d, c.mem);
        if (!err.empty()) return want(err);
        break;
      }
      case OperandKind::kString: {
        // DS:eSI (segment overridable) or ES:eDI (never overridden).
        if (c.type != X86_OP_MEM) return want("capstone string operand is not memory");
        const auto b = map_reg(c.mem.base);
        if (!b || b->kind != OperandKind::kGpr || b->size != d.addrsize ||
            (b->num != kEsi && b->num != kEdi) || c.mem.index != X86_REG_INVALID)
          return want("string operand base differs");
        const auto s = map_reg(c.mem.segment);
        const uint8_t seg = b->num == kEdi        ? uint8_t{kEs}
                            : d.has(prefix::kSeg) ? d.seg_override
                                                  : uint8_t{kDs};
        if (s ? s->num != seg : (b->num == kEdi || d.has(prefix::kSeg)))
          return want("string operand segment differs");
        if (c.size != op.size) return want(differ("string operand size", c.size, op.size));
        break;
      }
      case OperandKind::kNone: break;
    }
  }
  if (k != x.op_count) return differ("operand count", x.op_count, k);
  return {};
}

// x87, MMX, SSE: the memory operand's address only.
std::string compare_fp_memory(const DecodedInsn& d, const cs_insn& ci) {
  const cs_x86& x = ci.detail->x86;
  const cs_x86_op* cm = nullptr;
  for (unsigned i = 0; i < x.op_count; ++i)
    if (x.operands[i].type == X86_OP_MEM) cm = &x.operands[i];
  bool ours = false;
  for (const Operand& op : d.ops) ours = ours || op.kind == OperandKind::kMem;
  if (ours != (cm != nullptr)) return ours ? "capstone has no memory operand" : "ours has none";
  return cm ? compare_mem(d, cm->mem) : std::string{};
}

// Everything both sides say about one encoding; empty when they agree.
// cs is nullptr when capstone rejects the bytes.
std::string compare(const Enc& e, DecodeStatus st, const DecodedInsn& d, const cs_insn* cs) {
  if (st != DecodeStatus::kOk && st != DecodeStatus::kInvalid)
    return "decoder status " + std::to_string(static_cast<int>(st));
  if (!cs && st == DecodeStatus::kInvalid) return {};
  if (!cs) return "capstone rejects, decoder accepts";
  if (st == DecodeStatus::kInvalid) return "decoder rejects, capstone accepts";
  if (cs->size != d.length) return differ("length", cs->size, d.length);
  // x87 operands are coarse (ST(i) or memory) until the FPU decodes them,
  // and the three-byte maps are decoded for length only (every row Vx, Wx).
  // In 16-bit mode capstone 4 reads a mandatory 66/F3 on many MMX/SSE rows
  // as a plain size prefix (66 0F 60 as PUNPCKLBW mm). Those compare only
  // the address.
  if (d.attrs & attr::kX87 || e.map == Map::k0F38 || e.map == Map::k0F3A ||
      (d.attrs & (attr::kMmx | attr::kSse) && !e.code32))
    return compare_fp_memory(d, *cs);
  return compare_operands(e, d, *cs);
}

// ------------------------------------------------------------- exclusions

struct Outcome {
  const Enc& e;
  DecodeStatus st;
  const DecodedInsn& d;
  const cs_insn* cs;  // nullptr when capstone rejects the bytes

  bool only_capstone() const { return cs && st == DecodeStatus::kInvalid; }
  bool only_ours() const { return !cs && st == DecodeStatus::kOk; }
  bool op1(uint8_t op) const { return e.map == Map::k1 && e.opcode == op; }
  bool op0f(uint8_t lo, uint8_t hi) const {
    return e.map == Map::k0F && e.opcode >= lo && e.opcode <= hi;
  }
  uint8_t mod() const { return e.modrm() >> 6; }
  uint8_t reg() const { return (e.modrm() >> 3) & 7; }
  bool rep_or_66() const { return e.has_prefix(0x66) || e.has_prefix(0xF2) || e.has_prefix(0xF3); }

  // Whether capstone's answer is exactly ours for the bytes without the
  // prefixes in `drop`: capstone ignored them.
  bool capstone_ignored(std::initializer_list<uint8_t> drop) const {
    if (!cs) return false;
    Enc s = e;
    unsigned n = 0;
    for (unsigned i = 0; i < s.npfx;) {
      if (std::find(drop.begin(), drop.end(), s.b[i]) == drop.end()) {
        ++i;
        continue;
      }
      for (unsigned j = i; j + 1 < s.b.size(); ++j) s.b[j] = s.b[j + 1];
      --s.npfx;
      ++n;
    }
    if (n == 0) return false;
    DecodedInsn d2;
    const DecodeStatus st2 = decode(s.b, s.code32, d2);
    if (st2 != DecodeStatus::kOk) return false;
    d2.length = static_cast<uint8_t>(d2.length + n);  // branch targets count the dropped bytes
    return compare(s, st2, d2, cs).empty();
  }
};

// Newer or other vendors' opcodes capstone knows and the tables leave
// undefined (#UD on the emulated CPU): 0F 01 register forms (SGX ENCLS/
// ENCLU, VMFUNC, AMD SVM, PKU, SWAPGS, MONITORX/MWAITX, CLZERO), VIA
// PadLock 0F A6/A7, XRSTORS/XSAVEC/XSAVES 0F C7 /3-5, VMCLEAR/VMXON 66/F3
// 0F C7 /6, TSX XABORT/XBEGIN C6/C7 F8, AMD SSE4a 66/F2 0F 78/79.
bool outside_tables(const Outcome& o) {
  static constexpr uint8_t k0F01[] = {0xCF, 0xD4, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD,
                                      0xDE, 0xDF, 0xEE, 0xEF, 0xF8, 0xFA, 0xFB, 0xFC};
  if (!o.only_capstone()) return false;
  if (o.op0f(0x01, 0x01))
    for (uint8_t m : k0F01)
      if (o.e.modrm() == m) return true;
  if (o.op0f(0xA6, 0xA7)) return o.mod() == 3;
  if (o.op0f(0xC7, 0xC7))
    return o.mod() != 3 && ((o.reg() >= 3 && o.reg() <= 5) ||
                            (o.reg() == 6 && (o.e.has_prefix(0x66) || o.e.has_prefix(0xF3))));
  if (o.op1(0xC6) || o.op1(0xC7)) return o.e.modrm() == 0xF8;
  if (o.op0f(0x78, 0x79)) return o.e.has_prefix(0x66) || o.e.has_prefix(0xF2);
  return false;
}

struct Exclusion {
  const char* name;
  bool (*applies)(const Outcome&);
  uint64_t count = 0;
};

// Each applies only to an encoding that differed; everything else in the
// class is still compared.
Exclusion kExclusions[] = {
    // C4/C5/62 with mod 3 and 8F /1-7 are LES/LDS/BOUND/POP forms that #UD
    // on IA-32 before AVX; capstone decodes them as VEX/EVEX/XOP prefixes.
    {"VEX/EVEX/XOP",
     [](const Outcome& o) {
       return o.only_capstone() && (((o.op1(0xC4) || o.op1(0xC5) || o.op1(0x62)) && o.mod() == 3) ||
                                    (o.op1(0x8F) && o.reg() != 0));
     }},
    // The decoder hands every D8-DF ModRM to the FPU, which raises #UD for
    // the reserved forms (D9 /1 memory, D9 D1, DA E0...); capstone rejects
    // them itself.
    {"x87 reserved forms",
     [](const Outcome& o) {
       return o.only_ours() && o.e.map == Map::k1 && o.e.opcode >= 0xD8 && o.e.opcode <= 0xDF;
     }},
    // AMD 3DNow!, read for length only; capstone rejects or misreads the
    // imm8 suffixes it does not know.
    {"3DNow! 0F 0F",
     [](const Outcome& o) {
       return o.op0f(0x0F, 0x0F) && (o.only_ours() || (o.cs && o.cs->size == o.d.length &&
                                                       o.cs->detail->x86.op_count <= 2));
     }},
    // The SDM has 0F 0D as NOP Ev (PREFETCHW /1); capstone knows only AMD's
    // PREFETCH/PREFETCHW memory forms /0 and /1.
    {"0F 0D hint NOP", [](const Outcome& o) { return o.op0f(0x0D, 0x0D) && o.only_ours(); }},
    // 0F 18-1F register forms are reserved NOP Ev; capstone rejects most
    // and gives 0F 19 a second operand.
    {"0F 18-1F register hint NOPs",
     [](const Outcome& o) {
       return o.op0f(0x18, 0x1F) && o.mod() == 3 &&
              (o.only_ours() || (o.op0f(0x19, 0x19) && o.cs && o.cs->detail->x86.op_count == 2));
     }},
    // The SDM gives UD1 (0F B9) and UD0 (0F FF) a ModRM; capstone 4 decodes
    // them without one and rejects 66 0F FF.
    {"UD0/UD1",
     [](const Outcome& o) {
       return (o.op0f(0xB9, 0xB9) || o.op0f(0xFF, 0xFF)) &&
              (o.only_ours() || (o.cs && o.cs->size == o.e.npfx + o.e.nop));
     }},
    // LFENCE/MFENCE/SFENCE ignore ModRM.rm; capstone accepts only rm = 0.
    {"fence with ModRM.rm != 0",
     [](const Outcome& o) {
       return o.op0f(0xAE, 0xAE) && o.mod() == 3 && o.reg() >= 5 && o.only_ours();
     }},
    {"opcodes outside the tables", outside_tables},
    // 66/F2/F3 where the SDM defines no form of the row (NP or blank: #UD);
    // capstone decodes the bytes as if the prefix were absent.
    {"undefined mandatory prefix",
     [](const Outcome& o) {
       return o.e.map == Map::k0F && o.only_capstone() &&
              (o.capstone_ignored({0x66}) || o.capstone_ignored({0xF2}) ||
               o.capstone_ignored({0xF3}) || o.capstone_ignored({0x66, 0xF2, 0xF3}));
     }},
    // Capstone 4 drops a 66 that comes before F2/F3 on string instructions
    // (66 F3 AB is REP STOSW, not REP STOSD).
    {"66 before REP on strings",
     [](const Outcome& o) {
       return o.e.map == Map::k1 && o.d.attrs & attr::kString && o.capstone_ignored({0x66});
     }},
    // Capstone 4 rejects these SSE2/SSE3/POPCNT rows under their mandatory
    // prefix in 16-bit mode, where they exist as in 32-bit mode.
    {"capstone 16-bit SSE2/SSE3/POPCNT gaps",
     [](const Outcome& o) {
       static constexpr uint8_t kOps[] = {0x6C, 0x6D, 0x73, 0x7C, 0x7D,
                                          0xB8, 0xD0, 0xD6, 0xE6, 0xF0};
       return !o.e.code32 && o.e.map == Map::k0F && o.only_ours() && o.rep_or_66() &&
              std::find(std::begin(kOps), std::end(kOps), o.e.opcode) != std::end(kOps);
     }},
    // Capstone 4 takes the prefix nearest the opcode as the mandatory one;
    // the SDM gives F2/F3 precedence over 66 in any order (F3 66 0F B8 is
    // POPCNT r16).
    {"66 after F2/F3",
     [](const Outcome& o) {
       return o.e.map == Map::k0F && o.st == DecodeStatus::kOk && o.e.npfx >= 2 &&
              o.e.b[o.e.npfx - 1] == 0x66 && (o.e.has_prefix(0xF2) || o.e.has_prefix(0xF3));
     }},
    // Capstone 4 loses a mandatory 66 when a 67 follows it (66 67 0F 6C is
    // rejected, 66 67 0F 60 read as the MMX form).
    {"67 after a mandatory 66",
     [](const Outcome& o) {
       for (unsigned i = 0; i + 1 < o.e.npfx; ++i)
         if (o.e.b[i] == 0x66 && o.e.b[i + 1] == 0x67)
           return o.e.map == Map::k0F && o.st == DecodeStatus::kOk;
       return false;
     }},
    // Capstone 4 takes a rel32 branch's target from its low 16 bits when 67
    // is present; address size does not apply to relative branches.
    {"rel32 with 67",
     [](const Outcome& o) {
       if (!o.e.code32 || !o.e.has_prefix(0x67) || o.st != DecodeStatus::kOk || !o.cs ||
           o.cs->size != o.d.length || o.d.ops[0].kind != OperandKind::kRel)
         return false;
       const auto low16 = static_cast<uint32_t>(static_cast<int16_t>(o.d.imm & 0xFFFF));
       return static_cast<uint32_t>(o.cs->detail->x86.operands[0].imm) ==
              static_cast<uint32_t>(o.cs->address) + o.d.length + low16;
     }},
    // The decoder reads every 0F 38 / 0F 3A row for length (all #UD on the
    // emulated CPU); capstone rejects the undefined ones.
    {"undefined three-byte rows",
     [](const Outcome& o) {
       return (o.e.map == Map::k0F38 || o.e.map == Map::k0F3A) && o.only_ours();
     }},
    // Capstone omits AAM/AAD's immediate when it is the default base 10.
    {"AAM/AAD base 10",
     [](const Outcome& o) {
       return (o.op1(0xD4) || o.op1(0xD5)) && o.d.imm == 0x0A && o.cs &&
              o.cs->detail->x86.op_count == 0;
     }},
    // MOV Sreg, r/m16 reads a register's low word (SDM: Ew); capstone
    // names the register of the operand size.
    {"MOV Sreg, r32",
     [](const Outcome& o) {
       if (!o.op1(0x8E) || o.mod() != 3 || o.st != DecodeStatus::kOk || !o.cs) return false;
       const cs_x86& x = o.cs->detail->x86;
       if (x.op_count != 2 || x.operands[1].type != X86_OP_REG) return false;
       const auto r = map_reg(x.operands[1].reg);
       return r && r->kind == OperandKind::kGpr && r->num == o.d.ops[1].reg &&
              r->size == o.d.opsize;
     }},
};

// ------------------------------------------------------------ generation

constexpr uint8_t kSegPrefixes[] = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};

bool is_prefix(uint8_t b) {
  for (uint8_t s : kSegPrefixes)
    if (b == s) return true;
  return b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3;
}

// F2/F3 matter for string instructions, PAUSE, and throughout the 0F maps.
bool rep_meaningful(Map map, uint8_t op) {
  if (map != Map::k1) return true;
  return op == 0x90 || (op >= 0x6C && op <= 0x6F) || (op >= 0xA4 && op <= 0xA7) ||
         (op >= 0xAA && op <= 0xAF);
}

// Lockable read-modify-write forms: opcode and the ModRM.reg values allowed.
struct Lockable {
  Map map;
  uint8_t op;
  uint8_t regs;  // bit mask
};
constexpr Lockable kLockable[] = {
    {Map::k1, 0x00, 0xFF},  {Map::k1, 0x01, 0xFF},  {Map::k1, 0x08, 0xFF},  {Map::k1, 0x09, 0xFF},
    {Map::k1, 0x10, 0xFF},  {Map::k1, 0x11, 0xFF},  {Map::k1, 0x18, 0xFF},  {Map::k1, 0x19, 0xFF},
    {Map::k1, 0x20, 0xFF},  {Map::k1, 0x21, 0xFF},  {Map::k1, 0x28, 0xFF},  {Map::k1, 0x29, 0xFF},
    {Map::k1, 0x30, 0xFF},  {Map::k1, 0x31, 0xFF},  {Map::k1, 0x80, 0x7F},  {Map::k1, 0x81, 0x7F},
    {Map::k1, 0x83, 0x7F},  {Map::k1, 0x86, 0xFF},  {Map::k1, 0x87, 0xFF},  {Map::k1, 0xF6, 0x0C},
    {Map::k1, 0xF7, 0x0C},  {Map::k1, 0xFE, 0x03},  {Map::k1, 0xFF, 0x03},  {Map::k0F, 0xAB, 0xFF},
    {Map::k0F, 0xB3, 0xFF}, {Map::k0F, 0xBB, 0xFF}, {Map::k0F, 0xBA, 0xE0}, {Map::k0F, 0xB0, 0xFF},
    {Map::k0F, 0xB1, 0xFF}, {Map::k0F, 0xC0, 0xFF}, {Map::k0F, 0xC1, 0xFF}, {Map::k0F, 0xC7, 0x02},
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Enc make(bool code32, Map map, uint8_t op, const std::vector<uint8_t>& pfx, uint8_t modrm) {
    Enc e;
    e.code32 = code32;
    e.map = map;
    e.opcode = op;
    unsigned n = 0;
    for (uint8_t p : pfx) e.b[n++] = p;
    e.npfx = static_cast<uint8_t>(n);
    if (map != Map::k1) e.b[n++] = 0x0F;
    if (map == Map::k0F38) e.b[n++] = 0x38;
    if (map == Map::k0F3A) e.b[n++] = 0x3A;
    e.b[n++] = op;
    e.nop = static_cast<uint8_t>(n - e.npfx);
    e.b[n++] = modrm;
    while (n < e.b.size()) e.b[n++] = rng_.varied();
    return e;
  }
  Rng& rng() { return rng_; }

 private:
  Rng rng_;
};

// --------------------------------------------------------------- checking

struct Stats {
  uint64_t compared = 0;
  uint64_t agreed_invalid = 0;
  uint64_t mismatches = 0;
};

class Checker {
 public:
  explicit Checker(bool code32) : code32_(code32) {
    EXPECT_EQ(cs_open(CS_ARCH_X86, code32 ? CS_MODE_32 : CS_MODE_16, &h_), CS_ERR_OK);
    cs_option(h_, CS_OPT_DETAIL, CS_OPT_ON);
    insn_ = cs_malloc(h_);
  }
  ~Checker() {
    cs_free(insn_, 1);
    cs_close(&h_);
  }
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  void check(const Enc& e) {
    DecodedInsn d;
    const DecodeStatus st = decode(e.b, e.code32, d);
    const uint8_t* code = e.b.data();
    size_t size = e.b.size();
    uint64_t addr = code32_ ? 0x00401000 : 0x7C00;
    const bool cs_ok = cs_disasm_iter(h_, &code, &size, &addr, insn_);
    const Outcome o{e, st, d, cs_ok ? insn_ : nullptr};
    const std::string diff = compare(e, st, d, o.cs);
    if (diff.empty()) {
      ++(cs_ok ? stats_.compared : stats_.agreed_invalid);
      return;
    }
    for (Exclusion& x : kExclusions) {
      if (x.applies(o)) {
        ++x.count;
        return;
      }
    }
    ++stats_.mismatches;
    if (stats_.mismatches <= kMaxReports) {
      ADD_FAILURE() << (code32_ ? "32-bit " : "16-bit ") << e.hex() << "-- " << diff
                    << " [capstone: "
                    << (cs_ok ? std::string(insn_->mnemonic) + " " + insn_->op_str : "invalid")
                    << ", decoder: " << mnemonic_name(d.mnemonic) << "]";
    }
  }

  const Stats& stats() const { return stats_; }

 private:
  static constexpr uint64_t kMaxReports = 100;
  bool code32_;
  csh h_ = 0;
  cs_insn* insn_ = nullptr;
  Stats stats_;
};

void run_mode(bool code32, Checker& ck) {
  Generator g(code32 ? 0x7832'3332 : 0x7831'3636);
  Rng& rng = g.rng();
  std::vector<std::pair<Map, uint8_t>> opcodes;
  for (unsigned op = 0; op < 256; ++op) {
    const auto b = static_cast<uint8_t>(op);
    if (!is_prefix(b) && b != 0x0F) opcodes.emplace_back(Map::k1, b);
  }
  for (unsigned op = 0; op < 256; ++op)
    if (op != 0x38 && op != 0x3A) opcodes.emplace_back(Map::k0F, static_cast<uint8_t>(op));

  const std::vector<std::vector<uint8_t>> common = {
      {},     {0x66}, {0x67}, {0x66, 0x67},      {0x26}, {0x2E}, {0x36},
      {0x3E}, {0x64}, {0x65}, {0x2E, 0x66, 0x67}};
  const std::vector<std::vector<uint8_t>> reps = {{0xF3},       {0xF2},       {0x66, 0xF3},
                                                  {0xF3, 0x66}, {0xF2, 0x66}, {0x26, 0xF3}};

  for (const auto& [map, op] : opcodes) {
    // Every ModRM value without prefixes.
    for (unsigned m = 0; m < 256; ++m)
      ck.check(g.make(code32, map, op, {}, static_cast<uint8_t>(m)));
    // A spread of ModRM values under each prefix combination.
    const auto spread = [&](const std::vector<uint8_t>& pfx) {
      for (unsigned i = 0; i < 12; ++i) {
        const auto modrm = static_cast<uint8_t>(((i % 4) << 6) | (rng.next() % 64));
        ck.check(g.make(code32, map, op, pfx, modrm));
      }
    };
    for (const auto& pfx : common) spread(pfx);
    if (rep_meaningful(map, op))
      for (const auto& pfx : reps) spread(pfx);
  }

  // LOCK on lockable memory forms, with other prefixes around it.
  const std::vector<std::vector<uint8_t>> locks = {
      {0xF0}, {0xF0, 0x66}, {0x3E, 0xF0}, {0xF0, 0x67}};
  for (const Lockable& l : kLockable) {
    for (const auto& pfx : locks) {
      for (unsigned i = 0; i < 24; ++i) {
        unsigned reg;
        do reg = rng.next() % 8;
        while (!(l.regs >> reg & 1));
        const auto modrm = static_cast<uint8_t>(((i % 3) << 6) | (reg << 3) | (rng.next() % 8));
        ck.check(g.make(code32, l.map, l.op, pfx, modrm));
      }
    }
  }

  // Every SIB byte under every memory mod, with 32-bit addressing.
  const std::pair<Map, uint8_t> sib_ops[] = {{Map::k1, 0x01},  {Map::k1, 0x8B}, {Map::k1, 0x8D},
                                             {Map::k1, 0x69},  {Map::k1, 0xDC}, {Map::k0F, 0xAF},
                                             {Map::k0F, 0x58}, {Map::k0F, 0xFE}};
  const std::vector<uint8_t> addr32 = code32 ? std::vector<uint8_t>{} : std::vector<uint8_t>{0x67};
  for (const auto& [map, op] : sib_ops) {
    for (unsigned mod = 0; mod < 3; ++mod) {
      for (unsigned sib = 0; sib < 256; ++sib) {
        const auto modrm = static_cast<uint8_t>((mod << 6) | ((rng.next() % 8) << 3) | 4);
        Enc e = g.make(code32, map, op, addr32, modrm);
        e.b[e.npfx + e.nop + 1] = static_cast<uint8_t>(sib);
        ck.check(e);
      }
    }
  }

  // The three-byte maps, sampled.
  for (Map map : {Map::k0F38, Map::k0F3A}) {
    for (unsigned op = 0; op < 256; ++op) {
      for (const auto& pfx : std::vector<std::vector<uint8_t>>{{}, {0x66}, {0xF2}, {0xF3}}) {
        for (unsigned i = 0; i < 2; ++i) {
          const auto modrm =
              static_cast<uint8_t>(((i * 2 + rng.next() % 2) << 6) | (rng.next() % 64));
          ck.check(g.make(code32, map, static_cast<uint8_t>(op), pfx, modrm));
        }
      }
    }
  }
}

TEST(DecoderCapstone, CrossCheck) {
  for (Exclusion& x : kExclusions) x.count = 0;
  Checker c16(false);
  Checker c32(true);
  run_mode(false, c16);
  run_mode(true, c32);
  const Stats& a = c16.stats();
  const Stats& b = c32.stats();
  uint64_t skipped = 0;
  std::string why;
  for (const Exclusion& x : kExclusions) {
    skipped += x.count;
    if (x.count != 0)
      why += std::string(why.empty() ? "" : ", ") + x.name + ": " + std::to_string(x.count);
  }
  std::printf(
      "decoder cross-check: %llu encodings compared (16-bit: %llu, 32-bit: %llu), "
      "%llu agreed invalid, %llu skipped because of known capstone differences (%s), "
      "%llu mismatches\n",
      static_cast<unsigned long long>(a.compared + b.compared),
      static_cast<unsigned long long>(a.compared), static_cast<unsigned long long>(b.compared),
      static_cast<unsigned long long>(a.agreed_invalid + b.agreed_invalid),
      static_cast<unsigned long long>(skipped), why.c_str(),
      static_cast<unsigned long long>(a.mismatches + b.mismatches));
  EXPECT_GE(a.compared, 10000u);
  EXPECT_GE(b.compared, 10000u);
  EXPECT_EQ(a.mismatches + b.mismatches, 0u);
}

}  // namespace
}  // namespace tx86::core
