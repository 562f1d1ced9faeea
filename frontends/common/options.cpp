#include "frontends/common/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/machine/user_error.h"
#include "frontends/common/config_file.h"
#include "frontends/common/size_parse.h"
#include "frontends/sdl/desktop_app.h"

namespace tx86::fe {

namespace {

constexpr const char* kFooter = R"(Exit status:
  0..255  from the guest through isa-debug-exit at port 0xF4: (value<<1)|1,
          or the value itself with --exit-mode raw
  1       the guest used something tx86 does not implement yet
  2       bad command line or input file
  4       guest stopped: HLT with interrupts disabled or nothing left to wake it
  6       guest triple fault with --no-reboot
  124     --timeout expired
  130     interrupted (SIGINT/SIGTERM))";

// Which --help group (and config file section) each option belongs to.
constexpr std::pair<const char*, const char*> kGroups[] = {
    {"bios", "Machine"},
    {"vga-bios", "Machine"},
    {"memory", "Machine"},
    {"rtc", "Machine"},
    {"cmos", "Machine"},
    {"no-reboot", "Machine"},
    {"kernel", "Boot"},
    {"append", "Boot"},
    {"initrd", "Boot"},
    {"boot", "Boot"},
    {"hda", "Drives"},
    {"hdb", "Drives"},
    {"hdc", "Drives"},
    {"hdd", "Drives"},
    {"cdrom", "Drives"},
    {"fda", "Drives"},
    {"fdb", "Drives"},
    {"drive", "Drives"},
    {"snapshot", "Drives"},
    {"display", "Display"},
    {"mouse-release", "Display"},
    {"screenshot", "Display"},
    {"screenshot-at", "Display"},
    {"screendump-text", "Display"},
    {"serial", "Devices"},
    {"debugcon", "Devices"},
    {"exit-mode", "Devices"},
    {"timeout", "Run"},
    {"cpu-engine", "Run"},
    {"jit-threshold", "Run"},
    {"jit-background", "Run"},
    {"stats", "Run"},
    {"log-level", "Run"},
    {"gdb", "Debug"},
    {"s", "Debug"},
    {"S", "Debug"},
    {"monitor", "Debug"},
    {"trace", "Debug"},
    {"trace-from", "Debug"},
    {"trace-count", "Debug"},
    {"d", "Debug"},
    {"jit-log", "Debug"},
    {"perf-map", "Debug"},
    {"loadvm", "State"},
    {"savevm", "State"},
    {"savevm-at", "State"},
    {"config", "Config"},
    {"print-config", "Config"},
};

// A command line's options bound to the values they fill: the Options,
// and the text the parser turns into them afterwards (finish()).
struct CommandLine {
  CLI::App app{"tx86 - a full-system x86 PC emulator", "tx86"};
  Options o;
  std::string memory = "128M";
  std::string boot;
  std::string rtc;
  std::string exit_mode = "qemu";
  std::string log_level = "warn";
  double timeout = 0;
  std::array<std::string, 4> hd;
  std::string cdrom;
  std::array<std::string, 2> fd;
  std::vector<std::string> drive_specs;
  std::string trace_from;
  std::vector<std::string> log_items;
  bool gdb_default = false;
  std::optional<std::string> config;
  bool print_config = false;
  CLI::Option* timeout_opt = nullptr;
  CLI::Option* boot_opt = nullptr;
  CLI::Option* rtc_opt = nullptr;
  std::array<CLI::Option*, 4> hd_opt{};
  CLI::Option* cdrom_opt = nullptr;
  CLI::Option* fda_opt = nullptr;
  CLI::Option* fdb_opt = nullptr;
  CLI::Option* trace_from_opt = nullptr;
  CLI::Option* gdb_wait_opt = nullptr;

  CommandLine() {
    app.set_version_flag("--version", std::string("tx86 ") + TX86_VERSION);
    app.footer(kFooter);
    app.get_formatter()->column_width(34);
    add_options();
    app.add_option("--config", config,
                   "read settings from this TOML file first (its sections are the groups here, "
                   "its keys the flags without dashes); flags given here win");
    app.add_flag("--print-config", print_config,
                 "print the settings of this run as a config file, and exit");
    for (CLI::Option* opt : app.get_options()) {
      const std::string name = opt->get_lnames().empty()
                                   ? (opt->get_snames().empty() ? "" : opt->get_snames()[0])
                                   : opt->get_lnames()[0];
      for (const auto& [option, group] : kGroups) {
        if (name == option) opt->group(group);
      }
    }
  }

