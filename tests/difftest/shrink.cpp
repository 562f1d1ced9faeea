#include "tests/difftest/shrink.h"

#include <cstddef>

namespace tx86::difftest {

namespace {

constexpr int kEsp = 4;

// Applies edit to a copy of c; keeps it when the copy still fails.
template <typename Edit>
bool attempt(TestCase& c, const StillFails& still_fails, Edit edit) {
  TestCase t = c;
  if (!edit(t)) return false;
  if (!still_fails(t)) return false;
  c = std::move(t);
  return true;
}

void drop_instructions(TestCase& c, const StillFails& still_fails) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = c.insns.size(); i-- > 0;) {
      if (c.insns.size() == 1) return;
      changed |= attempt(c, still_fails, [i](TestCase& t) {
        t.insns.erase(t.insns.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      });
    }
  }
}

void simplify_state(TestCase& c, const StillFails& still_fails) {
  for (int r = 0; r < 8; ++r) {
    if (r == kEsp || c.gpr[r] == 0) continue;
    attempt(c, still_fails, [r](TestCase& t) {
      t.gpr[r] = 0;
      return true;
    });
  }
  if (!attempt(c, still_fails, [](TestCase& t) {
        t.eflags = 0;
        return true;
      })) {
    for (uint32_t bit = 1; bit <= DT_EFLAGS_MASK; bit <<= 1) {
      if ((c.eflags & bit) == 0) continue;
      attempt(c, still_fails, [bit](TestCase& t) {
        t.eflags &= ~bit;
        return true;
      });
    }
  }
  // Window bytes in halving chunks.
  for (size_t chunk = DT_WINDOW_SIZE; chunk >= 1; chunk /= 2) {
    for (size_t at = 0; at < DT_WINDOW_SIZE; at += chunk) {
      attempt(c, still_fails, [at, chunk](TestCase& t) {
        bool nonzero = false;
        for (size_t k = at; k < at + chunk; ++k) {
          nonzero |= t.window[k] != 0;
          t.window[k] = 0;
        }
        return nonzero;
      });
    }
  }
}

}  // namespace

TestCase shrink(TestCase c, const StillFails& still_fails) {
  drop_instructions(c, still_fails);
  simplify_state(c, still_fails);
  drop_instructions(c, still_fails);
  return c;
}

}  // namespace tx86::difftest
