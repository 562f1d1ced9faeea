// A machine for running random code under either engine: 128 KiB of RAM,
// no devices, and the descriptor tables, TSS and page tables that put the
// CPU in one of the modes below with every exception ending at a HLT
// (protected modes). The JIT-against-interpreter tests and the guest-code
// fuzz target build their programs on it and compare the two engines.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/interp/interpreter.h"
#include "core/io/io_bus.h"
#include "core/mem/memory_bus.h"
#include "jit/runtime/jit_engine.h"

namespace tx86::testing {

inline constexpr uint32_t kRamBytes = 128 * 1024;
inline constexpr uint32_t kCode = 0x1000;  // where the random code goes
inline constexpr uint32_t kCodeBytes = 0x400;
inline constexpr uint32_t kGdt = 0x8000;
inline constexpr uint32_t kIdt = 0x8100;
inline constexpr uint32_t kHandler = 0x8900;  // HLT, where every exception ends up
inline constexpr uint32_t kTss = 0x8A00;
inline constexpr uint32_t kPageDir = 0x10000;
inline constexpr uint32_t kPageTable = 0x11000;

// (The first three keep the values the JIT tests derive their seeds from.)
enum class CodeMode { kReal, kProtected, kPaged, kProtected16, kVirtual8086 };
inline constexpr CodeMode kCodeModes[] = {CodeMode::kReal, CodeMode::kProtected, CodeMode::kPaged,
                                          CodeMode::kProtected16, CodeMode::kVirtual8086};
const char* mode_name(CodeMode mode);

// Random numbers below n, for the choices the set-up makes (the stack
// pointer, which pages are absent or read-only).
using Roll = std::function<uint32_t(uint32_t n)>;

// Sets up `ram` (kRamBytes, the code already in place) and the segments,
// tables, control registers and stack pointer of `s` for `mode`. In
// protected modes IF is cleared: the HLT at kHandler stops the run.
void enter_mode(CodeMode mode, std::vector<uint8_t>& ram, core::CpuState& s, const Roll& roll);

class CodeMachine {
 public:
  explicit CodeMachine(bool use_jit, jit::JitOptions options = {});

  core::Cpu& cpu() { return cpu_; }
  core::MemoryBus& mem() { return mem_; }

  // Puts RAM (through the bus, so the JIT sees its code change) and the
  // architectural state in place.
  void load(const std::vector<uint8_t>& ram, const core::CpuState& state);
  core::StopReason run(uint64_t steps);
  std::string stats() const;

 private:
  core::MemoryBus mem_;
  core::IoBus io_;
  core::Cpu cpu_;
  core::Interpreter interp_;
  std::unique_ptr<jit::JitEngine> jit_;
};

// What the engines must agree on: the registers, flags, segments, CR2,
// instruction count, halt and shutdown, the x87.
bool same_state(core::Cpu& a, core::Cpu& b);
std::string state_text(core::Cpu& cpu);
// The first bytes that differ, " [addr] a/b" each; empty when none does.
std::string memory_diff(CodeMachine& a, CodeMachine& b, size_t max_chars = 400);

}  // namespace tx86::testing
