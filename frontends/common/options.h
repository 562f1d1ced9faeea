// The tx86 command line. Spelling follows QEMU where QEMU has the concept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <spdlog/common.h>

#include "devices/debug/debug_exit.h"
#include "frontends/common/drive_options.h"
#include "frontends/common/option_values.h"

namespace tx86::fe {

inline constexpr const char* kDefaultBios = "/usr/share/seabios/bios-256k.bin";
inline constexpr const char* kDefaultVgaBios = "/usr/share/seabios/vgabios-stdvga.bin";

// Process exit statuses of tx86 itself. isa-debug-exit statuses in QEMU mode
// are odd, so tx86's own outcomes are even where they can be.
namespace exit_status {
inline constexpr int kOk = 0;
inline constexpr int kInternal = 1;       // tx86 lacks something the guest used
inline constexpr int kUsage = 2;          // bad command line, config or input file
inline constexpr int kGuestStopped = 4;   // HLT with nothing left to wake the CPU
inline constexpr int kTripleFault = 6;    // the guest shut the CPU down
inline constexpr int kTimeout = 124;      // --timeout expired (as timeout(1))
inline constexpr int kInterrupted = 130;  // SIGINT / SIGTERM
}  // namespace exit_status

struct Options {
  std::string bios = kDefaultBios;  // not used with --kernel
  std::string vga_bios = kDefaultVgaBios;
  uint64_t memory_bytes = 128ull << 20;
  std::string display = "none";
  std::string mouse_release = "ctrl-alt";  // the desktop: what releases a captured mouse
  std::string debugcon = "none";
  dev::DebugExitMode exit_mode = dev::DebugExitMode::kQemu;
  std::optional<double> timeout_seconds;
  bool trace = false;
  std::optional<uint32_t> trace_from;   // --trace-from: a linear address
  std::optional<uint64_t> trace_count;  // --trace-count
  bool log_interrupts = false;          // -d int
  std::optional<std::string> gdb;       // --gdb tcp::PORT (-s: tcp::1234)
  bool gdb_wait = false;                // -S: stopped until gdb or the monitor lets it go
  std::optional<std::string> monitor;   // --monitor stdio|tcp::PORT
  std::optional<std::string> loadvm;    // --loadvm FILE: start from this save state
  std::optional<std::string> savevm;    // --savevm FILE ...
  std::optional<double> savevm_at;      // ... at this guest time (seconds)
  bool no_reboot = false;
  std::string cpu_engine = "jit";  // jit, interp, verify
  bool stats = false;
  std::optional<std::string> jit_log;  // --jit-log FILE
  bool perf_map = false;
  uint32_t jit_threshold = 16;      // --jit-threshold
  bool jit_background = true;       // --jit-background
  std::vector<std::string> serial;  // COM1, COM2; empty: the default for the display
  std::optional<std::string> cmos_file;
  std::optional<std::string> screendump_text;
  std::optional<std::string> screenshot;  // PNG of the display at exit
  std::optional<double> screenshot_at;    // ... or at this guest time, then exit
  std::optional<std::string> kernel;      // direct boot: no BIOS runs
  std::optional<std::string> initrd;      // --initrd, with a Linux --kernel
  std::optional<std::string> append;      // its command line
  BootOptions boot;
  DriveTable drives;
  bool snapshot = false;                // writes go to a throw-away overlay
  std::optional<std::time_t> rtc_base;  // nullopt: the default for the clock mode
  spdlog::level::level_enum log_level = spdlog::level::warn;
};

// Parses argv. Returns the options, or the status to exit with when the
// command line asked for --help/--version (0) or was bad (2; the one-line
// message is already printed).
std::variant<Options, int> parse_command_line(int argc, char** argv);

}  // namespace tx86::fe
