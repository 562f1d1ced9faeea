#include "tests/difftest/report.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

namespace tx86::difftest {

namespace {

constexpr const char* kRegNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

// The window's non-zero runs as "offset:bytes" pairs, e.g. "af:8000 c4:ff".
std::string sparse_window(const Window& w) {
  std::string out;
  for (size_t i = 0; i < w.size();) {
    if (w[i] == 0) {
      ++i;
      continue;
    }
    out += fmt::format("{}{:02x}:", out.empty() ? "" : " ", i);
    for (; i < w.size() && w[i] != 0; ++i) out += fmt::format("{:02x}", w[i]);
  }
  return out;
}

std::string regs_initializer(const uint32_t* gpr) {
  std::string out = "{";
  for (int i = 0; i < 8; ++i) out += fmt::format("{}0x{:08X}", i ? ", " : "", gpr[i]);
  return out + "}";
}

}  // namespace

std::string disassemble(const Bytes& insn, uint32_t address) {
  csh h;
  if (cs_open(CS_ARCH_X86, CS_MODE_32, &h) != CS_ERR_OK) return hex_bytes(insn);
  cs_insn* ci = nullptr;
  const size_t n = cs_disasm(h, insn.data(), insn.size(), address, 1, &ci);
  std::string out = n == 1 ? fmt::format("{} {}", ci->mnemonic, ci->op_str) : "(bad)";
  if (n > 0) cs_free(ci, n);
  cs_close(&h);
  return out + "   [" + hex_bytes(insn) + "]";
}

std::string flag_names(uint32_t mask) {
  static constexpr struct {
    uint32_t bit;
    const char* name;
  } kFlags[] = {{0x1, "CF"},  {0x4, "PF"},   {0x10, "AF"}, {0x40, "ZF"},
                {0x80, "SF"}, {0x400, "DF"}, {0x800, "OF"}};
  std::string out;
  for (const auto& f : kFlags) {
    if ((mask & f.bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += f.name;
  }
  return out.empty() ? "none" : out;
}

std::string hex_bytes(const Bytes& b) {
  std::string out;
  for (size_t i = 0; i < b.size(); ++i) out += fmt::format("{}{:02x}", i ? " " : "", b[i]);
  return out;
}

std::string describe_case(const TestCase& c) {
  std::string out;
  for (int r = 0; r < 8; ++r) out += fmt::format("{}={:08X} ", kRegNames[r], c.gpr[r]);
  out += fmt::format("eflags={:04X} ({})\n", c.eflags, flag_names(c.eflags));
  out += "window: " + sparse_window(c.window) + "\n";
  if (c.fpu != fninit_image()) {
    const auto word = [&](unsigned at) { return c.fpu[at] | (c.fpu[at + 1] << 8); };
    out += fmt::format("x87: cw={:04X} sw={:04X} tw={:04X}", word(0), word(4), word(8));
    for (unsigned i = 0; i < 8; ++i) {
      const uint8_t* r = c.fpu.data() + 28 + 10 * i;
      out += fmt::format(" st{}={:02X}{:02X}:", i, r[9], r[8]);
      for (int k = 7; k >= 0; --k) out += fmt::format("{:02X}", r[k]);
    }
    out += "\n";
  }
  for (size_t i = 0; i < c.insns.size(); ++i) {
    out += fmt::format("  {:08X}  {}\n", c.boundary(i), disassemble(c.insns[i], c.boundary(i)));
  }
  return out;
}

std::string regression_entry(const std::string& name, const TestCase& c, const NativeResult& n) {
  std::string code;
  for (size_t i = 0; i < c.insns.size(); ++i) {
    if (i > 0) code += '|';
    code += hex_bytes(c.insns[i]);
  }
  // The host's EFLAGS after each instruction: the first trap at its end.
  std::string flags;
  size_t snap = 0;
  for (size_t i = 0; i < c.insns.size(); ++i) {
    while (snap < n.snapshots.size() && n.snapshots[snap].eip != c.boundary(i + 1)) ++snap;
    if (snap == n.snapshots.size()) break;
    flags += fmt::format("{}0x{:04X}", i ? ", " : "", n.snapshots[snap].eflags & DT_EFLAGS_MASK);
  }
  const dt_snapshot& last = n.snapshots.back();
  std::string out = fmt::format("    {{\"{}\",\n", name);
  for (size_t i = 0; i < c.insns.size(); ++i) {
    out += fmt::format("     // {}\n", disassemble(c.insns[i], c.boundary(i)));
  }
  out += fmt::format("     {},\n", regs_initializer(c.gpr.data()));
  out += fmt::format("     0x{:04X},\n", c.eflags);
  out += fmt::format("     \"{}\",\n", code);
  out += fmt::format("     \"{}\",\n", sparse_window(c.window));
  out += fmt::format("     {{{}}},\n", flags);
  out += fmt::format("     {},\n", regs_initializer(last.gpr));
  out += fmt::format("     \"{}\"}},\n", sparse_window(n.window));
  return out;
}

}  // namespace tx86::difftest
