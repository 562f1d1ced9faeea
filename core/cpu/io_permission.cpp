// The I/O privilege check of IN, OUT, INS and OUTS (SDM Vol. 1, 19.5).
#include "core/cpu/cpu.h"

namespace tx86::core {

void Cpu::check_io(uint16_t port, unsigned size) {
  if (!state.protected_mode()) return;
  if (!state.flag(flags::kVm) && cpl() <= iopl()) return;
  // Only a 32-bit TSS has an I/O permission bitmap.
  const uint8_t type = state.tr.attrs & 0xF;
  if (type != sys_type::kTss32Available && type != sys_type::kTss32Busy) raise_fault(vec::kGp, 0);
  if (state.tr.limit < 0x67) raise_fault(vec::kGp, 0);
  const uint32_t map = read_system(state.tr.base + 0x66, 2);
  const uint32_t byte = map + port / 8u;
  // The two bytes holding the port's bits must lie inside the TSS limit.
  if (uint64_t{byte} + 1 > state.tr.limit) raise_fault(vec::kGp, 0);
  const uint32_t bits = read_system(state.tr.base + byte, 2);
  const uint32_t want = ((1u << size) - 1) << (port & 7u);
  if (bits & want) raise_fault(vec::kGp, 0);
}

}  // namespace tx86::core
