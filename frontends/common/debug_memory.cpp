#include "frontends/common/debug_memory.h"

namespace tx86::fe {

size_t read_linear(core::Machine& machine, uint32_t lin, uint8_t* out, size_t len) {
  core::Cpu& cpu = machine.cpu();
  for (size_t i = 0; i < len; ++i) {
    const auto phys = cpu.mmu.peek_translate(cpu.state, static_cast<uint32_t>(lin + i));
    if (!phys) return i;
    out[i] = machine.memory().read8(*phys);
  }
  return len;
}

size_t write_linear(core::Machine& machine, uint32_t lin, const uint8_t* in, size_t len) {
  core::Cpu& cpu = machine.cpu();
  for (size_t i = 0; i < len; ++i) {
    const auto phys = cpu.mmu.peek_translate(cpu.state, static_cast<uint32_t>(lin + i));
    if (!phys) return i;
    machine.memory().write8(*phys, in[i]);
  }
  return len;
}

void read_physical(core::Machine& machine, uint64_t phys, uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    out[i] = machine.memory().read8(static_cast<core::PhysAddr>(phys + i));
  }
}

}  // namespace tx86::fe
