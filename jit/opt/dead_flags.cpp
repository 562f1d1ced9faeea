// Flag computations that a later one overwrites (passes.h). A FlagsFrom
// merges its op's flags into an older flags value; when it replaces every
// bit that the older value's own computation changed, it can merge into
// the value before that instead, and the older computation (often a whole
// CMP) dies unless something else reads it.
//
// The older value may also be a shift by CL's (lower_alu.cpp): its op's
// flags, OF worked out and ORed in, then a Select of those or the flags
// before (a count of 0 changes none). Status flags only, all of it: the
// ADD or CMP after such a shift overwrites them, and the whole computation
// (twenty host instructions a shift in the kernel's inflate loop) dies.
#include "jit/opt/passes.h"

#include "core/cpu/registers.h"

namespace tx86::jit::opt {

namespace {

// The bits a value may have set (all of them when that is not known).
uint32_t possible_bits(const ir::Block& b, const ir::Arg& a, unsigned depth) {
  if (a.is_imm()) return a.v;
  if (!a.is_value() || depth == 0) return ~uint32_t{0};
  const ir::Inst& in = b[a.v];
  const auto count = [](const ir::Arg& c) { return c.is_imm() && c.v < 32 ? c.v : 32u; };
  switch (in.op) {
    case ir::Op::kAnd:
      return possible_bits(b, in.a[0], depth - 1) & possible_bits(b, in.a[1], depth - 1);
    case ir::Op::kShl:
      return count(in.a[1]) < 32 ? possible_bits(b, in.a[0], depth - 1) << count(in.a[1])
                                 : ~uint32_t{0};
    case ir::Op::kShr:
      return count(in.a[1]) < 32 ? possible_bits(b, in.a[0], depth - 1) >> count(in.a[1])
                                 : ~uint32_t{0};
    default: return ~uint32_t{0};
  }
}

// A flags value that agrees with `flags` outside `covers` (the bits a
// FlagsFrom replaces), computed before it: `flags` itself when none is
// known.
ir::Arg older_flags(const ir::Block& b, ir::Arg flags, uint32_t covers, unsigned depth) {
  while (flags.is_value() && depth > 0) {
    --depth;
    const ir::Inst& in = b[flags.v];
    switch (in.op) {
      case ir::Op::kFlagsFrom:
        if (((in.host_mask | in.zero_mask) & ~covers) != 0) return flags;
        flags = in.a[1];
        continue;
      case ir::Op::kOr:
      case ir::Op::kXor:
        // Bits set or flipped inside `covers` only.
        if (in.size != 4) return flags;
        if ((possible_bits(b, in.a[1], 4) & ~covers) == 0) {
          flags = in.a[0];
          continue;
        }
        if ((possible_bits(b, in.a[0], 4) & ~covers) == 0) {
          flags = in.a[1];
          continue;
        }
        return flags;
      case ir::Op::kAnd:
        // Bits cleared inside `covers` only.
        if (in.size == 4 && in.a[1].is_imm() && (~in.a[1].v & ~covers) == 0) {
          flags = in.a[0];
          continue;
        }
        return flags;
      case ir::Op::kSelect: {
        const ir::Arg x = older_flags(b, in.a[1], covers, depth);
        const ir::Arg y = older_flags(b, in.a[2], covers, depth);
        if (x.kind != y.kind || x.v != y.v) return flags;
        flags = x;
        continue;
      }
      default: return flags;
    }
  }
  return flags;
}

}  // namespace

void eliminate_dead_flags(ir::Block& b) {
  constexpr unsigned kDepth = 16;
  for (ir::Ref r = 0; r < b.insts.size(); ++r) {
    ir::Inst& in = b[r];
    if (in.dead) continue;
    switch (in.op) {
      case ir::Op::kFlagsFrom:
        in.a[1] = older_flags(b, in.a[1], in.host_mask | in.zero_mask, kDepth);
        break;
      // Readers of one flag: DF (a string step after a DEC ECX: the DEC's
      // flags stay lazy, where merging them for DF cost a dozen host
      // instructions a loop), CF (ADC after an INC).
      case ir::Op::kDfDelta: in.a[0] = older_flags(b, in.a[0], ~core::flags::kDf, kDepth); break;
      case ir::Op::kAdc:
      case ir::Op::kSbb: in.a[2] = older_flags(b, in.a[2], ~core::flags::kCf, kDepth); break;
      default: break;
    }
  }
}

}  // namespace tx86::jit::opt
