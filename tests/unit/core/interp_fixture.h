// A bare real-mode CPU over 1 MiB of RAM for interpreter tests: code goes at
// 0000:0100, the stack at 0000:8000, the IVT is ours to fill.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/interp/interpreter.h"

namespace tx86::core::testing {

class InterpTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kCodeStart = 0x100;

  InterpTest() : mem(1 << 20), cpu(mem, io) {
    mem.map_ram(0, 1 << 20, 0);
    CpuState& s = cpu.state;
    s.seg[kCs] = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData | seg_attr::kCode};
    s.eip = kCodeStart;
    s.gpr[kEsp] = 0x8000;
    s.gpr[kEdx] = 0;
  }

  void load(std::initializer_list<uint8_t> code, uint32_t at = kCodeStart) {
    uint32_t a = at;
    for (uint8_t b : code) mem.write8(a++, b);
  }

  // Runs n instructions (an exception delivery counts as one).
  void run(int n = 1) {
    for (int i = 0; i < n; ++i) interp.step(cpu);
  }

  // Loads code at the current CS:IP and runs every instruction in it once.
  void exec(std::initializer_list<uint8_t> code, int count = 1) {
    load(code, cpu.state.seg[kCs].base + cpu.state.eip);
    run(count);
  }

  void set_ivt(uint8_t vector, uint16_t seg, uint16_t off) {
    mem.write16(vector * 4u, off);
    mem.write16(vector * 4u + 2, seg);
  }

  uint32_t status_flags() const { return cpu.state.eflags & flags::kArith; }
  uint32_t reg(Gpr r) const { return cpu.state.gpr[r]; }
  void set(Gpr r, uint32_t v) { cpu.state.gpr[r] = v; }
  void set_flags(uint32_t f) { cpu.state.eflags = f | flags::kReserved1; }

  MemoryBus mem;
  IoBus io;
  Cpu cpu;
  Interpreter interp;
};

}  // namespace tx86::core::testing
