// X87: a guest x87 instruction run natively on the host's x87.
//
// The guest's x87 state moves into the host's x87 (FRSTOR) at the first
// such instruction and stays there, across instructions and chained
// blocks, until C++ code that may look at it runs: the dispatcher after
// each return from translated code, and the Fallback helper, both save it
// back (sync_fpu). While it is there CpuState::fpu_live is set. The load is
// allowed only with every x87 exception masked and CR0.EM and TS clear
// (core/fpu/host_x87.h), so a native instruction can neither trap on the
// host nor leave something pending. FLDCW runs natively and puts the state
// back when its control word unmasks an exception; the other control
// instructions that could change that (FLDENV, FRSTOR, ...) are not
// translated.
//
// The instruction's own bytes run, its memory operand rewritten to the
// host address the inline TLB lookup gives (flat segments; the operand must
// not cross a page). The last-instruction pointers are the guest's: each
// instruction stores its opcode, CS:EIP and operand address into
// CpuState::fpu, which the save keeps. Anything else — no load allowed, a
// segment that is not flat, a TLB miss, MMIO, a page holding code — runs
// the Fallback's path for this instruction. FCMOVcc reads and FCOMI writes
// the guest's EFLAGS in CpuState (SAHF before, LAHF after).
//
// X87 is a call barrier: guest state is in CpuState, and every
// caller-saved host register is free here.
#include "core/fpu/x87_forms.h"
#include "jit/backend/x64/block_emitter.h"
#include "jit/runtime/helpers.h"

