// Builds a test case one instruction at a time while running it in a tx86
// machine, so that the generator knows every register and memory value
// before each instruction: memory operands get displacements that land in
// the window whatever their base and index registers hold, and divisors are
// chosen so that nothing faults. The prediction is exact as long as no
// instruction reads a flag an earlier one left undefined (the host may have
// any value there); after such a read the builder reports it is no longer
// exact and the generator sticks to forms that need no prediction.
#pragma once

#include <cstdint>

#include "tests/difftest/test_case.h"
#include "tests/difftest/tx86_machine.h"

namespace tx86::difftest {

class SeqBuilder {
 public:
  // The case's initial state must be set; its instructions are appended.
  SeqBuilder(Tx86Machine& sim, TestCase& tc);

  const core::CpuState& state() const { return sim_.state(); }
  uint32_t reg(uint8_t r, unsigned size) const { return sim_.state().reg(r, size); }
  uint32_t read_mem(uint32_t addr, unsigned size) { return sim_.peek(addr, size); }

  // The predicted state is the host's (no undefined flag was read, no step failed).
  bool exact() const { return exact_ && !broken_; }
  // The simulation failed (fault or unimplemented): stop appending.
  bool broken() const { return broken_; }
  // Flags currently undefined (left so by an instruction, not rewritten since).
  uint32_t undefined_flags() const { return undefined_; }
  size_t count() const { return tc_.insns.size(); }

  void emit(Bytes insn);

 private:
  Tx86Machine& sim_;
  TestCase& tc_;
  uint32_t undefined_ = 0;
  bool exact_ = true;
  bool broken_ = false;
};

}  // namespace tx86::difftest
