// The interpreter engine: fetch, decode, execute one instruction at a time.
// It is the semantic reference for the JIT and the fallback for anything
// the JIT does not translate.
#pragma once

#include <optional>

#include "core/cpu/cpu.h"
#include "core/cpu/execution_engine.h"
#include "core/decoder/decode_cache.h"
#include "core/decoder/decoded_insn.h"

namespace tx86::core {

class Tracer;

// Runs one decoded instruction whose first byte is at start_eip: the checks
// every instruction gets, then its handler. Throws GuestFault (EIP is then
// left as the handler left it: the caller restores it) or Unimplemented.
// The interpreter's step and the JIT's fallback both come through here.
void run_decoded(Cpu& cpu, const DecodedInsn& insn, uint32_t start_eip);

// Raises what an instruction at CS:EIP that did not decode (status `st`
// from `avail` fetched bytes) raises: the fetch fault of the byte it
// needed next (or #GP past the CS limit), #GP when too long, #UD.
[[noreturn]] void raise_decode_fault(Cpu& cpu, DecodeStatus st, unsigned avail);

class Interpreter final : public ExecutionEngine {
 public:
  explicit Interpreter(Tracer* tracer = nullptr) : tracer_(tracer) {}

  const char* name() const override { return "interp"; }
  StopReason run(Cpu& cpu, uint64_t max_insns) override;

  // Executes one instruction, or delivers the exception it raises, then
  // any debug trap. Throws Unimplemented (with EIP back on the instruction)
  // for what tx86 lacks.
  void step(Cpu& cpu);

  // Executes one instruction without delivering its exception: returns the
  // fault with EIP back on the instruction, or nullopt when it completed
  // (debug traps stay pending in CpuState::debug_trap).
  std::optional<GuestFault> execute(Cpu& cpu) {
    GuestFault fault{};
    if (execute(cpu, fault)) return std::nullopt;
    return fault;
  }
  // The same: true when it completed, false with the fault in `fault`.
  // (Returning the optional from the instruction loop cost a stalled
  // store-to-load forward on every instruction: a byte store of its flag,
  // then a wider load of it into the return registers.)
  bool execute(Cpu& cpu, GuestFault& fault);

  // The instructions it decoded (the JIT's translator shares them).
  DecodeCache& decode_cache() { return decode_cache_; }

 private:
  Tracer* tracer_;
  DecodeCache decode_cache_;
};

}  // namespace tx86::core
