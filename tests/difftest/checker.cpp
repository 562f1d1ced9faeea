#include "tests/difftest/checker.h"

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include "core/decoder/decoder.h"
#include "tests/difftest/flag_effects.h"
#include "tests/difftest/report.h"

namespace tx86::difftest {

namespace {

constexpr const char* kRegNames[8] = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};

uint32_t undefined_flags(const Bytes& insn, const core::CpuState& before) {
  core::DecodedInsn d;
  if (core::decode(insn, true, d) != core::DecodeStatus::kOk) return 0;
  return flag_effects(d, before).undefined;
}

std::string hex80(const uint8_t* p) {
  return fmt::format("{:02X}{:02X}:{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}", p[9], p[8],
                     p[7], p[6], p[5], p[4], p[3], p[2], p[1], p[0]);
}

// The x87 control, status and tag words and every data register (empty
// ones too: their contents stay and MMX reads them).
std::string compare_fpu(const dt_snapshot& host, const RegState& t) {
  std::string out;
  const auto word = [&](const char* name, uint32_t h, uint16_t x) {
    if ((h & 0xFFFFu) != x)
      out += fmt::format("  {} host {:04X} tx86 {:04X}\n", name, h & 0xFFFFu, x);
  };
  word("FCW", host.fcw, t.fcw);
  word("FSW", host.fsw, t.fsw);
  word("FTW", host.ftw, t.ftw);
  for (int i = 0; i < 8; ++i) {
    if (std::memcmp(host.st + 10 * i, t.st.data() + 10 * i, 10) != 0) {
      out += fmt::format("  ST({}) host {} tx86 {}\n", i, hex80(host.st + 10 * i),
                         hex80(t.st.data() + 10 * i));
    }
  }
  return out;
}

// Compares registers and flags; returns "" when equal.
std::string compare_regs(const dt_snapshot& host, const RegState& t, uint32_t flag_mask) {
  std::string out;
  for (int r = 0; r < 8; ++r) {
    if (host.gpr[r] != t.gpr[r]) {
      out += fmt::format("  {} host {:08X} tx86 {:08X}\n", kRegNames[r], host.gpr[r], t.gpr[r]);
    }
  }
  if ((host.eflags ^ t.eflags) & flag_mask) {
    out += fmt::format("  EFLAGS host {:04X} tx86 {:04X} (differ in {}; compared {})\n",
                       host.eflags & DT_EFLAGS_MASK, t.eflags & DT_EFLAGS_MASK,
                       flag_names((host.eflags ^ t.eflags) & flag_mask), flag_names(flag_mask));
  }
  out += compare_fpu(host, t);
  return out;
}

// The signal Linux sends a 32-bit process for an exception vector.
int signal_for_vector(unsigned vector) {
  switch (vector) {
    case 0:                   // #DE
    case 16: return SIGFPE;   // #MF
    case 6: return SIGILL;    // #UD
    case 17: return SIGBUS;   // #AC
    case 10:                  // #TS
    case 11:                  // #NP
    case 12:                  // #SS
    case 13:                  // #GP
    case 14: return SIGSEGV;  // #PF
    default: return -1;
  }
}

// The vector in Tx86Machine::step's "fault: vector N", or -1.
int fault_vector(const std::string& err) {
  static constexpr char kPrefix[] = "fault: vector ";
  if (err.rfind(kPrefix, 0) != 0) return -1;
  return std::atoi(err.c_str() + sizeof kPrefix - 1);
}

std::string where(const TestCase& c, size_t i) {
  return fmt::format("insn {} at {:08X}: {}", i, c.boundary(i),
                     disassemble(c.insns[i], c.boundary(i)));
}

}  // namespace

CheckResult check_case(const TestCase& c, const NativeResult& n, Tx86Machine& m) {
  CheckResult res;
  const auto fail = [&](std::string msg) {
    res.ok = false;
    res.message = std::move(msg);
    return res;
  };
  m.load(c);
  if (n.snapshots.empty() || n.snapshots[0].eip != DT_CODE_PAGE) {
    return fail(fmt::format("host run did not start (status {})", n.status));
  }
  const std::string setup = compare_regs(n.snapshots[0], m.regs(), DT_EFLAGS_MASK);
  if (!setup.empty()) return fail("initial state differs:\n" + setup);

  size_t snap = 0;
  for (size_t i = 0; i < c.insns.size(); ++i) {
    const uint32_t end = c.boundary(i + 1);
    const uint32_t undefined = undefined_flags(c.insns[i], m.state());
    const std::string err = m.step(end);
    while (snap < n.snapshots.size() && n.snapshots[snap].eip != end) ++snap;
    if (snap == n.snapshots.size()) {
      res.native_faulted = true;
      const std::string host = n.status == DT_STATUS_TOO_MANY_STEPS
                                   ? std::string("too many steps")
                                   : fmt::format("signal {} at {:08X}", n.status, n.fault_eip);
      if (err.empty()) {
        return fail(fmt::format("{}\n  host stopped ({}), tx86 completed", where(c, i), host));
      }
      const int vector = fault_vector(err);
      if (n.fault_eip != c.boundary(i) || vector < 0 ||
          signal_for_vector(static_cast<unsigned>(vector)) != static_cast<int>(n.status)) {
        return fail(fmt::format("{}\n  both stopped: host {}, tx86 {}", where(c, i), host, err));
      }
      // The same exception: the state at the fault is the state before it.
      const std::string diff = compare_regs(n.snapshots.back(), m.regs(), DT_EFLAGS_MASK);
      if (!diff.empty()) return fail(where(c, i) + " (at the fault)\n" + diff);
      ++res.insns;
      break;
    }
    if (!err.empty()) return fail(fmt::format("{}\n  tx86 stopped: {}", where(c, i), err));

    const dt_snapshot& host = n.snapshots[snap];
    const std::string diff = compare_regs(host, m.regs(), DT_EFLAGS_MASK & ~undefined);
    if (!diff.empty()) return fail(where(c, i) + "\n" + diff);
    // The host's values of the undefined flags carry on into tx86.
    core::CpuState& s = m.state();
    s.eflags = (s.eflags & ~undefined) | (host.eflags & undefined);
    res.native_eflags.push_back(host.eflags & DT_EFLAGS_MASK);
    res.undefined.push_back(undefined);
    ++res.insns;
  }

  const Window w = m.window();
  if (w != n.window) {
    std::string msg = "data window differs after the last instruction:\n";
    for (uint32_t i = 0; i < DT_WINDOW_SIZE; ++i) {
      if (w[i] != n.window[i]) {
        msg +=
            fmt::format("  [{:08X}] host {:02X} tx86 {:02X}\n", DT_WINDOW + i, n.window[i], w[i]);
      }
    }
    return fail(msg);
  }
  if (m.outside_dirty() != n.outside_dirty) {
    return fail(fmt::format("data page outside the window: host {}, tx86 {}",
                            n.outside_dirty ? "written" : "clean",
                            m.outside_dirty() ? "written" : "clean"));
  }
  return res;
}

}  // namespace tx86::difftest
