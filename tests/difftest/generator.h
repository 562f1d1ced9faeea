// Random test cases: a random initial state (edge values mixed in) and a
// sequence of 1-8 instructions drawn from every user-level integer form
// (or 1-12 mostly x87 ones, from a random x87 state),
// plus the MOV/CLD/STD set-up instructions some forms need (string pointers,
// non-faulting divisors, ...). Some sequences end with an instruction that
// faults (#DE, #UD). The same seed gives the same cases.
#pragma once

#include <cstdint>

#include "tests/difftest/rng.h"
#include "tests/difftest/test_case.h"
#include "tests/difftest/tx86_machine.h"

namespace tx86::difftest {

// Which instructions the sequences are made of.
enum class Family : uint8_t {
  kInteger,  // every user-level integer form
  kX87,      // x87 forms from a random FPU state, a few integer ones mixed in
  kMmx,      // MMX forms, with x87 ones that meet them through the aliasing
};

struct GeneratorOptions {
  // End some sequences with a LOCK prefix where it is not allowed (#UD).
  bool lock_ud = false;
  Family family = Family::kInteger;
};

class Generator {
 public:
  explicit Generator(uint64_t seed, GeneratorOptions options = {})
      : rng_(seed), options_(options) {}
  TestCase next();

 private:
  Rng rng_;
  GeneratorOptions options_;
  Tx86Machine sim_;  // predicts register and memory values while generating
};

}  // namespace tx86::difftest
