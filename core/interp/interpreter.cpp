#include "core/interp/interpreter.h"

#include <fmt/format.h>

#include "core/decoder/decoder.h"
#include "core/interp/handlers.h"
#include "core/trace/tracer.h"

namespace tx86::core {

namespace {

// Takes a pending maskable interrupt at an instruction boundary.
void check_interrupts(Cpu& cpu) {
  CpuState& s = cpu.state;
  if (s.interrupt_shadow) {
    s.interrupt_shadow = false;
    return;
  }
  InterruptSource* intr = cpu.interrupt_source();
  if (intr != nullptr && s.flag(flags::kIf) && intr->intr_pending()) {
    cpu.deliver_external_interrupt(intr->intr_acknowledge());
  }
}

std::string describe(const CpuState& s, const DecodedInsn& insn) {
  return fmt::format("{} (opcode {}{:02X}) at {:04X}:{:08X}", mnemonic_name(insn.mnemonic),
                     insn.map == OpcodeMap::k0F ? "0F " : "", insn.opcode, s.seg[kCs].selector,
                     s.eip);
}

}  // namespace

void Interpreter::step(Cpu& cpu) {
  CpuState& s = cpu.state;
  const uint32_t start_eip = s.eip;
  try {
    uint8_t bytes[kMaxInsnLength];
    const unsigned avail = cpu.fetch_code(bytes, kMaxInsnLength);
    DecodedInsn insn;
    const DecodeStatus st = decode({bytes, avail}, s.code32(), insn);
    if (tracer_ != nullptr) tracer_->trace(s, {bytes, avail});
    switch (st) {
      case DecodeStatus::kOk: break;
      case DecodeStatus::kNeedMore:  // the instruction runs past the CS limit
      case DecodeStatus::kTooLong: raise_fault(vec::kGp, 0);
      case DecodeStatus::kInvalid: raise_fault(vec::kUd);
    }
    // MMX and SSE are not part of this CPU model yet: #UD, as on a Pentium
    // without them.
    if (insn.attrs & (attr::kMmx | attr::kSse)) raise_fault(vec::kUd);

    const interp::Handler handler = interp::handler_table()[static_cast<size_t>(insn.mnemonic)];
    if (handler == nullptr) throw Unimplemented{"instruction " + describe(s, insn)};
    s.eip = start_eip + insn.length;
    handler(cpu, insn);
  } catch (const GuestFault& fault) {
    s.eip = start_eip;
    cpu.deliver_exception(fault);
  } catch (const Unimplemented&) {
    s.eip = start_eip;
    throw;
  }
}

StopReason Interpreter::run(Cpu& cpu, uint64_t max_insns) {
  CpuState& s = cpu.state;
  try {
    for (uint64_t n = 0; n < max_insns; ++n) {
      if (cpu.stop_requested()) return StopReason::kStopRequested;
      check_interrupts(cpu);
      if (cpu.in_shutdown()) return StopReason::kShutdown;
      if (s.halted) return StopReason::kHalted;
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
