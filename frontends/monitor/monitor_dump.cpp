#include "frontends/monitor/monitor_dump.h"

#include <fmt/format.h>

#include <vector>

#include "frontends/common/debug_memory.h"

namespace tx86::fe {

namespace {

// QEMU's descriptor-flags column: the descriptor's high dword, bits 8-23.
uint32_t descriptor_flags(const core::SegmentCache& s) {
  return (uint32_t{s.attrs} & 0xFF) << 8 | (uint32_t{s.attrs} & 0xF000) << 8;
}

std::string segment_line(const char* name, const core::SegmentCache& s) {
  return fmt::format("{:<3}={:04x} {:08x} {:08x} {:08x}\n", name, s.selector, s.base, s.limit,
                     descriptor_flags(s));
}

// Reads n bytes at addr; returns how many it could.
size_t fetch(core::Machine& m, uint64_t addr, uint8_t* out, size_t n, bool physical) {
  if (physical) {
    read_physical(m, addr, out, n);
    return n;
  }
  return read_linear(m, static_cast<uint32_t>(addr), out, n);
}

std::string unit_text(uint64_t v, const DumpFormat& f) {
  const unsigned bits = f.size * 8;
  switch (f.format) {
    case 'd': {
      const int64_t sv = bits == 64 ? static_cast<int64_t>(v)
                                    : static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
      return fmt::format("{}", sv);
    }
    case 'u': return fmt::format("{}", v);
    case 'o': return fmt::format("0{:o}", v);
    case 'c':
      return v >= 0x20 && v < 0x7F ? fmt::format("'{}'", static_cast<char>(v))
                                   : fmt::format("'\\x{:02x}'", v);
    default: return fmt::format("0x{:0{}x}", v, f.size * 2);
  }
}

}  // namespace

std::string format_registers(core::Cpu& cpu, bool a20) {
  const core::CpuState& s = cpu.state;
  using core::flags::kAf, core::flags::kCf, core::flags::kOf, core::flags::kPf, core::flags::kSf,
      core::flags::kZf, core::flags::kDf;
  auto f = [&](uint32_t bit, char c) { return (s.eflags & bit) ? c : '-'; };
  std::string out = fmt::format(
      "EAX={:08x} EBX={:08x} ECX={:08x} EDX={:08x}\n"
      "ESI={:08x} EDI={:08x} EBP={:08x} ESP={:08x}\n"
      "EIP={:08x} EFL={:08x} [{}{}{}{}{}{}{}] CPL={} II={} A20={} HLT={}\n",
      s.gpr[core::kEax], s.gpr[core::kEbx], s.gpr[core::kEcx], s.gpr[core::kEdx], s.gpr[core::kEsi],
      s.gpr[core::kEdi], s.gpr[core::kEbp], s.gpr[core::kEsp], s.eip, s.eflags, f(kOf, 'O'),
      f(kDf, 'D'), f(kSf, 'S'), f(kZf, 'Z'), f(kAf, 'A'), f(kPf, 'P'), f(kCf, 'C'), cpu.cpl(),
      s.interrupt_shadow ? 1 : 0, a20 ? 1 : 0, s.halted ? 1 : 0);
  const char* names[] = {"ES", "CS", "SS", "DS", "FS", "GS"};
  for (int i = 0; i < core::kSegCount; ++i) out += segment_line(names[i], s.seg[i]);
  out += segment_line("LDT", s.ldtr);
  out += segment_line("TR", s.tr);
  out += fmt::format("GDT=     {:08x} {:08x}\nIDT=     {:08x} {:08x}\n", s.gdtr.base, s.gdtr.limit,
                     s.idtr.base, s.idtr.limit);
  out += fmt::format("CR0={:08x} CR2={:08x} CR3={:08x} CR4={:08x}\n", s.cr0, s.cr2, s.cr3, s.cr4);
  out += fmt::format("DR0={:08x} DR1={:08x} DR2={:08x} DR3={:08x}\nDR6={:08x} DR7={:08x}\n",
                     s.dr[0], s.dr[1], s.dr[2], s.dr[3], s.dr[6], s.dr[7]);
  return out;
}

std::optional<DumpFormat> parse_dump_format(std::string_view text) {
  DumpFormat f;
  size_t i = 0;
  unsigned count = 0;
  bool has_count = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    count = count * 10 + static_cast<unsigned>(text[i++] - '0');
    if (count > 1'000'000) return std::nullopt;
    has_count = true;
  }
  if (has_count) f.count = count;
  for (; i < text.size(); ++i) {
    switch (text[i]) {
      case 'x':
      case 'd':
      case 'u':
      case 'o':
      case 'c':
      case 'i': f.format = text[i]; break;
      case 'b': f.size = 1; break;
      case 'h': f.size = 2; break;
      case 'w': f.size = 4; break;
      case 'g': f.size = 8; break;
      default: return std::nullopt;
    }
  }
  if (f.format == 'c') f.size = 1;
  return f;
}

std::string dump_memory(core::Machine& machine, uint64_t addr, const DumpFormat& f, bool physical,
                        const core::Disassembler& disassembler) {
  std::string out;
  if (f.format == 'i') {
    const bool code32 = machine.cpu().state.code32();
    for (unsigned n = 0; n < f.count; ++n) {
      uint8_t bytes[15];  // the longest x86 instruction
      const size_t got = fetch(machine, addr, bytes, sizeof bytes, physical);
      if (got == 0) {
        out += fmt::format("Cannot access memory at {:08x}\n", addr);
        break;
      }
      size_t length = 0;
      const std::string text =
          disassembler.one({bytes, got}, code32, static_cast<uint32_t>(addr), length);
      out += fmt::format("0x{:08x}:  {}\n", addr, text);
      addr += length;
    }
    return out;
  }
  const unsigned per_line = f.format == 'c' ? 16 : 16 / f.size;
  for (unsigned n = 0; n < f.count; ++n) {
    if (n % per_line == 0) {
      if (n != 0) out += '\n';
      out += fmt::format("{:08x}:", addr);
    }
    uint8_t bytes[8] = {};
    if (fetch(machine, addr, bytes, f.size, physical) != f.size) {
      out += fmt::format("\nCannot access memory at {:08x}", addr);
      break;
    }
    uint64_t v = 0;
    for (unsigned b = 0; b < f.size; ++b) v |= uint64_t{bytes[b]} << (8 * b);
    out += ' ';
    out += unit_text(v, f);
    addr += f.size;
  }
  out += '\n';
  return out;
}

}  // namespace tx86::fe
