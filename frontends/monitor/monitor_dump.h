// What the monitor prints for `info registers` and `x`/`xp`: text in the
// shape of QEMU's human monitor, so that what people know from QEMU reads
// the same here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/machine/machine.h"
#include "core/trace/disassembler.h"

namespace tx86::fe {

std::string format_registers(core::Cpu& cpu, bool a20);

// The "/FMT" of x and xp: a count, then a format letter (x hex, d signed,
// u unsigned, o octal, c characters, i instructions) and a size letter (b,
// h, w, g), each optional; the defaults are 1, x and w.
struct DumpFormat {
  unsigned count = 1;
  char format = 'x';
  unsigned size = 4;
};
// nullopt for a bad format (the text after '/').
std::optional<DumpFormat> parse_dump_format(std::string_view text);

// Dumps memory from `addr` (linear for x, physical for xp). Stops with a
// line saying so at the first address that maps nothing (x only).
std::string dump_memory(core::Machine& machine, uint64_t addr, const DumpFormat& f, bool physical,
                        const core::Disassembler& disassembler);

}  // namespace tx86::fe
