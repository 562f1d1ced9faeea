// Runs a case in tx86 and compares it, instruction by instruction, with the
// host's run: every GPR and the status flags plus DF after each instruction,
// then the data window.
//
// Undefined flags: after each instruction the flags the SDM leaves
// undefined for it (flag_effects) are not compared, and tx86's values of
// them are replaced by the host's. A later instruction that reads such a
// flag (ADC after MUL, LAHF after AND, ...) or leaves it unchanged then sees
// the same value on both sides, so a flag left undefined and later read,
// kept or overwritten is handled exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/difftest/test_case.h"
#include "tests/difftest/tx86_machine.h"

namespace tx86::difftest {

struct CheckResult {
  bool ok = true;
  std::string message;  // the first difference
  size_t insns = 0;     // instructions compared
  bool native_faulted = false;
  std::vector<uint32_t> native_eflags;  // the host's EFLAGS after each instruction
  std::vector<uint32_t> undefined;      // the flags left undefined by each instruction
};

CheckResult check_case(const TestCase& c, const NativeResult& n, Tx86Machine& m);

}  // namespace tx86::difftest
