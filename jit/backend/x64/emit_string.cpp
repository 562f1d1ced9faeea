// RepString: REP MOVS/STOS and REPE/REPNE CMPS/SCAS with 32-bit addresses.
//
// The common case (memcpy, memset, memcmp, memchr of a few bytes to a
// page) runs inline on the host's own string instruction over host memory:
// when DF is clear, both operands' segments are flat, and the whole run
// stays inside one page of each operand that the TLB maps for the access,
// the instruction completes in one go, as the interpreter's single step
// would (at most 4096 iterations: one step). The host instruction gives
// exactly the guest's results: the same iteration order for overlapping
// copies, the same stop for REPE/REPNE, ECX left as the guest's, and the
// status flags of the last comparison. Everything else (DF set, a run
// crossing a page, a TLB miss, MMIO, a page holding translated code, a
// write journal) takes the interpreter's path, the Fallback's.
//
// RepString is a call barrier: guest state is in CpuState, and every
// caller-saved host register is free here.
#include "core/cpu/registers.h"
#include "core/mem/mmu.h"
#include "jit/backend/x64/block_emitter.h"

namespace tx86::jit::x64 {

namespace {

using core::Mnemonic;

enum class StringOp : uint8_t { kMovs, kStos, kCmps, kScas };

bool flat(const EmitContext& ctx, unsigned seg) {
  return (ctx.flat_segments >> seg) & 1u;
}

}  // namespace

void BlockEmitter::emit_rep_string(const ir::Inst& in) {
  const core::DecodedInsn& d = block.guest[in.insn].decoded;
  StringOp op = StringOp::kMovs;
  switch (d.mnemonic) {
    case Mnemonic::kStos: op = StringOp::kStos; break;
    case Mnemonic::kCmps: op = StringOp::kCmps; break;
    case Mnemonic::kScas: op = StringOp::kScas; break;
    default: break;
  }
  const bool reads_source = op == StringOp::kMovs || op == StringOp::kCmps;
  const unsigned size = d.ops[op == StringOp::kScas ? 1 : 0].size;
  const unsigned shift = size == 4 ? 2 : size == 2 ? 1 : 0;
  const uint8_t src_seg = d.seg_override != core::kNoReg ? d.seg_override : uint8_t{core::kDs};

  sync_icount(in.insn);
  if (!flat(ctx, core::kEs) || (reads_source && !flat(ctx, src_seg))) {
    emit_fallback_call(in, true);
    return;
  }

  asmjit::Label slow = a.newLabel();
  asmjit::Label done = a.newLabel();
  const x86::Gp count = x86::rcx;
  const x86::Gp bytes = x86::r9;  // the run's length in bytes
  load_guest(count.r32(), core::kEcx);
  a.test(count.r32(), count.r32());
  a.jz(done);  // no iterations: nothing changes, not even the flags
  a.test(state_dword(kOffEflags), core::flags::kDf);
  a.jnz(slow);
  a.cmp(count.r32(), core::kPageSize >> shift);
  a.ja(slow);
  a.mov(bytes.r32(), count.r32());
  if (shift != 0) a.shl(bytes.r32(), shift);

  // The run [lin, lin + bytes) of one operand must stay in lin's page (in
  // 64 bits, so a run wrapping past 4 GiB fails too); then `host` = its
  // host address.
  auto map_run = [&](const x86::Gp& host, uint32_t gpr, bool write) {
    load_guest(host.r32(), gpr);
    a.lea(x86::rax, x86::qword_ptr(host, bytes, 0, -1));
    a.xor_(x86::rax, host);
    a.cmp(x86::rax, core::kPageMask);
    a.ja(slow);
    tlb_lookup(host.r32(), 1, write, x86::eax, slow);
    a.add(host, kScratch1);
  };
  map_run(x86::rdi, core::kEdi, op == StringOp::kMovs || op == StringOp::kStos);
  if (reads_source) map_run(x86::rsi, core::kEsi, false);
  if (op == StringOp::kStos || op == StringOp::kScas) load_guest(x86::eax, core::kEax);
  a.mov(x86::r8d, count.r32());  // the count before

  const x86::Mem at_rsi = x86::ptr(x86::rsi, 0, size);
  const x86::Mem at_rdi = x86::ptr(x86::rdi, 0, size);
  x86::Gp acc = x86::eax;
  if (size == 2) acc = x86::ax;
  if (size == 1) acc = x86::al;
  const bool repne = d.has(core::prefix::kRepne);
  switch (op) {
    case StringOp::kMovs: a.rep().movs(at_rdi, at_rsi); break;
    case StringOp::kStos: a.rep().stos(at_rdi, acc); break;
    case StringOp::kCmps:
      if (repne) {
        a.repne().cmps(at_rsi, at_rdi);
      } else {
        a.repe().cmps(at_rsi, at_rdi);
      }
      break;
    case StringOp::kScas:
      if (repne) {
        a.repne().scas(acc, at_rdi);
      } else {
        a.repe().scas(acc, at_rdi);
      }
      break;
  }

  if (op == StringOp::kCmps || op == StringOp::kScas) {
    // The status flags of the last comparison, before anything else
    // touches the host's.
    constexpr uint32_t kStatusFlags = 0x8D5;
    a.pushfq();
    a.pop(kScratch0);
    a.and_(kScratch0.r32(), kStatusFlags);
    a.mov(kScratch1.r32(), state_dword(kOffEflags));
    a.and_(kScratch1.r32(), ~kStatusFlags);
    a.or_(kScratch1.r32(), kScratch0.r32());
    a.mov(state_dword(kOffEflags), kScratch1.r32());
    // Iterations done: the count before minus what is left.
    a.sub(x86::r8d, count.r32());
    if (shift != 0) a.shl(x86::r8d, shift);
    a.mov(bytes.r32(), x86::r8d);
  }
  store_guest(core::kEcx, count.r32());
  add_guest(core::kEdi, bytes.r32());
  if (reads_source) add_guest(core::kEsi, bytes.r32());
  a.jmp(done);

  a.bind(slow);
  emit_fallback_call(in, true);
  a.bind(done);
}

}  // namespace tx86::jit::x64
