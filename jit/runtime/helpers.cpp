#include "jit/runtime/helpers.h"

#include "core/cpu/cpu.h"
#include "core/interp/interpreter.h"

namespace tx86::jit {

namespace {
constexpr uint32_t status(ExitStatus e) {
  return static_cast<uint32_t>(e);
}
}  // namespace

extern "C" uint32_t helper_fallback(core::CpuState* s, const core::DecodedInsn* insn,
                                    uint32_t eip) {
  core::Cpu& cpu = core::Cpu::of(s);
  const uint64_t code_writes = cpu.mem.code_writes();
  try {
    core::run_decoded(cpu, *insn, eip);
    if (cpu.mem.code_writes() != code_writes) s->code_modified = 1;
    return 0;
  } catch (const core::GuestFault& f) {
    s->eip = eip;
    s->debug_trap = 0;
    cpu.pending_fault = f;
    return status(ExitStatus::kFault);
  } catch (const core::Unimplemented& u) {
    s->eip = eip;
    cpu.error = u.what;
    return status(ExitStatus::kUnimplemented);
  }
}

extern "C" uint64_t helper_load(core::CpuState* s, uint32_t seg, uint32_t offset, uint32_t size) {
  core::Cpu& cpu = core::Cpu::of(s);
  try {
    return cpu.read(static_cast<uint8_t>(seg), offset, size);
  } catch (const core::GuestFault& f) {
    cpu.pending_fault = f;
    return uint64_t{status(ExitStatus::kFault)} << 32;
  }
}

extern "C" void helper_raise(core::CpuState* s, uint32_t vector, uint32_t error) {
  core::Cpu::of(s).pending_fault = core::GuestFault{static_cast<uint8_t>(vector), true, error};
}

extern "C" uint32_t helper_store(core::CpuState* s, uint32_t seg, uint32_t offset, uint32_t size,
                                 uint32_t value) {
  core::Cpu& cpu = core::Cpu::of(s);
  const uint64_t code_writes = cpu.mem.code_writes();
  try {
    cpu.write(static_cast<uint8_t>(seg), offset, size, value);
  } catch (const core::GuestFault& f) {
    cpu.pending_fault = f;
    return status(ExitStatus::kFault);
  }
  if (cpu.mem.code_writes() != code_writes) s->code_modified = 1;
  return 0;
}

}  // namespace tx86::jit
