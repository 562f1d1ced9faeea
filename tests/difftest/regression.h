// Regression cases found by the differential tester, kept as fixed tests
// that need no host runner: the input, and the host's results — EFLAGS after
// each instruction (from which the undefined flags are taken, as the live
// tester does), the final registers and the final window.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/difftest/tx86_machine.h"

namespace tx86::difftest {

struct RegressionCase {
  const char* name;
  std::array<uint32_t, 8> gpr;        // initial; ESP is always DT_STACK_TOP
  uint32_t eflags;                    // initial, DT_EFLAGS_MASK bits
  const char* code;                   // hex bytes, instructions separated by '|'
  const char* window;                 // non-zero runs: "offset:bytes ..." in hex
  std::vector<uint32_t> host_eflags;  // after each instruction
  std::array<uint32_t, 8> final_gpr;
  const char* final_window;
};

// Runs the case in tx86; returns "" when it matches the host's results.
std::string run_regression(const RegressionCase& r, Tx86Machine& m);

}  // namespace tx86::difftest
