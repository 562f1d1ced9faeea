#include "tests/difftest/regression.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/decoder/decoder.h"
#include "tests/difftest/flag_effects.h"
#include "tests/difftest/report.h"

namespace tx86::difftest {

namespace {

Bytes parse_hex(const std::string& s) {
  Bytes out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<uint8_t>(std::strtoul(s.substr(i, 2).c_str(), nullptr, 16)));
    i += 2;
  }
  return out;
}

// The sparse form report.cpp prints: "offset:bytes" pairs, all hex.
Window parse_window(const std::string& text) {
  Window w{};
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    const size_t colon = text.find(':', pos);
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    size_t at = std::strtoul(text.substr(pos, colon - pos).c_str(), nullptr, 16);
    for (const uint8_t b : parse_hex(text.substr(colon + 1, end - colon - 1))) {
      if (at < w.size()) w[at++] = b;
    }
    pos = end;
  }
  return w;
}

TestCase to_case(const RegressionCase& r) {
  TestCase c;
  c.gpr = r.gpr;
  c.gpr[4] = DT_STACK_TOP;
  c.eflags = r.eflags;
  c.window = parse_window(r.window);
  const std::string code = r.code;
  size_t start = 0;
  while (start <= code.size()) {
    const size_t bar = code.find('|', start);
    const size_t end = bar == std::string::npos ? code.size() : bar;
    c.insns.push_back(parse_hex(code.substr(start, end - start)));
    start = end + 1;
  }
  return c;
}

}  // namespace

std::string run_regression(const RegressionCase& r, Tx86Machine& m) {
  const TestCase c = to_case(r);
  if (r.host_eflags.size() != c.insns.size()) return "host_eflags needs one entry per instruction";
  m.load(c);
  for (size_t i = 0; i < c.insns.size(); ++i) {
    core::DecodedInsn d;
    uint32_t undefined = 0;
    if (core::decode(c.insns[i], true, d) == core::DecodeStatus::kOk) {
      undefined = flag_effects(d, m.state()).undefined;
    }
    const std::string err = m.step(c.boundary(i + 1));
    const std::string at = disassemble(c.insns[i], c.boundary(i));
    if (!err.empty()) return fmt::format("insn {} ({}): {}", i, at, err);
    core::CpuState& s = m.state();
    const uint32_t compared = DT_EFLAGS_MASK & ~undefined;
    if ((s.eflags ^ r.host_eflags[i]) & compared) {
      return fmt::format("insn {} ({}): EFLAGS host {:04X} tx86 {:04X} (compared {})", i, at,
                         r.host_eflags[i], s.eflags & DT_EFLAGS_MASK, flag_names(compared));
    }
    s.eflags = (s.eflags & ~undefined) | (r.host_eflags[i] & undefined);
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (m.state().gpr[i] != r.final_gpr[i]) {
      out += fmt::format("gpr {}: host {:08X} tx86 {:08X}; ", i, r.final_gpr[i], m.state().gpr[i]);
    }
  }
  if (m.window() != parse_window(r.final_window)) out += "data window differs; ";
  return out;
}

}  // namespace tx86::difftest
