#include "frontends/common/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/machine/user_error.h"
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

}  // namespace

std::variant<Options, int> parse_command_line(int argc, char** argv) {
  Options o;
  CLI::App app{"tx86 - a full-system x86 PC emulator", "tx86"};
  app.set_version_flag("--version", std::string("tx86 ") + TX86_VERSION);
  app.footer(kFooter);
  app.get_formatter()->column_width(34);

  std::string memory = "128M";
  std::string boot;
  std::string rtc;
  std::string exit_mode = "qemu";
  std::string log_level = "warn";
  double timeout = 0;

  app.add_option("--bios", o.bios, "BIOS image, mapped below 4 GiB and below 1 MiB")
      ->capture_default_str();
  app.add_option("--vga-bios", o.vga_bios, "option ROM of the std VGA (its PCI ROM BAR)")
      ->capture_default_str();
  app.add_option("-m,--memory", memory, "guest RAM: a size like 128M, 1G (no suffix: MiB)")
      ->capture_default_str();
  app.add_option("--display", o.display,
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
  auto* timeout_opt = app.add_option("--timeout", timeout,
                                     "stop after this many wall-clock seconds (exit status 124)")
                          ->check(CLI::PositiveNumber);
  app.add_option("--serial", o.serial,
                 "COM1 (then COM2) line: stdio, file:PATH, pty or none; repeat for COM2 "
                 "(default: stdio when headless)")
      ->expected(1, 2);
  auto* boot_opt = app.add_option(
      "--boot", boot, "boot order as QEMU: cd, or order=cd,menu=on|off,reboot-timeout=MS");
  auto* rtc_opt = app.add_option(
      "--rtc", rtc, "RTC start: base=utc|localtime|2024-05-01T12:00:00 (default: 2000-01-01)");
  auto* kernel_opt = app.add_option("--kernel", o.kernel,
                                    "boot this kernel directly, without a BIOS (as QEMU): a Linux "
                                    "bzImage (32-bit boot protocol) or a Multiboot kernel");
  app.add_option("--append", o.append, "the kernel's command line")->needs(kernel_opt);
  app.add_option("--initrd", o.initrd, "the initramfs of a Linux --kernel")->needs(kernel_opt);
  std::array<std::string, 4> hd;
  const char* hd_names[] = {"--hda", "--hdb", "--hdc", "--hdd"};
  const char* hd_help[] = {"IDE primary master disk image (raw)", "IDE primary slave disk image",
                           "IDE secondary master disk image", "IDE secondary slave disk image"};
  std::array<CLI::Option*, 4> hd_opt{};
  for (unsigned i = 0; i < 4; ++i) hd_opt[i] = app.add_option(hd_names[i], hd[i], hd_help[i]);
  std::string cdrom;
  auto* cdrom_opt = app.add_option("--cdrom", cdrom, "CD-ROM image (ISO) in the secondary master");
  std::array<std::string, 2> fd;
  auto* fda_opt = app.add_option("--fda", fd[0], "floppy image for drive A: (160K to 2.88M)");
  auto* fdb_opt = app.add_option("--fdb", fd[1], "floppy image for drive B:");
  std::vector<std::string> drive_specs;
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
  std::string trace_from;
  auto* trace_from_opt = app.add_option(
      "--trace-from", trace_from,
      "--trace from the first instruction at this linear address (hex, e.g. 0xc1000000)");
  app.add_option("--trace-count", o.trace_count,
                 "--trace this many instructions, then stop tracing")
      ->check(CLI::PositiveNumber);
  std::vector<std::string> log_items;
  app.add_option("-d", log_items,
                 "log these on stderr, a comma-separated list (as QEMU): int (every interrupt "
                 "and exception delivered, a line each)")
      ->delimiter(',')
      ->check(CLI::IsMember({"int"}));
  app.add_option("--gdb", o.gdb,
                 "wait for gdb's connections at tcp::PORT (127.0.0.1) or tcp:HOST:PORT (as QEMU's "
                 "-gdb; PORT 0 picks a free one, printed on stderr)");
  bool gdb_default = false;
  app.add_flag("-s", gdb_default, "short for --gdb tcp::1234");
  auto* gdb_wait =
      app.add_flag("-S", o.gdb_wait,
                   "with --gdb, -s or --monitor: do not start the CPU until gdb or the monitor "
                   "says so (continue, cont)");
  app.add_option("--monitor", o.monitor,
                 "a monitor (as QEMU's, 'help' lists its commands) on stdio, or at tcp::PORT "
                 "(127.0.0.1) or tcp:HOST:PORT for telnet or nc");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "tx86: %s (see --help)\n", e.what());
    return exit_status::kUsage;
  }

  const auto bytes = parse_size(memory);
  if (!bytes) {
    std::fprintf(stderr, "tx86: --memory: '%s' is not a size (examples: 128M, 1G, 512)\n",
                 memory.c_str());
    return exit_status::kUsage;
  }
  o.memory_bytes = *bytes;
  try {
    if (trace_from_opt->count() > 0) {
      const auto from = parse_hex32(trace_from);
      if (!from) {
        throw core::UserError("--trace-from: '" + trace_from + "' is not a 32-bit hex address");
      }
      o.trace_from = *from;
    }
    if (boot_opt->count() > 0) o.boot = parse_boot(boot);
    if (rtc_opt->count() > 0) o.rtc_base = parse_rtc_base(rtc);
    for (unsigned i = 0; i < 4; ++i) {
      if (hd_opt[i]->count() == 0) continue;
      place_drive(o.drives, DriveSpec{hd[i], DriveSpec::Interface::kIde, i, false, false},
                  hd_names[i]);
    }
    if (cdrom_opt->count() > 0) {
      place_drive(o.drives, DriveSpec{cdrom, DriveSpec::Interface::kIde, 2, true, true}, "--cdrom");
    }
    if (fda_opt->count() > 0) {
      place_drive(o.drives, DriveSpec{fd[0], DriveSpec::Interface::kFloppy, 0, false, false},
                  "--fda");
    }
    if (fdb_opt->count() > 0) {
      place_drive(o.drives, DriveSpec{fd[1], DriveSpec::Interface::kFloppy, 1, false, false},
                  "--fdb");
    }
    for (const std::string& spec : drive_specs) place_drive(o.drives, parse_drive(spec), "--drive");
  } catch (const core::UserError& e) {
    std::fprintf(stderr, "tx86: %s\n", e.what());
    return exit_status::kUsage;
  }
  if (gdb_default && !o.gdb) o.gdb = "tcp::1234";
  if (gdb_wait->count() > 0 && !o.gdb && !o.monitor) {
    std::fprintf(stderr,
                 "tx86: -S needs --gdb, -s or --monitor (nothing else could start the CPU)\n");
    return exit_status::kUsage;
  }
  if (o.monitor == "stdio" &&
      std::find(o.serial.begin(), o.serial.end(), "stdio") != o.serial.end()) {
    std::fprintf(stderr,
                 "tx86: --monitor stdio and --serial stdio both want the terminal: give the "
                 "serial line a file:PATH, pty or none\n");
    return exit_status::kUsage;
  }
  o.trace = o.trace || o.trace_from || o.trace_count;
  o.exit_mode = exit_mode == "raw" ? dev::DebugExitMode::kRaw : dev::DebugExitMode::kQemu;
  if (timeout_opt->count() > 0) o.timeout_seconds = timeout;
  for (const std::string& item : log_items) o.log_interrupts = o.log_interrupts || item == "int";
  o.log_level = spdlog::level::from_str(log_level);
  return o;
}

}  // namespace tx86::fe