  void add_options() {
    static constexpr const char* hd_names[] = {"--hda", "--hdb", "--hdc", "--hdd"};
    app.add_option("--bios", o.bios, "BIOS image, mapped below 4 GiB and below 1 MiB")
        ->capture_default_str();
    app.add_option("--vga-bios", o.vga_bios, "option ROM of the std VGA (its PCI ROM BAR)")
        ->capture_default_str();
    app.add_option("-m,--memory", memory, "guest RAM: a size like 128M, 1G (no suffix: MiB)")
        ->capture_default_str();
    app.add_option(
           "--display", o.display,
           std::string("display: none (headless) or sdl (a window; ") + kDesktopHotkeys + ")")
        ->check(CLI::IsMember({"none", "sdl"}))
        ->capture_default_str();
    app.add_option("--mouse-release", o.mouse_release,
                   "with --display sdl: what releases the captured mouse, ctrl-alt or middle "
                   "(the middle button, which the guest then never sees)")
        ->check(CLI::IsMember({"ctrl-alt", "middle"}))
        ->capture_default_str();
    app.add_option("--debugcon", o.debugcon,
                   "debug console (ports 0xE9, 0x402) output: stdio, file:PATH or none")
        ->capture_default_str();
    app.add_option("--exit-mode", exit_mode,
                   "isa-debug-exit status: qemu ((value<<1)|1) or raw (the value)")
        ->check(CLI::IsMember({"qemu", "raw"}))
        ->capture_default_str();
    timeout_opt = app.add_option("--timeout", timeout,
                                 "stop after this many wall-clock seconds (exit status 124)")
                      ->check(CLI::PositiveNumber);
    app.add_option("--serial", o.serial,
                   "COM1 (then COM2) line: stdio, file:PATH, pty or none; repeat for COM2 "
                   "(default: stdio when headless)")
        ->expected(1, 2);
    boot_opt = app.add_option("--boot", boot,
                              "boot order as QEMU: cd, or order=cd,menu=on|off,reboot-timeout=MS");
    rtc_opt = app.add_option(
        "--rtc", rtc, "RTC start: base=utc|localtime|2024-05-01T12:00:00 (default: 2000-01-01)");
    auto* kernel_opt =
        app.add_option("--kernel", o.kernel,
                       "boot this kernel directly, without a BIOS (as QEMU): a Linux "
                       "bzImage (32-bit boot protocol) or a Multiboot kernel");
    app.add_option("--append", o.append, "the kernel's command line")->needs(kernel_opt);
    app.add_option("--initrd", o.initrd, "the initramfs of a Linux --kernel")->needs(kernel_opt);
    static constexpr const char* hd_help[] = {
        "IDE primary master disk image (raw)", "IDE primary slave disk image",
        "IDE secondary master disk image", "IDE secondary slave disk image"};
    for (unsigned i = 0; i < 4; ++i) hd_opt[i] = app.add_option(hd_names[i], hd[i], hd_help[i]);
    cdrom_opt = app.add_option("--cdrom", cdrom, "CD-ROM image (ISO) in the secondary master");
    fda_opt = app.add_option("--fda", fd[0], "floppy image for drive A: (160K to 2.88M)");
    fdb_opt = app.add_option("--fdb", fd[1], "floppy image for drive B:");
    app.add_option("--drive", drive_specs,
                   "a drive as QEMU: file=F,if=ide|floppy,index=N,media=disk|cdrom,readonly=on|off "
                   "(repeatable)");
    app.add_flag("--snapshot", o.snapshot,
                 "leave every image untouched: guest writes go to a temporary overlay");
    app.add_option("--cmos", o.cmos_file, "keep the CMOS RAM in this file (loaded if it exists)");
    app.add_option("--screendump-text", o.screendump_text,
                   "at exit, write the VGA text screen to this file");
    auto* screenshot_opt =
        app.add_option("--screenshot", o.screenshot, "at exit, write the display to this PNG file");
    app.add_option("--screenshot-at", o.screenshot_at,
                   "take the --screenshot at this many seconds of guest time, then exit (status 0)")
        ->check(CLI::PositiveNumber)
        ->needs(screenshot_opt);
    app.add_flag("--no-reboot", o.no_reboot,
                 "exit (status 6) instead of resetting when the guest triple-faults");
    app.add_option("--cpu-engine", o.cpu_engine,
                   "jit (translate to host code), interp (the reference interpreter) or verify "
                   "(the JIT checked against the interpreter block by block)")
        ->check(CLI::IsMember({"jit", "interp", "verify"}))
        ->capture_default_str();
    app.add_option("--jit-log", o.jit_log,
                   "write each translated block (guest code, IR, host code) to this file");
    app.add_option("--jit-threshold", o.jit_threshold,
                   "translate a block the Nth time it runs, interpreting it until then (0 or 1: "
                   "at once; verify translates at once)")
        ->check(CLI::Range(0u, 65535u))
        ->capture_default_str();
    app.add_option("--jit-background", o.jit_background,
                   "translate on a second host thread while the guest runs on in the interpreter "
                   "(false: translate before going on)")
        ->capture_default_str();
    app.add_flag("--perf-map", o.perf_map,
                 "write /tmp/perf-PID.map so that perf can name translated code");
    app.add_flag("--stats", o.stats, "print execution statistics at exit (on stderr)");
    app.add_flag("--trace", o.trace, "log every executed instruction with the registers");
    trace_from_opt = app.add_option(
        "--trace-from", trace_from,
        "--trace from the first instruction at this linear address (hex, e.g. 0xc1000000)");
    app.add_option("--trace-count", o.trace_count,
                   "--trace this many instructions, then stop tracing")
        ->check(CLI::PositiveNumber);
    app.add_option("-d", log_items,
                   "log these on stderr, a comma-separated list (as QEMU): int (every interrupt "
                   "and exception delivered, a line each)")
        ->delimiter(',')
        ->check(CLI::IsMember({"int"}));
    app.add_option(
        "--gdb", o.gdb,
        "wait for gdb's connections at tcp::PORT (127.0.0.1) or tcp:HOST:PORT (as QEMU's "
        "-gdb; PORT 0 picks a free one, printed on stderr)");
    app.add_flag("-s", gdb_default, "short for --gdb tcp::1234");
    gdb_wait_opt =
        app.add_flag("-S", o.gdb_wait,
                     "with --gdb, -s or --monitor: do not start the CPU until gdb or the monitor "
                     "says so (continue, cont)");
    app.add_option("--monitor", o.monitor,
                   "a monitor (as QEMU's, 'help' lists its commands) on stdio, or at tcp::PORT "
                   "(127.0.0.1) or tcp:HOST:PORT for telnet or nc");
    app.add_option("--loadvm", o.loadvm,
                   "start from this save state (made with the same command line, by this tx86)");
    auto* savevm_opt = app.add_option(
        "--savevm", o.savevm, "save the machine's state to this file at --savevm-at (and go on)");
    app.add_option("--savevm-at", o.savevm_at,
                   "the guest time, in seconds, of --savevm (deterministic: the same instruction "
                   "every run)")
        ->check(CLI::NonNegativeNumber)
        ->needs(savevm_opt);
    savevm_opt->needs(app.get_option("--savevm-at"));
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->capture_default_str();
  }
};

// Turns the parsed text into Options; throws UserError for a bad value.
void finish(CommandLine& c) {
  Options& o = c.o;
  const auto bytes = parse_size(c.memory);
  if (!bytes) {
    throw core::UserError("--memory: '" + c.memory + "' is not a size (examples: 128M, 1G, 512)");
  }
  o.memory_bytes = *bytes;
  if (c.trace_from_opt->count() > 0) {
    const auto from = parse_hex32(c.trace_from);
    if (!from) {
      throw core::UserError("--trace-from: '" + c.trace_from + "' is not a 32-bit hex address");
    }
    o.trace_from = *from;
  }
  if (c.boot_opt->count() > 0) o.boot = parse_boot(c.boot);
  if (c.rtc_opt->count() > 0) o.rtc_base = parse_rtc_base(c.rtc);
  static constexpr const char* hd_names[] = {"--hda", "--hdb", "--hdc", "--hdd"};
  for (unsigned i = 0; i < 4; ++i) {
    if (c.hd_opt[i]->count() == 0) continue;
    place_drive(o.drives, DriveSpec{c.hd[i], DriveSpec::Interface::kIde, i, false, false},
                hd_names[i]);
  }
  if (c.cdrom_opt->count() > 0) {
    place_drive(o.drives, DriveSpec{c.cdrom, DriveSpec::Interface::kIde, 2, true, true}, "--cdrom");
  }
  if (c.fda_opt->count() > 0) {
    place_drive(o.drives, DriveSpec{c.fd[0], DriveSpec::Interface::kFloppy, 0, false, false},
                "--fda");
  }
  if (c.fdb_opt->count() > 0) {
    place_drive(o.drives, DriveSpec{c.fd[1], DriveSpec::Interface::kFloppy, 1, false, false},
                "--fdb");
  }
  for (const std::string& spec : c.drive_specs) {
    place_drive(o.drives, parse_drive(spec), "--drive");
  }
  if (c.gdb_default && !o.gdb) o.gdb = "tcp::1234";
  if (c.gdb_wait_opt->count() > 0 && !o.gdb && !o.monitor) {
    throw core::UserError("-S needs --gdb, -s or --monitor (nothing else could start the CPU)");
  }
  if (o.monitor == "stdio" &&
      std::find(o.serial.begin(), o.serial.end(), "stdio") != o.serial.end()) {
    throw core::UserError(
        "--monitor stdio and --serial stdio both want the terminal: give the serial line a "
        "file:PATH, pty or none");
  }
  o.trace = o.trace || o.trace_from || o.trace_count;
  o.exit_mode = c.exit_mode == "raw" ? dev::DebugExitMode::kRaw : dev::DebugExitMode::kQemu;
  if (c.timeout_opt->count() > 0) o.timeout_seconds = c.timeout;
  for (const std::string& item : c.log_items) {
    o.log_interrupts = o.log_interrupts || item == "int";
  }
  o.log_level = spdlog::level::from_str(c.log_level);
}

// An error in a value that came from the config file names the file, the
// line and the key: the message starts with the option's flag.
std::string with_origin(const std::string& message, const std::vector<ConfigEntry>& from_config) {
  for (const ConfigEntry& e : from_config) {
    for (const std::string& name : e.option->get_lnames()) {
      if (message.rfind("--" + name, 0) == 0) return e.where + ": " + message;
    }
    for (const std::string& name : e.option->get_snames()) {
      if (message.rfind("-" + name + ":", 0) == 0) return e.where + ": " + message;
    }
  }
  return message;
}

}  // namespace

