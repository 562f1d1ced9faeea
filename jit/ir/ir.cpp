#include "jit/ir/ir.h"

#include <fmt/format.h>

namespace tx86::jit::ir {

namespace {
constexpr OpInfo kInfo[] = {
#define OP(name, result, args, kind) {#name, result, args, Kind::kind},
#include "jit/ir/ops.inc"
#undef OP
};

const char* const kRegNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
const char* const kSegNames[6] = {"es", "cs", "ss", "ds", "fs", "gs"};

std::string arg_text(const Arg& a) {
  switch (a.kind) {
    case Arg::Kind::kValue: return fmt::format("%{}", a.v);
    case Arg::Kind::kImm: return fmt::format("#{:x}", a.v);
    default: return "";
  }
}
}  // namespace

const OpInfo& info(Op op) {
  return kInfo[static_cast<size_t>(op)];
}

Ref Builder::emit(Op op, uint8_t size, uint8_t aux, Arg a0, Arg a1, Arg a2) {
  Inst i;
  i.op = op;
  i.size = size;
  i.aux = aux;
  i.insn = insn_;
  i.a[0] = a0;
  i.a[1] = a1;
  i.a[2] = a2;
  block_.insts.push_back(i);
  return static_cast<Ref>(block_.insts.size() - 1);
}

Ref Builder::flags_from(Ref op, Ref old_flags, uint32_t host_mask, uint32_t zero_mask) {
  const Ref r = emit(Op::kFlagsFrom, 4, 0, Arg::value(op), Arg::value(old_flags));
  block_.insts[r].host_mask = host_mask;
  block_.insts[r].zero_mask = zero_mask;
  return r;
}

std::string dump(const Block& b) {
  std::string out;
  for (Ref r = 0; r < b.insts.size(); ++r) {
    const Inst& i = b.insts[r];
    if (i.dead) continue;
    const OpInfo& oi = info(i.op);
    std::string line = oi.has_result ? fmt::format("%{} = ", r) : std::string();
    line += oi.name;
    if (i.op == Op::kGetReg || i.op == Op::kSetReg)
      line += fmt::format(" {}", kRegNames[i.aux & 7]);
    if (i.op == Op::kLoad || i.op == Op::kStore)
      line += fmt::format(".{} {}", i.size, kSegNames[i.aux % 6]);
    if (i.op == Op::kCond) line += fmt::format(" cc{:x}", i.aux);
    if (oi.kind == Kind::kPure && i.op != Op::kCond && i.op != Op::kFlagsFrom &&
        i.op != Op::kCopy && i.op != Op::kSelect) {
      line += fmt::format(".{}", i.size);
    }
    for (int k = 0; k < oi.arg_count; ++k) line += (k == 0 ? " " : ", ") + arg_text(i.a[k]);
    if (i.op == Op::kFlagsFrom)
      line += fmt::format(" host={:03x} zero={:03x}", i.host_mask, i.zero_mask);
    if (i.op == Op::kLea) line += fmt::format(" scale={}", 1u << i.aux);
    if (i.op == Op::kFallback || i.op == Op::kRepString || i.op == Op::kX87)
      line += fmt::format(" insn {}", i.insn);
    if ((i.op == Op::kSetFlags && i.aux == kSetFlagsDeferred) ||
        (i.op == Op::kSetReg && (i.aux & kSetRegDeferred))) {
      line += " deferred";
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace tx86::jit::ir
