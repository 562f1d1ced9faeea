#include "frontends/monitor/monitor.h"

#include <fmt/format.h>

#include <array>

#include "core/machine/user_error.h"
#include "devices/input/ps2_keyboard.h"
#include "frontends/common/debug_memory.h"
#include "frontends/common/png_file.h"
#include "frontends/common/save_state.h"
#include "frontends/monitor/key_names.h"
#include "frontends/monitor/monitor_dump.h"

namespace tx86::fe {

namespace {

constexpr const char* kHelp =
    "help|?                    this list\n"
    "info registers            the CPU's registers\n"
    "info status               whether the machine runs or is stopped\n"
    "info stats                instructions run, guest time, the JIT's statistics\n"
    "x /FMT ADDR               memory at a linear address (through the page tables)\n"
    "xp /FMT ADDR              memory at a physical address\n"
    "                          FMT: count, format x d u o c i, size b h w g (x /10i $pc)\n"
    "stop                      stop the machine\n"
    "cont|c                    let it go on\n"
    "step [N]                  execute N instructions (1), stopped, and show where\n"
    "system_reset              reset the machine, as its reset button does\n"
    "screendump FILE           write the display to FILE, a PNG\n"
    "sendkey KEYS              press keys together and release them: ctrl-alt-delete\n"
    "change DEVICE FILE        insert a medium: floppy0, floppy1, ide1-cd0 (or cdrom)\n"
    "eject [-f] DEVICE         remove it (-f: even if the guest locked it)\n"
    "savevm FILE               save the machine's state to FILE\n"
    "loadvm FILE               load a state saved by this tx86 with the same command line\n"
    "quit|q                    end tx86 (status 0)\n";

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<uint64_t> parse_number(std::string_view t) {
  if (t.empty()) return std::nullopt;
  unsigned base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    base = 16;
    t.remove_prefix(2);
  }
  uint64_t v = 0;
  for (const char ch : t) {
    unsigned d = 0;
    if (ch >= '0' && ch <= '9') {
      d = static_cast<unsigned>(ch - '0');
    } else if (base == 16 && ch >= 'a' && ch <= 'f') {
      d = static_cast<unsigned>(ch - 'a' + 10);
    } else if (base == 16 && ch >= 'A' && ch <= 'F') {
      d = static_cast<unsigned>(ch - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (d >= base || v > (UINT64_MAX - d) / base) return std::nullopt;
    v = v * base + d;
  }
  return v;
}

}  // namespace

std::string Monitor::execute(std::string_view line) {
  const Args args = split(line);
  if (args.empty()) return {};
  const std::string_view cmd = args[0];
  try {
    if (cmd == "help" || cmd == "?") return kHelp;
    if (cmd == "info") return info(args);
    if (cmd == "x") return examine(args, false);
    if (cmd == "xp") return examine(args, true);
    if (cmd == "stop") {
      stopped_ = true;
      return {};
    }
    if (cmd == "cont" || cmd == "c") {
      stopped_ = false;
      return {};
    }
    if (cmd == "step") return step(args);
    if (cmd == "system_reset") {
      c_.machine.request_reset();
      return {};
    }
    if (cmd == "screendump") return screendump(args);
    if (cmd == "sendkey") return sendkey(args);
    if (cmd == "change") return change(args);
    if (cmd == "eject") return eject(args);
    if (cmd == "savevm" || cmd == "loadvm") {
      if (args.size() != 2) return std::string(cmd) + " FILE\n";
      if (cmd == "savevm") {
        save_machine_state(c_.machine, std::string(args[1]));
      } else {
        load_machine_state(c_.machine, std::string(args[1]));
      }
      return {};
    }
    if (cmd == "quit" || cmd == "q") {
      end_ = core::RunResult{core::RunOutcome::kExit, 0, "quit from the monitor"};
      return {};
    }
  } catch (const core::UserError& e) {
    return std::string(e.what()) + "\n";
  }
  return fmt::format("unknown command: '{}' (help lists them)\n", cmd);
}

std::string Monitor::info(const Args& args) {
  const std::string_view what = args.size() > 1 ? args[1] : "";
  if (what == "registers") return format_registers(c_.machine.cpu(), c_.machine.a20());
  if (what == "status") return stopped_ ? "VM status: paused\n" : "VM status: running\n";
  if (what == "stats") return stats();
  return "info registers | status | stats\n";
}

std::string Monitor::stats() {
  core::Machine& m = c_.machine;
  std::string out = fmt::format("{} guest instructions, {:.6f} s of guest time\n",
                                m.cpu().state.icount, m.scheduler().now() / 1e9);
  if (c_.stats) out += c_.stats() + "\n";
  return out;
}

std::optional<uint64_t> Monitor::evaluate(std::string_view expr) const {
  const core::CpuState& s = c_.machine.cpu().state;
  static constexpr std::array<std::string_view, 8> kGprs = {"eax", "ecx", "edx", "ebx",
                                                            "esp", "ebp", "esi", "edi"};
  auto term_value = [&](std::string_view term) -> std::optional<uint64_t> {
    if (term.empty() || term[0] != '$') return parse_number(term);
    const std::string_view name = term.substr(1);
    for (size_t r = 0; r < kGprs.size(); ++r) {
      if (name == kGprs[r]) return s.gpr[r];
    }
    if (name == "eip") return s.eip;
    if (name == "pc") return uint64_t{s.seg[core::kCs].base} + s.eip;
    return std::nullopt;
  };
  uint64_t total = 0;
  bool subtract = false;
  size_t i = 0;
  for (;;) {
    const size_t end = expr.find_first_of("+-", i);
    const std::optional<uint64_t> v = term_value(expr.substr(i, end - i));
    if (!v) return std::nullopt;
    total = subtract ? total - *v : total + *v;
    if (end == std::string_view::npos) break;
    subtract = expr[end] == '-';
    i = end + 1;
  }
  return total & 0xFFFFFFFFu;
}

std::string Monitor::examine(const Args& args, bool physical) {
  const char* usage = physical ? "xp /FMT ADDR\n" : "x /FMT ADDR\n";
  DumpFormat f;
  size_t at = 1;
  if (args.size() > at && !args[at].empty() && args[at][0] == '/') {
    const std::optional<DumpFormat> parsed = parse_dump_format(args[at].substr(1));
    if (!parsed) return fmt::format("bad format '{}'\n", args[at]);
    f = *parsed;
    ++at;
  }
  if (args.size() != at + 1) return usage;
  const std::optional<uint64_t> addr = evaluate(args[at]);
  if (!addr) return fmt::format("bad address '{}'\n", args[at]);
  return dump_memory(c_.machine, *addr, f, physical, disassembler_);
}

std::string Monitor::where() const {
  core::Machine& m = c_.machine;
  const core::CpuState& s = m.cpu().state;
  const uint64_t pc = uint64_t{s.seg[core::kCs].base} + s.eip;
  uint8_t bytes[15];
  const size_t got = read_linear(m, static_cast<uint32_t>(pc), bytes, sizeof bytes);
  size_t length = 0;
  const std::string text =
      got == 0 ? "(not mapped)" : disassembler_.one({bytes, got}, s.code32(), s.eip, length);
  return fmt::format("{:04x}:{:08x}  {}\n", s.seg[core::kCs].selector, s.eip, text);
}

std::string Monitor::step(const Args& args) {
  uint64_t n = 1;
  if (args.size() > 1) {
    const std::optional<uint64_t> v = parse_number(args[1]);
    if (!v || *v == 0) return "step [N]: N is a count of instructions\n";
    n = *v;
  }
  stopped_ = true;
  for (uint64_t i = 0; i < n; ++i) {
    const core::RunResult r = c_.machine.step();
    if (r.outcome != core::RunOutcome::kDebugStop && r.outcome != core::RunOutcome::kPaused) {
      end_ = r;
      return "the run ended\n";
    }
  }
  return where();
}

std::string Monitor::screendump(const Args& args) {
  if (args.size() != 2) return "screendump FILE\n";
  core::Machine& m = c_.machine;
  write_png(std::string(args[1]), c_.board.frame(m.scheduler().now()));
  return {};
}

std::string Monitor::sendkey(const Args& args) {
  if (args.size() != 2) return "sendkey KEYS (names joined by '-': ctrl-alt-delete)\n";
  std::vector<dev::Key> keys;
  std::string_view rest = args[1];
  while (!rest.empty()) {
    const size_t dash = rest.find('-');
    const std::string_view name = rest.substr(0, dash);
    const std::optional<dev::Key> key = key_for_name(name);
    if (!key) return fmt::format("unknown key '{}'\n", name);
    keys.push_back(*key);
    rest = dash == std::string_view::npos ? std::string_view() : rest.substr(dash + 1);
  }
  dev::Ps2Keyboard& kb = c_.board.keyboard();
  for (const dev::Key k : keys) kb.key_down(k);
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) kb.key_up(*it);
  return {};
}

std::string Monitor::change(const Args& args) {
  if (args.size() != 3) return "change DEVICE FILE\n";
  c_.board.change_medium(std::string(args[1]), std::string(args[2]), c_.snapshot);
  return {};
}

std::string Monitor::eject(const Args& args) {
  const bool force = args.size() == 3 && args[1] == "-f";
  if (args.size() != (force ? 3u : 2u)) return "eject [-f] DEVICE\n";
  c_.board.eject_medium(std::string(args.back()), force);
  return {};
}

}  // namespace tx86::fe
