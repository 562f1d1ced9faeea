#include "jit/runtime/helpers.h"

#include <cstring>

#include "core/cpu/cpu.h"
#include "core/interp/interpreter.h"
#include "core/irq/interrupt_source.h"
#include "jit/frontend/translator.h"
#include "jit/ir/ir.h"
#include "jit/runtime/block_mode.h"

namespace tx86::jit {

namespace {
constexpr uint32_t status(ExitStatus e) {
  return static_cast<uint32_t>(e);
}

bool is_port_access(const core::DecodedInsn& insn) {
  using core::Mnemonic;
  switch (insn.mnemonic) {
    case Mnemonic::kIn:
    case Mnemonic::kOut:
    case Mnemonic::kIns:
    case Mnemonic::kOuts: return true;
    default: return false;
  }
}

// Port accesses do not end blocks, so after one the block leaves early
// (through the code-modified exit) whenever the device did something the
// dispatcher must see before the next instruction: an interrupt the CPU
// takes now, a stop or reset request, a triple fault, or a change of the
// memory map (A20, shadow RAM, BARs) that may move the code itself.
bool device_event(core::Cpu& cpu, uint64_t mappings_before) {
  if (cpu.stop_requested() || cpu.in_shutdown()) return true;
  if (cpu.mmu.mapping_generation() != mappings_before) return true;
  return cpu.interrupt_waiting();
}

// After an instruction that may_leave(): whether the block must leave (it
// does through the code-modified exit) because the rest of it was
// translated for another mode, single-stepping starts, or interrupts were
// enabled with one waiting. An STI with none waiting goes on, and its
// one-instruction shadow ends here: it would hold off nothing, since inside
// a block an interrupt becomes pending only through a port access, and
// that leaves the block after its instruction (device_event).
bool leaves_block(core::Cpu& cpu, uint32_t mode_before, uint32_t eflags_before) {
  core::CpuState& s = cpu.state;
  const uint32_t eflags = s.eflags;
  if (eflags & core::flags::kTf) return true;
  const bool enabled = (eflags & core::flags::kIf) && !(eflags_before & core::flags::kIf);
  if (enabled && cpu.interrupt_waiting()) return true;
  if (s.interrupt_shadow) s.interrupt_shadow = false;
  return block_mode(cpu) != mode_before;
}

// Runs `run` (an instruction's fetch, decode and execution), turning what
// it throws into the status translated code leaves with: a fault goes to
// Cpu::pending_fault with EIP back on the instruction.
template <typename Run>
uint32_t guarded(core::Cpu& cpu, uint32_t eip, Run&& run) {
  core::CpuState& s = cpu.state;
  try {
    run();
    return 0;
  } catch (const core::GuestFault& f) {
    s.eip = eip;
    s.debug_trap = 0;
    cpu.pending_fault = f;
    return status(ExitStatus::kFault);
  } catch (const core::Unimplemented& u) {
    s.eip = eip;
    cpu.error = u.what;
    return status(ExitStatus::kUnimplemented);
  }
}

}  // namespace

extern "C" uint32_t helper_fallback(core::CpuState* s, const core::DecodedInsn* insn,
                                    uint32_t eip) {
  core::Cpu& cpu = core::Cpu::of(s);
  sync_state(*s);
  const uint64_t code_writes = cpu.mem.code_writes();
  const uint64_t mappings = cpu.mmu.mapping_generation();
  const bool check_mode = may_leave(*insn);
  const uint32_t mode = check_mode ? block_mode(cpu) : 0;
  const uint32_t eflags = s->eflags;
  if (const uint32_t st = guarded(cpu, eip, [&] { core::run_decoded(cpu, *insn, eip); })) {
    return st;
  }
  if (cpu.mem.code_writes() != code_writes) s->code_modified = 1;
  if (is_port_access(*insn) && device_event(cpu, mappings)) s->code_modified = 1;
  if (check_mode && leaves_block(cpu, mode, eflags)) s->code_modified = 1;
  return 0;
}

extern "C" uint32_t helper_fallback_rep(core::CpuState* s, const core::DecodedInsn* insn,
                                        uint32_t eip, uint32_t block_rest) {
  core::Cpu& cpu = core::Cpu::of(s);
  for (;;) {
    const uint32_t status = helper_fallback(s, insn, eip);
    if (status != 0 || s->eip != eip || s->code_modified) return status;
    // A step that did not finish: the dispatcher would count it, take an
    // interrupt or end the slice, and run the next. Without a reason to
    // stop, the next runs here. (The translated code counts the last step
    // with the rest of the block, which must still fit the slice.)
    if (s->icount + block_rest >= s->icount_limit || cpu.stop_requested() || cpu.in_shutdown() ||
        cpu.interrupt_waiting()) {
      return 0;
    }
    ++s->icount;
  }
}

extern "C" uint32_t helper_fallback_fetch(core::CpuState* s, const ir::GuestInsn* g) {
  core::Cpu& cpu = core::Cpu::of(s);
  const uint32_t eip = g->eip;
  sync_state(*s);
  const uint64_t code_writes = cpu.mem.code_writes();
  const uint64_t mappings = cpu.mmu.mapping_generation();
  const uint32_t eflags = s->eflags;
  const core::SegmentCache cs = s->seg[core::kCs];
  bool check_mode = true;
  uint32_t mode = 0;
  s->eip = eip;
  const uint32_t st = guarded(cpu, eip, [&] {
    uint8_t bytes[core::kMaxInsnLength];
    const unsigned avail = cpu.fetch_code(bytes, core::kMaxInsnLength);
    // Mostly the bytes it was translated from, whose decoding the block
    // keeps (the same bytes in the same mode decode the same).
    const core::DecodedInsn* insn = &g->decoded;
    core::DecodedInsn fetched;
    const unsigned length = g->decoded.length;
    if (avail < length || std::memcmp(bytes, g->bytes.data(), length) != 0) {
      const core::DecodeStatus decoded = core::decode({bytes, avail}, s->code32(), fetched);
      if (decoded != core::DecodeStatus::kOk) core::raise_decode_fault(cpu, decoded, avail);
      insn = &fetched;
    }
    check_mode = may_leave(*insn) || ends_block(*insn);
    if (check_mode) mode = block_mode(cpu);
    core::run_decoded(cpu, *insn, eip);  // (it restores EFLAGS when it faults)
  });
  if (st != 0) return st;
  // The block goes on to the next one through the jump cache, which
  // assumes the block's mode and CS, unless the dispatcher must see the
  // machine first. (The instruction counts here then, as the block would
  // have counted it.)
  const bool enabled = (s->eflags & core::flags::kIf) && !(eflags & core::flags::kIf);
  const bool dispatcher =
      s->eip == eip || cpu.mem.code_writes() != code_writes || device_event(cpu, mappings) ||
      (enabled && cpu.interrupt_waiting()) || s->interrupt_shadow ||
      (s->eflags & core::flags::kTf) || s->debug_trap != 0 || s->seg[core::kCs].base != cs.base ||
      s->seg[core::kCs].limit != cs.limit || (check_mode && block_mode(cpu) != mode);
  if (!dispatcher) return 0;
  ++s->icount;
  return status(ExitStatus::kDispatch);
}

extern "C" uint32_t helper_x87_enter(core::CpuState* s) {
  if (!core::load_into_host_x87(s->fpu, s->cr0)) return 0;
  s->fpu_live = 1;
  return 1;
}

extern "C" void helper_x87_leave(core::CpuState* s) {
  sync_fpu(*s);
}

extern "C" uint64_t helper_load(core::CpuState* s, uint32_t seg, uint32_t offset, uint32_t size) {
  core::Cpu& cpu = core::Cpu::of(s);
  core::GuestFault f{};
  try {
    uint32_t value = 0;
    if (cpu.read_or_fault(static_cast<uint8_t>(seg), offset, size, value, f)) return value;
  } catch (const core::GuestFault& thrown) {
    f = thrown;
  }
  cpu.pending_fault = f;
  return uint64_t{status(ExitStatus::kFault)} << 32;
}

extern "C" void helper_raise(core::CpuState* s, uint32_t vector, uint32_t error) {
  core::Cpu::of(s).pending_fault = core::GuestFault{static_cast<uint8_t>(vector), true, error};
}

extern "C" uint32_t helper_store(core::CpuState* s, uint32_t seg, uint32_t offset, uint32_t size,
                                 uint32_t value) {
  core::Cpu& cpu = core::Cpu::of(s);
  const uint64_t code_writes = cpu.mem.code_writes();
  const uint64_t mappings = cpu.mmu.mapping_generation();
  try {
    core::GuestFault f{};
    if (!cpu.write_or_fault(static_cast<uint8_t>(seg), offset, size, value, f)) {
      cpu.pending_fault = f;
      return status(ExitStatus::kFault);
    }
  } catch (const core::GuestFault& f) {
    cpu.pending_fault = f;
    return status(ExitStatus::kFault);
  }
  // A store into code, or into a device that changed the memory map (whose
  // pages the block may hold mapped, page_groups.cpp): leave after the
  // instruction.
  if (cpu.mem.code_writes() != code_writes || cpu.mmu.mapping_generation() != mappings) {
    s->code_modified = 1;
  }
  return 0;
}

}  // namespace tx86::jit
