// Constant folding (passes.h): a pure op whose inputs are all immediates
// becomes an immediate, chains of additions of constants combine, and a few
// identities (x + 0, x | 0, a Copy, the zero extension of a narrow load or
// op) become their input. Ops whose host flags a FlagsFrom reads are
// left alone: the backend must still run them.
#include <vector>

#include "jit/opt/passes.h"
#include "jit/opt/rewriter.h"

namespace tx86::jit::opt {

namespace {

using ir::Arg;
using ir::Op;

uint32_t mask_of(unsigned size) {
  return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

uint32_t sign_extend(uint32_t v, unsigned size) {
  if (size == 1) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(v)));
  if (size == 2) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(v)));
  return v;
}

// The value of an op on immediates, or false when it is not folded here.
bool evaluate(const ir::Inst& in, uint32_t& out) {
  const uint32_t x = in.a[0].v;
  const uint32_t y = in.a[1].v;
  const unsigned size = in.size;
  const uint32_t m = mask_of(size);
  switch (in.op) {
    case Op::kCopy: out = x; return true;
    case Op::kZeroExtend: out = x & m; return true;
    case Op::kSignExtend: out = sign_extend(x & m, size); return true;
    case Op::kExtractHigh8: out = (x >> 8) & 0xFF; return true;
    case Op::kInsertLow8: out = (x & ~0xFFu) | (y & 0xFF); return true;
    case Op::kInsertHigh8: out = (x & ~0xFF00u) | ((y & 0xFF) << 8); return true;
    case Op::kInsertLow16: out = (x & ~0xFFFFu) | (y & 0xFFFF); return true;
    case Op::kAdd: out = (x + y) & m; return true;
    case Op::kSub: out = (x - y) & m; return true;
    case Op::kAnd: out = x & y & m; return true;
    case Op::kOr: out = (x | y) & m; return true;
    case Op::kXor: out = (x ^ y) & m; return true;
    case Op::kInc: out = (x + 1) & m; return true;
    case Op::kDec: out = (x - 1) & m; return true;
    case Op::kNeg: out = (0 - x) & m; return true;
    case Op::kNot: out = ~x & m; return true;
    case Op::kShl: out = (x << (y & 31)) & m; return true;
    case Op::kShr: out = (x & m) >> (y & 31); return true;
    case Op::kSar:
      out = static_cast<uint32_t>(static_cast<int32_t>(sign_extend(x & m, size)) >> (y & 31)) & m;
      return true;
    case Op::kSelect: out = x != 0 ? y : in.a[2].v; return true;
    case Op::kLea: out = x + (y << in.aux) + in.a[2].v; return true;
    default: return false;
  }
}

// Ops whose result is their `size` bytes, zero-extended (ops.inc).
bool zero_extended_result(Op op) {
  switch (op) {
    case Op::kAdd:
    case Op::kAdc:
    case Op::kSub:
    case Op::kSbb:
    case Op::kAnd:
    case Op::kOr:
    case Op::kXor:
    case Op::kInc:
    case Op::kDec:
    case Op::kNeg:
    case Op::kNot:
    case Op::kShl:
    case Op::kShr:
    case Op::kSar:
    case Op::kRol:
    case Op::kRor:
    case Op::kImul: return true;
    default: return false;
  }
}

bool all_imm(const ir::Inst& in) {
  const unsigned n = ir::info(in.op).arg_count;
  for (unsigned i = 0; i < n; ++i) {
    if (!in.a[i].is_imm()) return false;
  }
  return true;
}

}  // namespace

void fold_constants(ir::Block& b) {
  std::vector<bool> flags_read(b.insts.size(), false);
  for (const ir::Inst& in : b.insts) {
    if (!in.dead && in.op == Op::kFlagsFrom && in.a[0].is_value()) flags_read[in.a[0].v] = true;
  }
  Rewriter rw(b);
  for (ir::Ref r = 0; r < b.insts.size(); ++r) {
    ir::Inst& in = b[r];
    if (in.dead) continue;
    rw.rewrite_args(in);
    if (ir::info(in.op).kind != ir::Kind::kPure || flags_read[r]) continue;
    // The zero extension of the low bits an insertion put in is that of the
    // inserted value (MOV CL, ...; MOVZX ECX, CL).
    if (in.op == Op::kZeroExtend && in.a[0].is_value()) {
      const ir::Inst& src = b[in.a[0].v];
      if ((src.op == Op::kInsertLow8 && in.size == 1) ||
          (src.op == Op::kInsertLow16 && in.size <= 2)) {
        in.a[0] = src.a[1];
      }
    }
    uint32_t v = 0;
    if (all_imm(in) && evaluate(in, v)) {
      rw.replace(b, r, Arg::imm(v));
      continue;
    }
    // (x +/- c1) +/- c2 becomes x + (c2 +/- c1), in 32 bits: stack
    // pointer arithmetic of a PUSH then a POP cancels out.
    if ((in.op == Op::kAdd || in.op == Op::kSub) && in.size == 4 && in.a[0].is_value() &&
        in.a[1].is_imm()) {
      const ir::Inst& inner = b[in.a[0].v];
      if ((inner.op == Op::kAdd || inner.op == Op::kSub) && inner.size == 4 &&
          inner.a[1].is_imm()) {
        const uint32_t c1 = inner.op == Op::kAdd ? inner.a[1].v : 0 - inner.a[1].v;
        const uint32_t c2 = in.op == Op::kAdd ? in.a[1].v : 0 - in.a[1].v;
        in.op = Op::kAdd;
        in.a[0] = inner.a[0];
        in.a[1] = Arg::imm(c1 + c2);
      }
    }
    // A narrow load's or arithmetic op's value is zero-extended already
    // (ops.inc): MOVZX of it is the value itself.
    if (in.op == Op::kZeroExtend && in.a[0].is_value()) {
      const ir::Inst& src = b[in.a[0].v];
      if ((src.op == Op::kLoad || zero_extended_result(src.op)) && src.size <= in.size) {
        rw.replace(b, r, in.a[0]);
        continue;
      }
    }
    // Identities that keep a full 32-bit value unchanged.
    const bool zero_right = in.a[1].is_imm() && in.a[1].v == 0 && in.size == 4;
    if (in.op == Op::kCopy ||
        (zero_right && (in.op == Op::kAdd || in.op == Op::kSub || in.op == Op::kOr ||
                        in.op == Op::kXor || in.op == Op::kShl || in.op == Op::kShr))) {
      rw.replace(b, r, in.a[0]);
    }
  }
}

}  // namespace tx86::jit::opt