std::variant<Options, int> parse_command_line(int argc, char** argv) {
  // First the command line alone: --help, --version, its own mistakes, the
  // config file's name and which flags it gives (they win over the file).
  CommandLine first;
  try {
    first.app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return first.app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return first.app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return first.app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tx86: %s (see --help)\n", e.what());
    return exit_status::kUsage;
  }

  std::vector<ConfigEntry> from_config;
  std::vector<std::string> args{argv[0]};
  try {
    if (first.config) {
      for (ConfigEntry& e : read_config_file(*first.config, first.app)) {
        if (e.option->count() > 0) continue;  // the command line says otherwise
        args.insert(args.end(), e.args.begin(), e.args.end());
        from_config.push_back(std::move(e));
      }
    }
  } catch (const core::UserError& e) {
    std::fprintf(stderr, "tx86: %s\n", e.what());
    return exit_status::kUsage;
  }
  args.insert(args.end(), argv + 1, argv + argc);

  // Without a config file the first parse is the whole command line.
  std::optional<CommandLine> second;
  if (first.config) second.emplace();
  CommandLine& c = second ? *second : first;
  std::vector<char*> arg_ptrs;
  for (std::string& a : args) arg_ptrs.push_back(a.data());
  try {
    if (second) c.app.parse(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());
    finish(c);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tx86: %s\n", with_origin(e.what(), from_config).c_str());
    return exit_status::kUsage;
  } catch (const core::UserError& e) {
    std::fprintf(stderr, "tx86: %s\n", with_origin(e.what(), from_config).c_str());
    return exit_status::kUsage;
  }
  if (c.print_config) {
    std::fputs(effective_config(c.app).c_str(), stdout);
    return exit_status::kOk;
  }
  return c.o;
}

}  // namespace tx86::fe
