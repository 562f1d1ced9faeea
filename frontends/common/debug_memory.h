// Guest memory as a debugger or the monitor sees it: by linear address,
// through the guest's page tables without side effects on them (no
// accessed or dirty bits, no TLB fill, no fault), or by physical address.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/machine/machine.h"

namespace tx86::fe {

// Read or write up to `len` bytes, stopping at the first unmapped linear
// address; return how many bytes were done. Writes go through the memory
// bus, so translated code from a page written is dropped; ROM stays as it
// is.
size_t read_linear(core::Machine& machine, uint32_t lin, uint8_t* out, size_t len);
size_t write_linear(core::Machine& machine, uint32_t lin, const uint8_t* in, size_t len);
void read_physical(core::Machine& machine, uint64_t phys, uint8_t* out, size_t len);

}  // namespace tx86::fe
