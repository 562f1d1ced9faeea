// libFuzzer target: guest code run by both engines, in every mode of
// tests/support/random_code.h. The input picks the mode and the starting
// registers and gives the code; whatever it does (faults, self-modifying
// stores, far jumps, x87), the interpreter and the JIT must stop alike, in
// the same state, with the same memory, and neither may crash the host or
// draw a sanitizer report.
//
// Input: byte 0 = mode (mod 5) | bit 3: x87 as FNINIT leaves it (else as
// RESET does) | bit 4: DF; bytes 1-32 = EAX..EDI (ESP is the mode's);
// byte 33 = the arithmetic flags; the rest = code at kCode (at most
// kCodeBytes). The bytes around the code and the x87 registers come from a
// generator seeded with the input's hash, so an input always runs the same.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/support/random_code.h"

namespace {

using namespace tx86;
using testing::CodeMachine;
using testing::CodeMode;

constexpr size_t kHeader = 34;
constexpr uint64_t kSlice = 64;

uint64_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

// TX86_FUZZ_JIT_LOG=1 writes each translation to stderr (to look into a
// finding: run the target on its one input).
jit::JitOptions jit_options() {
  jit::JitOptions options;
  options.arena_bytes = 1u << 20;
  const char* log = std::getenv("TX86_FUZZ_JIT_LOG");
  if (log != nullptr && *log == '1') options.log = stderr;
  return options;
}

using Difference = std::string;

// Runs the program in both engines, in two slices (the second enters blocks
// warm, linked): what differs at the end, empty when nothing does.
Difference run_both(CodeMode mode, const std::vector<uint8_t>& ram, const core::CpuState& s,
                    std::array<uint64_t, 2> slices) {
  // Kept from input to input, as a machine keeps them from program to
  // program: built afresh each time they took three quarters of the time.
  static CodeMachine reference(false);
  static CodeMachine translated(true, jit_options());
  reference.load(ram, s);
  translated.load(ram, s);
  core::StopReason ra = core::StopReason::kBudget;
  core::StopReason rb = core::StopReason::kBudget;
  for (const uint64_t slice : slices) {
    if (slice == 0) continue;
    if (ra == core::StopReason::kBudget) ra = reference.run(slice);
    if (rb == core::StopReason::kBudget) rb = translated.run(slice);
  }
  const std::string diff = testing::memory_diff(reference, translated);
  if (ra == rb && testing::same_state(reference.cpu(), translated.cpu()) && diff.empty()) return {};
  return fmt::format("{}: the engines differ (stop {}/{})\ninterp: {}\njit:    {}\n{}{}\n",
                     testing::mode_name(mode), static_cast<int>(ra), static_cast<int>(rb),
                     testing::state_text(reference.cpu()), testing::state_text(translated.cpu()),
                     diff.empty() ? "" : "memory (interp/jit):", diff);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size <= kHeader) return 0;
  const auto mode = static_cast<CodeMode>(data[0] % 5);
  std::mt19937_64 rng(fnv1a(data, size));
  std::vector<uint8_t> ram(testing::kRamBytes, 0);
  for (uint32_t a = 0; a < 0x4000; ++a) ram[a] = static_cast<uint8_t>(rng());
  const size_t code = std::min<size_t>(size - kHeader, testing::kCodeBytes);
  std::memcpy(ram.data() + testing::kCode, data + kHeader, code);

  core::CpuState s;
  if ((data[0] & 8) != 0) s.fpu.init();
  for (core::X87Reg& r : s.fpu.reg) {
    r.mantissa = rng();
    r.sign_exp = static_cast<uint16_t>(rng());
  }
  std::memcpy(s.gpr, data + 1, 32);
  s.eflags = core::flags::kReserved1 | (data[33] & 0xD5u) | core::flags::kIf |
             ((data[0] & 16) != 0 ? core::flags::kDf : 0);
  s.eip = testing::kCode;
  testing::enter_mode(mode, ram, s,
                      [&rng](uint32_t n) { return static_cast<uint32_t>(rng() % n); });

  const Difference found = run_both(mode, ram, s, {kSlice, kSlice});
  if (found.empty()) return 0;
  std::fprintf(stderr, "%s", found.c_str());
  // The shortest single run that shows it, to start looking from.
  for (uint64_t n = 1; n <= 2 * kSlice; ++n) {
    const Difference first = run_both(mode, ram, s, {n, 0});
    if (first.empty()) continue;
    std::fprintf(stderr, "first seen in a run of %llu instructions:\n%s",
                 static_cast<unsigned long long>(n), first.c_str());
    break;
  }
  __builtin_trap();
}
