// One differential test case — an initial state and a straight-line
// instruction sequence — and what running it produced on either side.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/difftest/protocol.h"

namespace tx86::difftest {

using Bytes = std::vector<uint8_t>;
using Window = std::array<uint8_t, DT_WINDOW_SIZE>;
using FpuImage = std::array<uint8_t, DT_FSAVE_SIZE>;

// The x87 state after FNINIT, as an FSAVE image: control word 0x037F, all
// registers empty.
inline FpuImage fninit_image() {
  FpuImage f{};
  f[0] = 0x7F;
  f[1] = 0x03;
  f[8] = 0xFF;
  f[9] = 0xFF;
  return f;
}

struct TestCase {
  std::array<uint32_t, 8> gpr{};  // ESP is always DT_STACK_TOP
  uint32_t eflags = 0;            // DT_EFLAGS_MASK bits
  Window window{};
  FpuImage fpu = fninit_image();  // loaded with FRSTOR before the code runs
  std::vector<Bytes> insns;       // placed back to back at DT_CODE_PAGE

  Bytes code() const {
    Bytes out;
    for (const Bytes& i : insns) out.insert(out.end(), i.begin(), i.end());
    return out;
  }
  // The address where instruction i starts (i == insns.size(): the end).
  uint32_t boundary(size_t i) const {
    uint32_t a = DT_CODE_PAGE;
    for (size_t k = 0; k < i; ++k) a += static_cast<uint32_t>(insns[k].size());
    return a;
  }
};

// Registers and EFLAGS at an instruction boundary.
struct RegState {
  std::array<uint32_t, 8> gpr{};
  uint32_t eflags = 0;
  uint16_t fcw = 0;
  uint16_t fsw = 0;
  uint16_t ftw = 0;              // full tag word
  std::array<uint8_t, 80> st{};  // ST(0)-ST(7)
};

// The host CPU's run of a case: the state after each instruction (REP
// iterations folded), the final window, and a fault if one stopped it.
struct NativeResult {
  uint32_t status = 0;  // 0, a signal number, or DT_STATUS_TOO_MANY_STEPS
  uint32_t fault_eip = 0;
  bool outside_dirty = false;
  Window window{};
  std::vector<dt_snapshot> snapshots;  // every trap, in order
};

}  // namespace tx86::difftest
