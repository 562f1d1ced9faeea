#include "jit/frontend/translator.h"

#include <algorithm>
#include <cstring>

#include "core/decoder/decode_cache.h"
#include "core/decoder/decoder.h"
#include "jit/frontend/lowering.h"

namespace tx86::jit {

using core::Mnemonic;
using core::OperandKind;

bool ends_block(const core::DecodedInsn& insn) {
  if (insn.attrs & core::attr::kBranch) return true;
  switch (insn.mnemonic) {
    case Mnemonic::kLss:
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
    case Mnemonic::kMovToSeg:  // MOV SS and POP SS hold interrupts off for an instruction
    case Mnemonic::kPop:
      return insn.ops[0].kind == OperandKind::kSeg && insn.ops[0].reg == core::kSs;
    default: return false;
  }
}

bool may_leave(const core::DecodedInsn& insn) {
  switch (insn.mnemonic) {
    case Mnemonic::kMovToSeg:
    case Mnemonic::kLds:
    case Mnemonic::kLes:
    case Mnemonic::kLfs:
    case Mnemonic::kLgs:
    case Mnemonic::kCli:
    case Mnemonic::kSti:
    case Mnemonic::kPopf: return true;
    case Mnemonic::kPop: return insn.ops[0].kind == OperandKind::kSeg;
    default: return false;
  }
}

bool repeats(const core::DecodedInsn& insn) {
  return (insn.attrs & core::attr::kString) &&
         (insn.has(core::prefix::kRep) || insn.has(core::prefix::kRepne));
}

namespace {

// The parts of an instruction's context that come from the CPU's mode.
void set_mode(LowerContext& ctx, const CodeSnapshot& mode) {
  ctx.v86 = mode.v86;
  ctx.iopl_free = mode.iopl_free;
}

// A block of one instruction at CS:EIP that runs into the next page. Its
// bytes there come through that page's mapping, which may change under
// the block (a CR3 load) without the block cache seeing it. When the
// instruction is lowered, the block opens with a check of those bytes
// (ir::Op::kGuardCode), and leaves for the interpreter when they are not
// the ones translated here; otherwise the helper fetches the instruction
// again whenever the block runs (and decodes it again when its bytes
// changed). Such an instruction in a hot loop (the kernel's memcpy has
// one) used to go back to the dispatcher and a failed translation on
// every pass.
bool translate_straddling(core::Cpu& cpu, const CodeSnapshot& mode, const TranslateOptions& options,
                          ir::Builder& b, ir::Block& out) {
  uint8_t bytes[core::kMaxInsnLength];
  core::DecodedInsn insn;
  try {
    const unsigned avail = cpu.fetch_code(bytes, core::kMaxInsnLength);
    if (core::decode({bytes, avail}, mode.code32, insn) != core::DecodeStatus::kOk) return false;
  } catch (const core::GuestFault&) {
    return false;  // (the interpreter raises it)
  }
  const uint32_t lin = mode.cs_base + mode.eip;
  const uint32_t head = core::kPageSize - (lin & core::kPageMask);  // the bytes on this page
  const uint32_t next_eip = mode.eip + insn.length;
  ir::GuestInsn g{insn, mode.eip, {}};
  std::copy_n(bytes, insn.length, g.bytes.begin());
  out.guest.push_back(g);
  out.end_eip = next_eip;
  // (Only the bytes up to the page's end are the block's.)
  out.hi_eip = mode.eip + head;
  b.set_insn(0);

  const uint32_t tail = insn.length - head;
  if (options.lower && tail <= 8) {
    uint64_t expected = 0;
    std::memcpy(&expected, bytes + head, tail);
    b.emit(ir::Op::kGuardCode, 4, static_cast<uint8_t>(tail), ir::Arg::imm(lin + head),
           ir::Arg::imm(static_cast<uint32_t>(expected)),
           ir::Arg::imm(static_cast<uint32_t>(expected >> 32)));
    std::vector<uint32_t> returns;
    LowerContext ctx{b,        out,      out.guest[0].decoded, 0,
                     mode.eip, next_eip, mode.cs_limit,        mode.stack32};
    ctx.returns = &returns;
    set_mode(ctx, mode);
    ctx.may_continue = options.max_side_exits > 0;
    if (lower(ctx, insn)) {
      if (!ctx.ended) b.emit(ir::Op::kExitDirect, 4, 0, ir::Arg::imm(next_eip));
      return true;
    }
    out.insts.clear();
  }
  b.emit(ir::Op::kFallback, 4, ir::kFallbackFetch);
  b.emit(ir::Op::kExitStateEip, 4, 0);
  return true;
}

}  // namespace

CodeSnapshot snapshot_mode(const core::Cpu& cpu) {
  const core::CpuState& s = cpu.state;
  CodeSnapshot mode;
  mode.eip = s.eip;
  mode.cs_base = s.seg[core::kCs].base;
  mode.cs_limit = s.seg[core::kCs].limit;
  mode.code32 = s.code32();
  mode.stack32 = s.stack32();
  mode.v86 = s.flag(core::flags::kVm);
  mode.iopl_free = !s.protected_mode() || (!mode.v86 && cpu.cpl() == 0);
  return mode;
}

bool translate_block(core::Cpu& cpu, const TranslateOptions& options, ir::Block& out,
                     uint32_t& phys_page, core::DecodeCache* decoded) {
  core::CpuState& s = cpu.state;
  const core::SegmentCache& cs = s.seg[core::kCs];
  if (s.eip > cs.limit) return false;
  const uint32_t start_lin = cs.base + s.eip;

  // The whole page: a block may follow direct jumps and calls anywhere in
  // it (the block cache invalidates by page, so every byte a block was
  // decoded from is on its page). It is read in place: nothing writes guest
  // memory while a block is translated here (a copy of the page was a tenth
  // of the translation time). Translation beside the running guest works
  // on a copy (JitEngine::request).
  CodeSnapshot snapshot = snapshot_mode(cpu);
  if (cpu.debug.has_breakpoints()) {
    if (cpu.debug.has_breakpoint(start_lin)) return false;  // the interpreter stops there
    snapshot.breakpoints = &cpu.debug;
  }
  try {
    const uint32_t phys = cpu.mmu.translate(s, start_lin, core::Access::kExecute, cpu.cpl() == 3);
    phys_page = phys & ~core::kPageMask;
    // Only RAM and ROM hold code the JIT can track; anything else stays with
    // the interpreter.
    snapshot.page = cpu.mem.host_page_for_read(phys);
    if (snapshot.page == nullptr) return false;
  } catch (const core::GuestFault&) {
    return false;
  }
  bool straddles = false;
  if (translate_snapshot(snapshot, options, out, decoded, &straddles)) return true;
  if (!straddles) return false;
  ir::Builder b(out);
  return translate_straddling(cpu, snapshot, options, b, out);
}

bool translate_snapshot(const CodeSnapshot& snapshot, const TranslateOptions& options,
                        ir::Block& out, core::DecodeCache* decoded, bool* straddles) {
  const uint32_t start_eip = snapshot.eip;
  if (start_eip > snapshot.cs_limit) return false;
  const uint32_t start_lin = snapshot.cs_base + start_eip;
  const uint32_t page_lin = start_lin & ~core::kPageMask;
  const uint8_t* const bytes = snapshot.page;
  const uint32_t cs_base = snapshot.cs_base;
  const uint32_t cs_limit = snapshot.cs_limit;
  // The bytes an instruction at `eip` may use: to the end of the page or
  // of the CS limit.
  const auto room = [&](uint32_t eip) -> unsigned {
    const uint32_t page_room = core::kPageSize - ((cs_base + eip) & core::kPageMask);
    const uint64_t limit_room = uint64_t{cs_limit} - eip + 1;
    return static_cast<unsigned>(limit_room < page_room ? limit_room : page_room);
  };

  out = ir::Block{};
  out.start_eip = start_eip;
  out.lo_eip = out.hi_eip = start_eip;
  out.code32 = snapshot.code32;
  ir::Builder b(out);
  uint32_t eip = start_eip;
  uint32_t next_eip = start_eip;
  unsigned side_exits = 0;
  unsigned follows = 0;
  std::vector<uint32_t> returns;  // LowerContext::returns
  bool ended = false;
  bool last_may_leave = false;  // the last instruction is a kFallbackMayLeave
  while (out.guest.size() < options.max_insns) {
    // On to the next page or past the limit: the block ends here.
    if (eip > cs_limit || ((cs_base + eip) & ~core::kPageMask) != page_lin) break;
    if (snapshot.breakpoints != nullptr && !out.guest.empty() &&
        snapshot.breakpoints->has_breakpoint(cs_base + eip)) {
      break;
    }
    const unsigned avail = room(eip);
    if (avail == 0) break;
    const uint8_t* at = bytes + ((cs_base + eip) & core::kPageMask);
    core::DecodedInsn insn;
    const core::DecodeStatus st =
        decoded != nullptr ? decoded->decode(cs_base + eip, {at, avail}, snapshot.code32, insn)
                           : core::decode({at, avail}, snapshot.code32, insn);
    if (st == core::DecodeStatus::kNeedMore && out.guest.empty() && avail < core::kMaxInsnLength &&
        avail == core::kPageSize - ((cs_base + eip) & core::kPageMask)) {
      if (straddles != nullptr) *straddles = true;
      return false;
    }
    if (st == core::DecodeStatus::kNeedMore || st == core::DecodeStatus::kTooLong) break;
    const auto index = static_cast<uint16_t>(out.guest.size());
    ir::GuestInsn g{insn, eip, {}};
    std::copy_n(at, insn.length, g.bytes.begin());
    out.guest.push_back(g);
    b.set_insn(index);
    next_eip = eip + insn.length;
    out.lo_eip = std::min(out.lo_eip, eip);
    out.hi_eip = std::max(out.hi_eip, next_eip);

    LowerContext ctx{b, out, insn, index, eip, next_eip, cs_limit, snapshot.stack32};
    ctx.returns = &returns;
    set_mode(ctx, snapshot);
    ctx.may_continue = side_exits < options.max_side_exits;
    ctx.may_follow = follows < options.max_follows && index + 1u < options.max_insns;
    if (options.lower && st == core::DecodeStatus::kOk && lower(ctx, insn)) {
      last_may_leave = false;
      if (ctx.side_exit) ++side_exits;
      if (ctx.ended) {
        ended = true;
        break;
      }
      eip = next_eip;
      if (ctx.follow) {
        // A direct JMP or CALL to the same page: the block goes on there.
        const uint32_t target = ctx.follow_target;
        if (((cs_base + target) & ~core::kPageMask) == page_lin) {
          ++follows;
          eip = target;
        } else {
          b.emit(ir::Op::kExitDirect, 4, 0, ir::Arg::imm(target));
          ended = true;
          break;
        }
      }
      continue;
    }
    // A REP string instruction runs a bounded part of its iterations per
    // call; the block goes on only when it finished (ir::kFallbackMayRepeat).
    uint8_t aux = 0;
    if (st == core::DecodeStatus::kOk && repeats(insn)) aux |= ir::kFallbackMayRepeat;
    if (st == core::DecodeStatus::kOk && may_leave(insn)) aux |= ir::kFallbackMayLeave;
    b.emit(ir::Op::kFallback, 4, aux);
    // (The code-modified check after it leaves when it must; the last
    // instruction of a block has none, so it goes to the dispatcher.)
    last_may_leave = (aux & ir::kFallbackMayLeave) != 0;
    if (st != core::DecodeStatus::kOk || ends_block(insn)) {
      b.emit(ir::Op::kExitToDispatcher, 4, 0);
      ended = true;
      break;
    }
    eip = next_eip;
  }
  if (out.guest.empty()) return false;
  out.end_eip = eip;
  if (!ended) {
    b.set_insn(static_cast<uint16_t>(out.guest.size() - 1));
    if (last_may_leave) {
      b.emit(ir::Op::kExitToDispatcher, 4, 0);
    } else {
      b.emit(ir::Op::kExitDirect, 4, 0, ir::Arg::imm(out.end_eip));
    }
  }
  return true;
}

}  // namespace tx86::jit
