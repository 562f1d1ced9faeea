// How the machine runs the CPU: an engine executes guest instructions on a
// Cpu until a budget runs out or something needs the machine's attention.
// The interpreter and the JIT both implement it.
#pragma once

#include <cstdint>

namespace tx86::core {

class Cpu;

enum class StopReason : uint8_t {
  kBudget,         // executed max_insns instructions
  kHalted,         // HLT: waiting for an interrupt
  kShutdown,       // triple fault: the processor entered shutdown
  kStopRequested,  // a device or the frontend asked the machine to stop
  kUnimplemented,  // the guest used something tx86 lacks (see Cpu::error)
  kEngineError,    // the engine caught itself wrong (JIT verify mode; see Cpu::error)
  kDebug,          // at a debugger's breakpoint, or after an access to a watched address
};

class ExecutionEngine {
 public:
  virtual ~ExecutionEngine() = default;
  virtual const char* name() const = 0;
  // Retires up to max_insns instructions; CpuState::icount counts them.
  virtual StopReason run(Cpu& cpu, uint64_t max_insns) = 0;
  // Guest memory was replaced behind the memory bus (a save state loaded):
  // nothing made from the old contents may run.
  virtual void drop_translations() {}
};

}  // namespace tx86::core
