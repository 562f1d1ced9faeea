#include "jit/frontend/translator.h"

#include <algorithm>

#include "core/decoder/decoder.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

using core::Mnemonic;
using core::OperandKind;

bool ends_block(const core::DecodedInsn& insn) {
  if (insn.attrs & core::attr::kBranch) return true;
  switch (insn.mnemonic) {
    case Mnemonic::kMovToSeg:
    case Mnemonic::kLds:
    case Mnemonic::kLes:
    case Mnemonic::kLss:
    case Mnemonic::kLfs:
    case Mnemonic::kLgs:
    case Mnemonic::kCli:
    case Mnemonic::kSti:
    case Mnemonic::kPopf:
    case Mnemonic::kHlt:
    case Mnemonic::kLgdt:
    case Mnemonic::kLidt:
    case Mnemonic::kLldt:
    case Mnemonic::kLtr:
    case Mnemonic::kLmsw:
    case Mnemonic::kClts:
    case Mnemonic::kMovToCr:
    case Mnemonic::kMovToDr:
    case Mnemonic::kInvlpg:
    case Mnemonic::kInvd:
    case Mnemonic::kWbinvd:
    case Mnemonic::kWrmsr:
    case Mnemonic::kInvalid:
    case Mnemonic::kUd2: return true;
    case Mnemonic::kPop:  // POP SS/DS/ES/FS/GS
      return insn.ops[0].kind == OperandKind::kSeg;
    default: return false;
  }
}

bool repeats(const core::DecodedInsn& insn) {
  return (insn.attrs & core::attr::kString) &&
         (insn.has(core::prefix::kRep) || insn.has(core::prefix::kRepne));
}

bool translate_block(core::Cpu& cpu, const TranslateOptions& options, ir::Block& out,
                     uint32_t& phys_page) {
  core::CpuState& s = cpu.state;
  const core::SegmentCache& cs = s.seg[core::kCs];
  const uint32_t start_eip = s.eip;
  if (start_eip > cs.limit) return false;
  const uint32_t start_lin = cs.base + start_eip;

  // The bytes from EIP to the end of its page (and of CS), read once.
  uint8_t bytes[core::kPageSize];
  const uint32_t page_room = core::kPageSize - (start_lin & core::kPageMask);
  const uint64_t limit_room = uint64_t{cs.limit} - start_eip + 1;
  const unsigned avail = static_cast<unsigned>(limit_room < page_room ? limit_room : page_room);
  try {
    const uint32_t phys = cpu.mmu.translate(s, start_lin, core::Access::kExecute, cpu.cpl() == 3);
    phys_page = phys & ~core::kPageMask;
    // Only RAM and ROM hold code the JIT can track; anything else stays with
    // the interpreter.
    if (cpu.mem.host_page_for_read(phys) == nullptr) return false;
    cpu.mem.read_block(phys, {bytes, avail});
  } catch (const core::GuestFault&) {
    return false;
  }

  out = ir::Block{};
  out.start_eip = start_eip;
  out.code32 = s.code32();
  ir::Builder b(out);
  unsigned offset = 0;
  unsigned side_exits = 0;
  bool ended = false;
  while (out.guest.size() < options.max_insns && offset < avail) {
    core::DecodedInsn insn;
    const core::DecodeStatus st = core::decode({bytes + offset, avail - offset}, s.code32(), insn);
    if (st == core::DecodeStatus::kNeedMore || st == core::DecodeStatus::kTooLong) break;
    const auto index = static_cast<uint16_t>(out.guest.size());
    const uint32_t eip = start_eip + offset;
    ir::GuestInsn g{insn, eip, {}};
    std::copy_n(bytes + offset, insn.length, g.bytes.begin());
    out.guest.push_back(g);
    b.set_insn(index);
    offset += insn.length;

    LowerContext ctx{b, out, insn, index, eip, eip + insn.length, cs.limit, s.stack32()};
    ctx.may_continue = side_exits < options.max_side_exits;
    if (options.lower && st == core::DecodeStatus::kOk && lower(ctx, insn)) {
      if (ctx.side_exit) ++side_exits;
      if (ctx.ended) {
        ended = true;
        break;
      }
      continue;
    }
    // A REP string instruction runs a bounded part of its iterations per
    // call; the block goes on only when it finished (ir::kFallbackMayRepeat).
    b.emit(ir::Op::kFallback, 4,
           st == core::DecodeStatus::kOk && repeats(insn) ? ir::kFallbackMayRepeat : 0);
    if (st != core::DecodeStatus::kOk || ends_block(insn)) {
      b.emit(ir::Op::kExitToDispatcher, 4, 0);
      ended = true;
      break;
    }
  }
  if (out.guest.empty()) return false;
  out.end_eip = start_eip + offset;
  if (!ended) {
    b.set_insn(static_cast<uint16_t>(out.guest.size() - 1));
    b.emit(ir::Op::kExitDirect, 4, 0, ir::Arg::imm(out.end_eip));
  }
  return true;
}

}  // namespace tx86::jit
