// The CPU state in which a boot loader hands over to a 32-bit kernel, as
// both direct boots (Multiboot, the Linux 32-bit boot protocol) need it:
// protected mode with paging off, every segment flat (base 0, 4 GiB) from
// a GDT the loader wrote, interrupts off, no IDT (an exception before the
// kernel loads its own shuts the CPU down), nothing halted or pending.
#pragma once

#include <cstdint>

#include "core/cpu/cpu.h"

namespace tx86::core {

void enter_flat_protected_mode(Cpu& cpu, DescriptorTableReg gdt, uint16_t code_selector,
                               uint16_t data_selector, uint32_t entry);

}  // namespace tx86::core
