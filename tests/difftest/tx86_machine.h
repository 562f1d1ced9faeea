// tx86's side of a test case: a Cpu in 32-bit flat protected mode (CPL 3,
// every segment base 0 and limit 4 GiB, no paging, no descriptor tables —
// the sequences load no segments), with RAM at the protocol's data, code
// and stack pages, stepped by the interpreter or by the JIT translating one
// instruction per block (each instruction then runs as translated code and
// is compared on its own).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/cpu/cpu.h"
#include "core/interp/interpreter.h"
#include "jit/runtime/jit_engine.h"
#include "tests/difftest/test_case.h"

namespace tx86::difftest {

enum class Engine : uint8_t { kInterp, kJit };

class Tx86Machine {
 public:
  explicit Tx86Machine(Engine engine = Engine::kInterp);

  // Puts the case's initial state, window and code in place; EIP at the code.
  void load(const TestCase& c);

  core::Cpu& cpu() { return cpu_; }
  core::CpuState& state() { return cpu_.state; }
  const core::CpuState& state() const { return cpu_.state; }
  RegState regs() const;

  // Runs the instruction at EIP through every REP iteration, until EIP
  // reaches end. Returns "" on success, else why it stopped: "fault: vector
  // N" (registers left as before the instruction), or an unimplemented
  // instruction.
  std::string step(uint32_t end);

  Window window();
  bool outside_dirty();

  // Guest memory by linear (= physical) address, for the generator.
  uint32_t peek(uint32_t addr, unsigned size);
  void poke(uint32_t addr, const Bytes& bytes);

 private:
  std::string diagnose_fault(const core::CpuState& before);
  std::string replay_for_fault(const core::CpuState& before);
  void step_once();  // throws Unimplemented

  core::MemoryBus mem_;
  core::IoBus io_;
  core::Cpu cpu_;
  core::Interpreter interp_;
  std::unique_ptr<jit::JitEngine> jit_;  // Engine::kJit
};

}  // namespace tx86::difftest
