// Value-shaping, arithmetic, flags and condition ops.
#include <stdexcept>

#include "core/cpu/registers.h"
#include "jit/backend/x64/block_emitter.h"

namespace tx86::jit::x64 {

namespace {

x86::Gp sized(const x86::Gp& r, unsigned size) {
  if (size == 1) return r.r8();
  if (size == 2) return r.r16();
  return r.r32();
}

}  // namespace

void BlockEmitter::emit_alu(ir::Ref r, const ir::Inst& in) {
  using ir::Op;
  const unsigned size = in.size;
  switch (in.op) {
    case Op::kCopy: {
      const x86::Gp src = reg_or_load(in.a[0], kScratch0);
      const x86::Gp dst = ra.def_over(r, in.a[0]);
      if (dst.id() != src.id()) a.mov(dst, src);
      return;
    }
    case Op::kZeroExtend:
    case Op::kSignExtend: {
      const x86::Gp src = reg_or_load(in.a[0], kScratch0);
      const x86::Gp dst = ra.def_over(r, in.a[0]);
      const x86::Gp s = size == 1 ? x86::Gp(src.r8()) : x86::Gp(src.r16());
      if (in.op == Op::kZeroExtend) {
        a.movzx(dst, s);
      } else {
        a.movsx(dst, s);
      }
      return;
    }
    case Op::kExtractHigh8: {
      const x86::Gp src = reg_or_load(in.a[0], kScratch0);
      const x86::Gp dst = ra.def(r);
      a.mov(dst, src);
      a.shr(dst, 8);
      a.movzx(dst, dst.r8());
      return;
    }
    case Op::kInsertLow8:
    case Op::kInsertHigh8:
    case Op::kInsertLow16: {
      if (narrow_part_[r] != ir::kNoRef) {
        // The part's op, run on the register's low bits in place
        // (plan_narrow_inserts).
        const ir::Inst& op = block.insts[narrow_part_[r]];
        const x86::Gp base = reg_or_load(in.a[0], kScratch0);
        x86::Gp second;
        if (op.a[1].is_value()) second = ra.use(op.a[1].v);
        const x86::Gp dst = ra.def_over(r, in.a[0]);
        // (dst may be the second operand's register only if that dies
        // here, and is not the first: it is copied away first.)
        if (second.isValid() && second.id() == dst.id() && base.id() != dst.id()) {
          a.mov(kScratch1.r32(), second);
          second = kScratch1.r32();
        }
        if (dst.id() != base.id()) a.mov(dst, base);
        emit_op_in_place(op, sized(dst, op.size), second, false);
        return;
      }
      const x86::Gp base = reg_or_load(in.a[0], kScratch0);
      const x86::Gp part = reg_or_load(in.a[1], kScratch1);
      const x86::Gp dst = ra.def_over(r, in.a[0]);
      if (in.op != Op::kInsertHigh8) {
        // A 16- or 8-bit move merges into the rest of the register (no
        // partial-register stall on current hosts): one instruction where
        // masking took three. (dst is never part's register unless part is
        // base itself, which the move then leaves as it is.)
        if (dst.id() != base.id()) a.mov(dst, base);
        if (in.op == Op::kInsertLow16) {
          a.mov(dst.r16(), part.r16());
        } else {
          a.mov(dst.r8(), part.r8());
        }
        return;
      }
      // AH's kind (no REX register has one): the part goes through r11, so
      // that dst may be either input's register.
      a.movzx(kScratch1.r32(), part.r8());
      a.shl(kScratch1.r32(), 8);
      if (dst.id() != base.id()) a.mov(dst, base);
      a.and_(dst, 0xFFFF00FFu);
      a.or_(dst, kScratch1.r32());
      return;
    }
    case Op::kSelect: {
      const x86::Gp c = reg_or_load(in.a[0], kScratch0);
      const x86::Gp t = reg_or_load(in.a[1], kScratch1);
      a.mov(x86::r10d, c);
      a.mov(x86::r11d, t);
      const x86::Gp dst = ra.def(r);
      if (in.a[2].is_imm()) {
        a.mov(dst, in.a[2].v);
      } else {
        a.mov(dst, ra.use(in.a[2].v));
      }
      a.test(x86::r10d, x86::r10d);
      a.cmovnz(dst, x86::r11d);
      return;
    }
    case Op::kLea: {
      // Immediate inputs (constants forwarded into the address) join the
      // displacement.
      uint32_t disp = in.a[2].v;
      x86::Gp base;
      x86::Gp index;
      if (in.a[0].is_value()) {
        base = ra.use(in.a[0].v);
      } else {
        disp += in.a[0].v;
      }
      if (in.a[1].is_value()) {
        index = ra.use(in.a[1].v);
      } else {
        disp += in.a[1].v << in.aux;
      }
      const x86::Gp dst = ra.def(r);
      const auto d = static_cast<int32_t>(disp);
      if (base.isValid() && index.isValid()) {
        a.lea(dst, x86::dword_ptr(base.r64(), index.r64(), in.aux, d));
      } else if (index.isValid()) {
        // [index * scale + disp32]: an absolute base that fits a sign-extended disp32.
        a.lea(dst,
              x86::ptr(static_cast<uint64_t>(static_cast<int64_t>(d)), index.r64(), in.aux, 4));
      } else if (base.isValid()) {
        a.lea(dst, x86::dword_ptr(base.r64(), d));
      } else {
        a.mov(dst, disp);
      }
      return;
    }
    case Op::kDfDelta: {
      // DF (bit 10) into the host CF; sbb makes 0 or -1; that becomes
      // +size or -size.
      const x86::Gp f = reg_or_load(in.a[0], kScratch0);
      a.bt(f, 10);
      const x86::Gp dst = ra.def(r);
      a.sbb(dst, dst);
      a.and_(dst, static_cast<uint32_t>(-2 * static_cast<int32_t>(size)));
      a.add(dst, size);
      return;
    }
    default: break;
  }

  if ((in.op == Op::kShl || in.op == Op::kShr || in.op == Op::kSar || in.op == Op::kRol ||
       in.op == Op::kRor) &&
      in.a[1].is_value()) {
    emit_shift_by_value(r, in);
    return;
  }

  // A compare or test (a SUB or AND only FlagsFroms read, which read the
  // host flags, not the result): CMP or TEST, with no register for it.
  if ((in.op == Op::kSub || in.op == Op::kAnd) && only_host_flags_read(r)) {
    const x86::Gp first = sized(reg_or_load(in.a[0], kScratch0), size);
    if (in.a[1].is_imm()) {
      const asmjit::Imm imm(in.a[1].v);
      if (in.op == Op::kSub) {
        a.cmp(first, imm);
      } else {
        a.test(first, imm);
      }
    } else {
      const x86::Gp second = sized(ra.use(in.a[1].v), size);
      if (in.op == Op::kSub) {
        a.cmp(first, second);
      } else {
        a.test(first, second);
      }
    }
    return;
  }

  // Two-address arithmetic: dst = a0; op dst, a1. The host instruction sets
  // the host flags exactly as the guest's would; FlagsFrom reads them next.
  const x86::Gp first = reg_or_load(in.a[0], kScratch0);
  x86::Gp second;
  bool second_imm = false;
  if (in.a[1].is_imm()) {
    second_imm = true;
  } else if (in.a[1].is_value()) {
    second = ra.use(in.a[1].v);
  }
  x86::Gp carry_src;
  if ((in.op == Op::kAdc || in.op == Op::kSbb) && in.a[2].is_value()) carry_src = ra.use(in.a[2].v);
  const x86::Gp dst = ra.def_over(r, in.a[0]);
  // The second operand may be the register def() just returned only if it
  // is the same value; copy it first when dst aliases it.
  if (!second_imm && in.a[1].is_value() && second.id() == dst.id() && first.id() != dst.id()) {
    a.mov(kScratch1.r32(), second);
    second = kScratch1.r32();
  }
  // An address computation (base + displacement, base + index) whose host
  // flags nobody reads: one LEA into a register of its own where MOV + ADD
  // took two.
  if (size == 4 && first.id() != dst.id() && !host_flags_read(r)) {
    if (in.op == Op::kAdd || (in.op == Op::kSub && second_imm)) {
      if (second_imm) {
        const uint32_t disp = in.op == Op::kAdd ? in.a[1].v : 0u - in.a[1].v;
        a.lea(dst, x86::dword_ptr(first.r64(), static_cast<int32_t>(disp)));
      } else {
        a.lea(dst, x86::dword_ptr(first.r64(), second.r64()));
      }
      return;
    }
  }
  if (first.id() != dst.id()) a.mov(dst, first);
  if (in.op == Op::kAdc || in.op == Op::kSbb) {
    // The guest's CF into the host's, then the carrying op.
    if (in.a[2].is_imm()) {
      if (in.a[2].v & core::flags::kCf) {
        a.stc();
      } else {
        a.clc();
      }
    } else {
      a.bt(carry_src, 0);
    }
  }
  emit_op_in_place(in, sized(dst, size), second, host_of_read(r));
  // Keep the value zero-extended (movzx leaves the flags alone).
  if (size == 1) a.movzx(dst, dst.r8());
  if (size == 2) a.movzx(dst, dst.r16());
}

// An 8- or 16-bit op on a register's low part whose result goes straight
// back into that register (InsertLow16 of SHR.2 of it: SHR CX, 5 with ECX
// the rest) and nowhere else: the insert runs the op itself on the low
// part of the register, whose other bits x86's narrow ops leave alone. The
// op alone took a copy, the op and a zero extension, and the insert a copy
// and a move (the LZMA decoder's probability updates, at every bit).
void BlockEmitter::plan_narrow_inserts() {
  using ir::Op;
  const size_t n = block.insts.size();
  narrow_part_.assign(n, ir::kNoRef);
  for (ir::Ref j = 0; j < n; ++j) {
    const ir::Inst& ins = block.insts[j];
    if (ins.dead || skipped_[j] || ins.size != 4 || !ins.a[0].is_value() || !ins.a[1].is_value() ||
        (ins.op != Op::kInsertLow16 && ins.op != Op::kInsertLow8)) {
      continue;
    }
    const ir::Ref p = ins.a[1].v;
    const ir::Inst& op = block.insts[p];
    const unsigned size = ins.op == Op::kInsertLow16 ? 2 : 1;
    if (op.dead || skipped_[p] || result_kept_[p] || op.size != size || !op.a[0].is_value() ||
        op.a[0].v != ins.a[0].v || uses_[p].size() != 1) {
      continue;
    }
    bool fits = false;
    switch (op.op) {
      case Op::kAdd:
      case Op::kSub:
      case Op::kAnd:
      case Op::kOr:
      case Op::kXor: fits = op.a[1].is_imm() || op.a[1].is_value(); break;
      case Op::kShl:
      case Op::kShr:
      case Op::kSar: fits = op.a[1].is_imm(); break;
      case Op::kInc:
      case Op::kDec:
      case Op::kNeg:
      case Op::kNot: fits = true; break;
      default: break;
    }
    // Nothing is emitted between the op and the insert, which takes its place.
    for (ir::Ref k = p + 1; k < j && fits; ++k) fits = block.insts[k].dead || skipped_[k];
    if (!fits) continue;
    narrow_part_[j] = p;
    skipped_[p] = true;
    if (op.a[1].is_value()) ra.extend(op.a[1].v, j);
  }
}

// The op on d (already the first operand, at the op's size), with its
// second operand an immediate or `second` (ADC and SBB: the host CF set).
void BlockEmitter::emit_op_in_place(const ir::Inst& op, const x86::Gp& d, const x86::Gp& second,
                                    bool want_of) {
  using ir::Op;
  const asmjit::Imm imm(op.a[1].v);
  const bool second_imm = op.a[1].is_imm();
  auto binary = [&](auto form) {
    if (second_imm) {
      form(d, imm);
    } else {
      form(d, sized(second, op.size));
    }
  };
  switch (op.op) {
    case Op::kAdd: binary([&](auto x, auto y) { a.add(x, y); }); break;
    case Op::kSub: binary([&](auto x, auto y) { a.sub(x, y); }); break;
    case Op::kAnd: binary([&](auto x, auto y) { a.and_(x, y); }); break;
    case Op::kOr: binary([&](auto x, auto y) { a.or_(x, y); }); break;
    case Op::kXor: binary([&](auto x, auto y) { a.xor_(x, y); }); break;
    case Op::kAdc: binary([&](auto x, auto y) { a.adc(x, y); }); break;
    case Op::kSbb: binary([&](auto x, auto y) { a.sbb(x, y); }); break;
    case Op::kImul:
      if (second_imm) {
        a.imul(d, d, imm);
      } else {
        a.imul(d, sized(second, op.size));
      }
      break;
    case Op::kInc: a.inc(d); break;
    case Op::kDec: a.dec(d); break;
    case Op::kNeg: a.neg(d); break;
    case Op::kNot: a.not_(d); break;
    case Op::kShl:
    case Op::kShr:
    case Op::kSar:
    case Op::kRol:
    case Op::kRor: emit_shift_imm(op.op, d, op.a[1].v, want_of); break;
    default: throw std::logic_error(std::string("jit: no emitter for ") + ir::info(op.op).name);
  }
}

// (A FlagsFrom that is not emitted, only recomputed on exits, reads none.)
bool BlockEmitter::host_flags_read(ir::Ref r) const {
  for (const Use& u : uses_[r]) {
    if (block.insts[u.by].op == ir::Op::kFlagsFrom && u.arg == 0 && !skipped_[u.by]) return true;
  }
  return false;
}

bool BlockEmitter::only_host_flags_read(ir::Ref r) const {
  for (const Use& u : uses_[r]) {
    if (block.insts[u.by].op != ir::Op::kFlagsFrom || u.arg != 0) return false;
  }
  return !uses_[r].empty();
}

// Whether a FlagsFrom takes OF from the host flags r's op leaves.
bool BlockEmitter::host_of_read(ir::Ref r) const {
  for (const Use& u : uses_[r]) {
    const ir::Inst& user = block.insts[u.by];
    if (user.op == ir::Op::kFlagsFrom && (user.host_mask & core::flags::kOf) && !skipped_[u.by])
      return true;
  }
  return false;
}

// A shift or rotate by a constant. By more than one, the host's OF is
// undefined, and host CPUs differ (a Rocket Lake's failed the 286's C0
// forms that an earlier host passed): when OF is wanted, the last step is
// a shift by one, whose OF is defined and is what the interpreter's model
// gives (core/interp/shift.cpp), CF and the result unchanged.
void BlockEmitter::emit_shift_imm(ir::Op op, const x86::Gp& d, uint32_t count, bool want_of) {
  auto shift = [&](uint32_t n) {
    const asmjit::Imm imm(n);
    switch (op) {
      case ir::Op::kShl: a.shl(d, imm); break;
      case ir::Op::kShr: a.shr(d, imm); break;
      case ir::Op::kSar: a.sar(d, imm); break;
      case ir::Op::kRol: a.rol(d, imm); break;
      default: a.ror(d, imm); break;
    }
  };
  if (want_of && count > 1) {
    shift(count - 1);
    shift(1);
  } else {
    shift(count);
  }
}

// A 32-bit shift or rotate by a count in a register: the host wants it in
// CL. The operand goes through r10, RCX is saved in r11 around it; the
// moves leave the host flags as the shift set them, for FlagsFrom.
void BlockEmitter::emit_shift_by_value(ir::Ref r, const ir::Inst& in) {
  using ir::Op;
  if (in.a[0].is_imm()) {
    a.mov(kScratch0.r32(), in.a[0].v);
  } else {
    a.mov(kScratch0.r32(), ra.use(in.a[0].v));
  }
  const x86::Gp count = ra.use(in.a[1].v);
  const x86::Gp dst = ra.def(r);
  a.mov(kScratch1, x86::rcx);
  if (count.id() != x86::ecx.id()) a.mov(x86::ecx, count);
  switch (in.op) {
    case Op::kShl: a.shl(kScratch0.r32(), x86::cl); break;
    case Op::kShr: a.shr(kScratch0.r32(), x86::cl); break;
    case Op::kSar: a.sar(kScratch0.r32(), x86::cl); break;
    case Op::kRol: a.rol(kScratch0.r32(), x86::cl); break;
    default: a.ror(kScratch0.r32(), x86::cl); break;
  }
  a.mov(x86::rcx, kScratch1);
  a.mov(dst, kScratch0.r32());
}

bool host_has_lahf() {
  static const bool has = asmjit::CpuInfo::host().hasFeature(asmjit::CpuFeatures::X86::kLAHFSAHF);
  return has;
}

// Host flags -> guest flags value. The capture comes first, while the host
// flags are the op's: LAHF and SETO (a few times cheaper than PUSHFQ) put
// SF ZF AF PF CF and OF in AX, which is saved around them; the low byte of
// EFLAGS has LAHF's layout, and OF moves to bit 11. The merge with the old
// flags value follows.
void BlockEmitter::emit_flags_from(ir::Ref r, const ir::Inst& in) {
  precompute_conds(r);
  if (exit_captured_[r]) return;  // on its side exit's path (emit_exit_capture)
  if (lazy_.kind[r] >= 0) {
    emit_lazy_capture(r);
    return;
  }
  // The captured word has bit 1 set and bits 3, 5, 8-10 clear, as EFLAGS
  // has them, so with every status flag taken it needs no masking.
  constexpr uint32_t kStatusFlags = 0x8D5;
  bool masked = false;
  if (host_has_lahf()) {
    const bool save = !ra.is_free(x86::rax);
    if (save) a.mov(kScratch1, x86::rax);
    a.seto(x86::al);
    a.lahf();
    a.ror(x86::ax, 8);  // AL = the flags byte, AH = OF
    a.shl(x86::ah, 3);  // OF to bit 11 of AX
    a.movzx(kScratch0.r32(), x86::ax);
    if (save) a.mov(x86::rax, kScratch1);
    masked = in.host_mask == kStatusFlags;
  } else {
    a.pushfq();
    a.pop(kScratch0);
  }
  if (!masked) a.and_(kScratch0.r32(), in.host_mask);
  const x86::Gp old = reg_or_load(in.a[1], kScratch1);
  const x86::Gp dst = ra.def_over(r, in.a[1]);
  if (old.id() != dst.id()) a.mov(dst, old);
  a.and_(dst, ~(in.host_mask | in.zero_mask));
  a.or_(dst, kScratch0.r32());
}

// Conditions on this flags value that only read flags the host computed
// (host_mask) are taken from the host flags now, with SETcc, before the
// capture: a compare-and-branch then waits for the compare, not for the
// capture and a test of the captured word. Their values are defined here;
// emit() skips them later. Only up to a call (it would clobber them) or
// the block's end.
const std::vector<ir::Ref>& BlockEmitter::host_conds(ir::Ref r) const {
  static constexpr uint32_t kReads[8] = {0x800, 0x001, 0x040, 0x041, 0x080, 0x004, 0x880, 0x8C0};
  const ir::Inst& in = block.insts[r];
  std::vector<ir::Ref>& conds = conds_scratch_;
  conds.clear();
  for (const Use& use : uses_[r]) {  // (in program order)
    if (use.by >= barrier_[r]) break;
    const ir::Inst& u = block.insts[use.by];
    if (u.op != ir::Op::kCond || use.arg != 0) continue;
    if ((kReads[(u.aux >> 1) & 7] & ~in.host_mask) != 0) continue;
    conds.push_back(use.by);
  }
  return conds;
}

void BlockEmitter::precompute_conds(ir::Ref r) {
  for (const ir::Ref c : host_conds(r)) {
    precomputed_[c] = true;
    if (fused_[c]) continue;
    const ir::Inst& u = block.insts[c];
    const x86::Gp d = ra.def(c);
    const x86::Gp b = d.r8();
    const bool invert = u.aux & 1;
    switch (u.aux >> 1) {
      case 0: invert ? a.setno(b) : a.seto(b); break;
      case 1: invert ? a.setnb(b) : a.setb(b); break;
      case 2: invert ? a.setne(b) : a.sete(b); break;
      case 3: invert ? a.seta(b) : a.setbe(b); break;
      case 4: invert ? a.setns(b) : a.sets(b); break;
      case 5: invert ? a.setnp(b) : a.setp(b); break;
      case 6: invert ? a.setge(b) : a.setl(b); break;
      default: invert ? a.setg(b) : a.setle(b); break;
    }
    a.movzx(d, b);  // (MOVZX leaves the flags alone)
  }
}

// A condition code evaluated from a flags value held in a register.
void BlockEmitter::emit_cond(ir::Ref r, const ir::Inst& in) {
  const x86::Gp f = reg_or_load(in.a[0], kScratch0);
  const x86::Gp dst = ra.def(r);
  const bool invert = in.aux & 1;
  switch (in.aux >> 1) {
    case 0: a.bt(f, 11); break;  // O
    case 1: a.bt(f, 0); break;   // C
    case 2: a.test(f, 0x40); break;
    case 3: a.test(f, 0x41); break;
    case 4: a.test(f, 0x80); break;
    case 5: a.test(f, 0x04); break;
    case 6:  // L: SF != OF
      a.mov(kScratch1.r32(), f);
      a.shr(kScratch1.r32(), 4);
      a.xor_(kScratch1.r32(), f);
      a.test(kScratch1.r32(), 0x80);
      break;
    default:  // LE: ZF or SF != OF
      a.mov(kScratch1.r32(), f);
      a.shr(kScratch1.r32(), 4);
      a.xor_(kScratch1.r32(), f);
      a.and_(kScratch1.r32(), 0x80);
      a.mov(kScratch0.r32(), f);
      a.and_(kScratch0.r32(), 0x40);
      a.or_(kScratch1.r32(), kScratch0.r32());
      break;
  }
  const bool carry_style = (in.aux >> 1) <= 1;  // bt puts the bit in CF
  if (carry_style) {
    if (invert) {
      a.setnc(dst.r8());
    } else {
      a.setc(dst.r8());
    }
  } else if (invert) {
    a.setz(dst.r8());
  } else {
    a.setnz(dst.r8());
  }
  a.movzx(dst, dst.r8());
}

}  // namespace tx86::jit::x64