namespace tx86::jit::x64 {

namespace {

constexpr int32_t kOffFpu = static_cast<int32_t>(offsetof(core::CpuState, fpu));
constexpr int32_t kOffFpuLive = static_cast<int32_t>(offsetof(core::CpuState, fpu_live));
constexpr int32_t kOffFop = kOffFpu + static_cast<int32_t>(offsetof(core::FpuState, fop));
constexpr int32_t kOffFcs = kOffFpu + static_cast<int32_t>(offsetof(core::FpuState, fcs));
constexpr int32_t kOffFds = kOffFpu + static_cast<int32_t>(offsetof(core::FpuState, fds));
constexpr int32_t kOffFip = kOffFpu + static_cast<int32_t>(offsetof(core::FpuState, fip));
constexpr int32_t kOffFdp = kOffFpu + static_cast<int32_t>(offsetof(core::FpuState, fdp));
constexpr int32_t kOffSelector = static_cast<int32_t>(offsetof(core::SegmentCache, selector));
constexpr uint32_t kFcomiSets = core::flags::kZf | core::flags::kPf | core::flags::kCf;
constexpr uint32_t kFcomiWrites =
    kFcomiSets | core::flags::kOf | core::flags::kSf | core::flags::kAf;

// Emits escape byte `esc` with ModRM reg field `reg` addressing [kScratch1]
// (r11: REX.B and r/m 011, no SIB or displacement).
void emit_at_scratch1(x86::Assembler& a, uint8_t esc, unsigned reg) {
  const uint32_t id = kScratch1.id();
  if (id >= 8) a.embedUInt8(0x41);
  a.embedUInt8(esc);
  a.embedUInt8(static_cast<uint8_t>(((reg & 7u) << 3) | (id & 7u)));
}

x86::Mem selector_of(unsigned seg) {
  return x86::word_ptr(kState, kOffSeg + static_cast<int32_t>(seg) * kSegSize + kOffSelector);
}

}  // namespace

void BlockEmitter::emit_x87(const ir::Inst& in) {
  const ir::GuestInsn& g = block.guest[in.insn];
  const core::DecodedInsn& d = g.decoded;
  const core::X87Form form = core::x87_form(d.opcode, d.modrm);
  const bool fnstsw_ax = form.kind == core::X87Kind::kFnstswAx;
  const bool memory = !fnstsw_ax && d.modrm < 0xC0;
  const uint8_t seg = d.mem.seg;
  sync_icount(in.insn);
  if (memory && !((ctx.flat_segments >> seg) & 1u)) {
    emit_fallback_call(in, false);
    return;
  }

  asmjit::Label enter = a.newLabel();
  asmjit::Label native = a.newLabel();
  asmjit::Label fallback = a.newLabel();
  asmjit::Label done = a.newLabel();
  asmjit::Label unmasked = a.newLabel();
  a.cmp(x86::byte_ptr(kState, kOffFpuLive), 0);
  a.je(enter);
  a.bind(native);
  if (fnstsw_ax) {
    // Straight into AX in CpuState (DD /7 is FNSTSW m16).
    a.lea(kScratch1, gpr_mem(core::kEax));
    emit_at_scratch1(a, 0xDD, 7);
    if (pinned_host(core::kEax) >= 0) a.mov(pinned_reg(core::kEax).r16(), x86::word_ptr(kScratch1));
  } else if (memory) {
    // The effective address, from the guest registers in CpuState.
    const x86::Gp ea = kScratch0.r32();
    a.mov(ea, d.mem.disp);
    if (d.mem.base != core::kNoReg) {
      load_guest(x86::edx, d.mem.base);
      a.add(ea, x86::edx);
    }
    if (d.mem.index != core::kNoReg) {
      load_guest(x86::eax, d.mem.index);
      if (d.mem.scale != 0) a.shl(x86::eax, d.mem.scale);
      a.add(ea, x86::eax);
    }
    a.mov(x86::ecx, ea);  // (the flat segment: linear = offset)
    const unsigned bytes = form.load != 0 ? form.load : form.store;
    tlb_lookup(ea, bytes, form.store != 0, x86::edx, fallback);
    a.add(kScratch1, kScratch0);
    emit_at_scratch1(a, d.opcode, d.modrm >> 3);
    if (form.kind == core::X87Kind::kFldcw) {
      // A control word that unmasks an exception may not stay on the host
      // (an exception already flagged would trap at the next instruction):
      // the state goes back to CpuState, and the interpreter takes it from
      // there.
      a.movzx(x86::eax, x86::word_ptr(kScratch1));
      a.and_(x86::eax, core::fsw::kExceptions);
      a.cmp(x86::eax, core::fsw::kExceptions);
      a.jne(unmasked);
    }
    if (!form.control()) {  // FLDCW and FNSTCW leave the data pointer alone
      a.mov(state_dword(kOffFdp), x86::ecx);
      a.movzx(x86::eax, selector_of(seg));
      a.mov(x86::word_ptr(kState, kOffFds), x86::ax);
    }
  } else {
    if (form.fcmov) {
      // The guest's CF ZF PF into the host's flags (SAHF takes them from AH).
      a.movzx(x86::eax, x86::byte_ptr(kState, kOffEflags));
      a.shl(x86::eax, 8);
      a.sahf();
    }
    a.embedUInt8(d.opcode);
    a.embedUInt8(d.modrm);
    if (form.fcomi) {
      // ZF PF CF from the compare; OF SF AF cleared (SDM Vol. 2, FCOMI).
      a.lahf();
      a.shr(x86::eax, 8);
      a.and_(x86::eax, kFcomiSets);
      a.mov(x86::ecx, state_dword(kOffEflags));
      a.and_(x86::ecx, ~kFcomiWrites);
      a.or_(x86::ecx, x86::eax);
      a.mov(state_dword(kOffEflags), x86::ecx);
    }
  }
  if (!form.control()) {
    a.mov(x86::word_ptr(kState, kOffFop), static_cast<uint32_t>(((d.opcode & 7u) << 8) | d.modrm));
    a.mov(state_dword(kOffFip), block.code32 ? g.eip : g.eip & 0xFFFFu);
    a.movzx(x86::eax, selector_of(core::kCs));
    a.mov(x86::word_ptr(kState, kOffFcs), x86::ax);
  }
  a.bind(done);

  add_stub([this, enter, native, fallback] {
    a.bind(enter);
    a.mov(x86::rdi, kState);
    a.call(reinterpret_cast<uint64_t>(&helper_x87_enter));
    a.test(x86::eax, x86::eax);
    a.jnz(native);
    a.jmp(fallback);
  });
  if (form.kind == core::X87Kind::kFldcw) {
    add_stub([this, unmasked, done] {
      a.bind(unmasked);
      a.mov(x86::rdi, kState);
      a.call(reinterpret_cast<uint64_t>(&helper_x87_leave));
      a.jmp(done);
    });
  }
  add_stub([this, in, fallback, done] {
    a.bind(fallback);
    emit_fallback_call(in, false);
    a.jmp(done);
  });
}

}  // namespace tx86::jit::x64
