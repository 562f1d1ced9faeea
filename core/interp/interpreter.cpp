#include "core/interp/interpreter.h"

#include <fmt/format.h>

#include <span>

#include "core/decoder/decoder.h"
#include "core/interp/handlers.h"
#include "core/trace/tracer.h"

namespace tx86::core {

namespace {

constexpr uint32_t kDr6SingleStep = 1u << 14;

std::string describe(const CpuState& s, const DecodedInsn& insn) {
  return fmt::format("{} (opcode {}{:02X}) at {:04X}:{:08X}", mnemonic_name(insn.mnemonic),
                     insn.map == OpcodeMap::k0F ? "0F " : "", insn.opcode, s.seg[kCs].selector,
                     s.eip);
}

// Instruction breakpoints (DR7 R/W = 00) match the linear address of the
// first byte; they are faults, suppressed while EFLAGS.RF is set.
void check_instruction_breakpoints(Cpu& cpu) {
  CpuState& s = cpu.state;
  const uint32_t dr7 = s.dr[7];
  if (!(dr7 & 0xFF) || s.flag(flags::kRf)) return;
  const uint32_t lin = s.seg[kCs].base + s.eip;
  uint32_t hits = 0;
  for (unsigned n = 0; n < 4; ++n) {
    if ((dr7 & (3u << (2 * n))) && ((dr7 >> (16 + 4 * n)) & 3) == 0 && s.dr[n] == lin) {
      hits |= 1u << n;
    }
  }
  if (hits != 0) {
    s.dr[6] |= hits;
    raise_fault(vec::kDb);
  }
}

// LOCK is allowed only on the read-modify-write forms with a memory
// destination (SDM Vol. 2, "LOCK").
bool lock_allowed(const DecodedInsn& insn) {
  return (insn.attrs & attr::kLock) && insn.ops[0].kind == OperandKind::kMem;
}

bool is_software_interrupt(Mnemonic m) {
  return m == Mnemonic::kInt || m == Mnemonic::kInt3 || m == Mnemonic::kInto ||
         m == Mnemonic::kInt1;
}

// The handlers, looked up once: handler_table() is a call and a guard check
// for every instruction otherwise. (Nothing runs instructions during static
// initialization.)
const interp::HandlerTable& handlers = interp::handler_table();

}  // namespace

void raise_decode_fault(Cpu& cpu, DecodeStatus st, unsigned avail) {
  switch (st) {
    case DecodeStatus::kNeedMore:  // past the CS limit or onto a page that faults
      cpu.fetch_fault(avail);
    case DecodeStatus::kTooLong: raise_fault(vec::kGp, 0);
    case DecodeStatus::kOk:  // (not a fault: callers do not pass it)
    case DecodeStatus::kInvalid: break;
  }
  raise_fault(vec::kUd);
}

void run_decoded(Cpu& cpu, const DecodedInsn& insn, uint32_t start_eip) {
  CpuState& s = cpu.state;
  // SSE is not part of this CPU model: #UD, as on a Pentium MMX. (MMX
  // handlers make their own CR0 checks, core/interp/mmx.cpp.)
  if (insn.attrs & attr::kSse) raise_fault(vec::kUd);
  if (insn.has(prefix::kLock) && !lock_allowed(insn)) raise_fault(vec::kUd);
  // x87 escapes with CR0.EM or CR0.TS set raise #NM before anything else,
  // so an OS can emulate the FPU or switch its context lazily.
  if ((insn.attrs & attr::kX87) && (s.cr0 & (cr0::kEm | cr0::kTs))) raise_fault(vec::kNm);

  const interp::Handler handler = handlers[static_cast<size_t>(insn.mnemonic)];
  if (handler == nullptr) throw Unimplemented{"instruction " + describe(s, insn)};
  s.eip = start_eip + insn.length;
  // Handlers compute the status flags before writing their result; a
  // faulting write must leave them as they were (exceptions are precise).
  const uint32_t eflags = s.eflags;
  try {
    handler(cpu, insn);
  } catch (const GuestFault&) {
    s.eflags = eflags;
    throw;
  }
}

bool Interpreter::execute(Cpu& cpu, GuestFault& out) {
  CpuState& s = cpu.state;
  const uint32_t start_eip = s.eip;
  const bool single_step = s.flag(flags::kTf);
  s.debug_shadow = false;
  Mnemonic executed = Mnemonic::kInvalid;
  try {
    decode_cache_.prefetch(s.seg[kCs].base + start_eip);
    check_instruction_breakpoints(cpu);
    uint8_t bytes[kMaxInsnLength];
    std::span<const uint8_t> code;
    if (const uint8_t* in_place = cpu.code_in_place(kMaxInsnLength)) {
      code = {in_place, kMaxInsnLength};
    } else if (!cpu.fetch_page_or_fault(out)) {
      s.debug_trap = 0;  // (as for a fault thrown, below)
      return false;
    } else {
      code = {bytes, cpu.fetch_code(bytes, kMaxInsnLength)};
    }
    const unsigned avail = static_cast<unsigned>(code.size());
    const DecodedInsn* insn = nullptr;
    const DecodeStatus st =
        decode_cache_.lookup(s.seg[kCs].base + start_eip, code, s.code32(), insn);
    if (tracer_ != nullptr) tracer_->trace(s, code);
    if (st != DecodeStatus::kOk) raise_decode_fault(cpu, st, avail);
    executed = insn->mnemonic;
    run_decoded(cpu, *insn, start_eip);
  } catch (const GuestFault& fault) {
    s.eip = start_eip;
    s.debug_trap = 0;  // a faulting instruction reports no data breakpoint hits
    out = fault;
    return false;
  } catch (const Unimplemented&) {
    s.eip = start_eip;
    throw;
  }

  // The instruction completed. RF only lasts one instruction (IRET may
  // have just loaded it for the next one).
  if (executed != Mnemonic::kIret) s.eflags &= ~flags::kRf;
  // Single step traps after the instruction, except after a software
  // interrupt, whose handler runs with TF clear.
  if (single_step && !(is_software_interrupt(executed) && !s.flag(flags::kTf))) {
    s.debug_trap |= kDr6SingleStep;
  }
  return true;
}

void Interpreter::step(Cpu& cpu) {
  CpuState& s = cpu.state;
  GuestFault fault{};
  if (!execute(cpu, fault)) {
    cpu.deliver_exception(fault);
    return;
  }
  if (s.debug_trap != 0 && !s.debug_shadow) {
    s.dr[6] |= s.debug_trap;
    s.debug_trap = 0;
    cpu.deliver_exception(GuestFault{vec::kDb, false, 0});
  }
}

StopReason Interpreter::run(Cpu& cpu, uint64_t max_insns) {
  CpuState& s = cpu.state;
  try {
    for (uint64_t n = 0; n < max_insns; ++n) {
      if (cpu.stop_requested()) return StopReason::kStopRequested;
      cpu.poll_interrupts();
      if (cpu.in_shutdown()) return StopReason::kShutdown;
      if (s.halted) return StopReason::kHalted;
      if (cpu.debug.armed()) {
        if (cpu.debug.breaks_at(s.seg[kCs].base + s.eip)) return StopReason::kDebug;
        step(cpu);
        ++s.icount;
        if (cpu.in_shutdown()) return StopReason::kShutdown;
        if (cpu.debug.hit_pending()) return StopReason::kDebug;
        continue;
      }
      step(cpu);
      ++s.icount;
      if (cpu.in_shutdown()) return StopReason::kShutdown;
    }
  } catch (const Unimplemented& u) {
    cpu.error = u.what;
    return StopReason::kUnimplemented;
  }
  return cpu.stop_requested() ? StopReason::kStopRequested : StopReason::kBudget;
}

}  // namespace tx86::core
