// Shrinks a failing case: drops instructions, then zeroes registers, flags
// and window bytes, keeping each change while the case still fails.
#pragma once

#include <functional>

#include "tests/difftest/test_case.h"

namespace tx86::difftest {

using StillFails = std::function<bool(const TestCase&)>;

TestCase shrink(TestCase c, const StillFails& still_fails);

}  // namespace tx86::difftest
