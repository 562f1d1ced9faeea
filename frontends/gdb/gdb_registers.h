// The registers the GDB stub shows, in the order of its target description
// (target_xml): gdb's i386 core set (general, EIP, EFLAGS, the six segment
// selectors, the x87 stack and its control registers), then CR0, CR2, CR3
// and CR4 in a feature of tx86's own, which gdb lists by name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/cpu/cpu.h"

namespace tx86::fe::gdb {

inline constexpr unsigned kRegisterCount = 36;

// The target description gdb reads through qXfer:features:read:target.xml.
const std::string& target_xml();

// Register n, little-endian, as many bytes as its type (4, or 10 for
// st0-st7); empty past the last register.
std::vector<uint8_t> read_register(core::Cpu& cpu, unsigned n);
// Sets register n from its bytes. False for a bad number or size, or a
// selector whose descriptor cannot be read in protected mode. A segment
// register is loaded as the processor would load it, without the checks:
// its cache comes from the descriptor (or selector * 16 in real and
// virtual-8086 mode). CR0, CR3 and CR4 go through the CPU's own writes,
// which flush the TLB as the guest's MOV to CR would.
bool write_register(core::Cpu& cpu, unsigned n, std::span<const uint8_t> bytes);

// All registers back to back (the 'g' packet), and the same split up ('G').
std::vector<uint8_t> read_all_registers(core::Cpu& cpu);
bool write_all_registers(core::Cpu& cpu, std::span<const uint8_t> bytes);

}  // namespace tx86::fe::gdb
