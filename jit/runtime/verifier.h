// Lockstep checking of translated code (--cpu-engine verify): a block made
// only of lowered instructions runs with the MMU journalling its writes;
// then the writes are undone, the state put back, and the interpreter runs
// the same instructions. Registers, EFLAGS, EIP, the instruction count, a
// fault and every byte either side wrote must agree; the interpreter's
// outcome is what the guest keeps. Blocks that touched a device (MMIO) are
// not repeated, since the device already saw the access.
#pragma once

#include <cstdint>
#include <string>

#include "core/cpu/cpu.h"
#include "core/interp/interpreter.h"
#include "jit/backend/x64/trampoline.h"
#include "jit/runtime/block_cache.h"

namespace tx86::jit {

class Verifier {
 public:
  explicit Verifier(core::Cpu& cpu);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Runs the block and checks it. On a mismatch, mismatch() says what
  // differed and the guest state is the interpreter's.
  x64::ExitValue run(core::Cpu& cpu, const CompiledBlock& block, const x64::Trampoline& trampoline);

  const std::string& mismatch() const { return mismatch_; }
  uint64_t checked() const { return checked_; }
  uint64_t skipped() const { return skipped_; }

 private:
  core::Cpu& cpu_;
  // Attached to the MMU for good (attaching flushes the TLB); it records
  // only while a block is checked.
  core::WriteJournal journal_;
  core::Interpreter interp_;
  std::string mismatch_;
  uint64_t checked_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace tx86::jit
