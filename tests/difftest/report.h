// Human-readable output: disassembly (capstone), flag names, a case's
// listing, and a failing case printed as a regression-table entry
// (regression.h) to paste into tests/unit/core/difftest_regressions_test.cpp.
#pragma once

#include <cstdint>
#include <string>

#include "tests/difftest/test_case.h"

namespace tx86::difftest {

std::string disassemble(const Bytes& insn, uint32_t address);
std::string flag_names(uint32_t mask);  // "CF|ZF", "none"
std::string hex_bytes(const Bytes& b);  // "0f a3 c8"

// The initial state and the instructions, one per line.
std::string describe_case(const TestCase& c);

// A RegressionCase initializer holding c and the host's results for it
// (n must be a run that reached the end of the code).
std::string regression_entry(const std::string& name, const TestCase& c, const NativeResult& n);

}  // namespace tx86::difftest
