#include "frontends/common/pc_session.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <unistd.h>

#include "core/firmware/bios_image.h"
#include "core/interp/interpreter.h"
#include "core/machine/user_error.h"
#include "frontends/common/char_backends.h"
#include "frontends/common/char_sinks.h"
#include "frontends/common/client_loop.h"
#include "frontends/common/kernel_boot.h"
#include "frontends/common/png_file.h"
#include "frontends/common/save_state.h"

namespace tx86::fe {

namespace {

void write_text_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    spdlog::error("--screendump-text {}: {}", path, std::strerror(errno));
    return;
  }
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

std::string where(core::Cpu& cpu) {
  const core::CpuState& s = cpu.state;
  return fmt::format("{:04X}:{:08X}", s.seg[core::kCs].selector, s.eip);
}

}  // namespace

PcSession::PcSession(const Options& options, core::ClockMode clock, const char* default_serial)
    : options_(options) {
  // With --kernel no BIOS runs, and none is needed.
  const std::vector<uint8_t> bios =
      options.kernel ? std::vector<uint8_t>{} : core::read_bios_file(options.bios);
  std::vector<uint8_t> vga_bios = core::read_firmware_file(options.vga_bios, "VGA BIOS", 64 << 10);
  debugcon_ = make_char_sink(options.debugcon, "--debugcon");

  core::MachineConfig config;
  config.ram_bytes = options.memory_bytes;
  config.no_reboot = options.no_reboot;
  config.clock = clock;
  machine_ = std::make_unique<core::Machine>(config);
  core::Machine& machine = *machine_;
  if (!options.kernel) core::map_bios(machine.memory(), bios);

  // The monitor on the terminal leaves it to the monitor.
  if (options.monitor == "stdio" && std::string_view(default_serial) == "stdio") {
    default_serial = "none";
  }
  const std::vector<std::string> serial_specs =
      options.serial.empty() ? std::vector<std::string>{default_serial} : options.serial;
  for (const std::string& spec : serial_specs) {
    serial_.push_back(make_char_backend(spec, "--serial", [&machine] { machine.request_exit(0); }));
  }

  if (options.trace) {
    tracer_ = std::make_unique<core::Tracer>();
    tracer_->set_window(options.trace_from, options.trace_count);
  }
  // --trace logs every instruction, which only the interpreter sees.
  if (options.cpu_engine != "interp" && !options.trace) {
    jit::JitOptions jit_options;
    jit_options.verify = options.cpu_engine == "verify";
    // (verify checks every block, so it translates each at once)
    jit_options.hot_threshold = jit_options.verify ? 0 : options.jit_threshold;
    jit_options.background = options.jit_background;
    jit_options.time_translation = options.stats;
    if (options.jit_log) {
      jit_log_.reset(std::fopen(options.jit_log->c_str(), "w"));
      if (!jit_log_)
        throw core::UserError("--jit-log: cannot write " + *options.jit_log + ": " +
                              std::strerror(errno));
      jit_options.log = jit_log_.get();
    }
    if (options.perf_map) {
      const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
      perf_map_.reset(std::fopen(path.c_str(), "w"));
      if (!perf_map_)
        throw core::UserError("--perf-map: cannot write " + path + ": " + std::strerror(errno));
      jit_options.perf_map = perf_map_.get();
    }
    auto engine = std::make_unique<jit::JitEngine>(machine.cpu(), jit_options);
    jit_engine_ = engine.get();
    machine.set_engine(std::move(engine));
  } else {
    machine.set_engine(std::make_unique<core::Interpreter>(tracer_.get()));
  }
  if (options.log_interrupts) machine.cpu().set_event_log(stderr);
  dev::BoardConfig board_config;
  board_config.debugcon = debugcon_.get();
  board_config.exit_mode = options.exit_mode;
  board_config.vga_bios = std::move(vga_bios);
  for (size_t i = 0; i < serial_.size() && i < board_config.serial.size(); ++i) {
    board_config.serial[i] = serial_[i].get();
  }
  board_config.serial_console = board_config.serial[0] != nullptr;
  board_config.boot_order = options.boot.order;
  board_config.boot_menu = options.boot.menu;
  board_config.boot_fail_wait_ms = options.boot.reboot_timeout_ms;
  if (options.rtc_base) board_config.rtc_start = *options.rtc_base;
  if (options.cmos_file) board_config.cmos_file = *options.cmos_file;
  board_config.snapshot = options.snapshot;
  for (size_t i = 0; i < options.drives.ide.size(); ++i) {
    const std::optional<DriveSpec>& d = options.drives.ide[i];
    if (!d) continue;
    board_config.ide[i] =
        dev::DriveConfig{d->cdrom ? dev::DriveConfig::Kind::kCdrom : dev::DriveConfig::Kind::kDisk,
                         d->file, d->read_only};
  }
  for (size_t i = 0; i < options.drives.floppy.size(); ++i) {
    const std::optional<DriveSpec>& d = options.drives.floppy[i];
    if (!d) continue;
    board_config.floppy[i] = dev::DriveConfig{dev::DriveConfig::Kind::kDisk, d->file, d->read_only};
  }
  board_ = std::make_unique<dev::Board>(machine, board_config);
  dev::Board& board = *board_;
  if (options.kernel) setup_direct_kernel_boot(machine, board, options);
  if (options.screenshot_at) {
    const core::TimerId timer = machine.scheduler().add_timer(
        "screenshot",
        [&] {
          shot_ = board.frame(machine.scheduler().now());
          machine.request_exit(exit_status::kOk);
        },
        false);
    machine.scheduler().arm(timer, static_cast<core::GuestTime>(*options.screenshot_at * 1e9));
  }
  machine.reset();
  if (options.savevm) {
    const core::TimerId timer = machine.scheduler().add_timer(
        "savevm", [&machine, &options] { save_machine_state(machine, *options.savevm); }, false);
    machine.scheduler().arm(timer, static_cast<core::GuestTime>(*options.savevm_at * 1e9));
  }
  if (options.loadvm) load_machine_state(machine, *options.loadvm);
  if (options.gdb) {
    gdb_ = std::make_unique<gdb::Server>(machine, *options.gdb, options.gdb_wait);
    clients_.push_back(gdb_.get());
  }
  if (options.monitor) {
    Monitor::Context context{machine, board, options.snapshot, [this] {
                               return jit_engine_ != nullptr ? jit_engine_->stats_text()
                                                             : std::string("engine: interpreter");
                             }};
    monitor_ = std::make_unique<MonitorServer>(std::move(context), *options.monitor,
                                               options.gdb_wait && !options.gdb);
    clients_.push_back(monitor_.get());
  }
}

core::RunResult PcSession::run(std::optional<double> seconds) {
  if (clients_.empty()) return machine_->run(seconds);
  return run_with_clients(*machine_, clients_, seconds);
}

PcSession::~PcSession() = default;

int PcSession::finish(const core::RunResult& result, double host_s, const dev::Frame* shown) {
  const Options& options = options_;
  core::Machine& machine = *machine_;
  dev::Board& board = *board_;
  const uint64_t insns = machine.cpu().state.icount;
  for (const std::unique_ptr<core::CharBackend>& serial : serial_) {
    if (serial) serial->flush();  // (before anything this prints)
  }
  if (options.stats) {
    std::fprintf(stderr,
                 "tx86: %llu guest instructions in %.3f s (%.1f MIPS), %.3f s of guest time\n",
                 static_cast<unsigned long long>(insns), host_s,
                 host_s > 0 ? insns / host_s / 1e6 : 0.0, machine.scheduler().now() / 1e9);
    if (jit_engine_ != nullptr)
      std::fprintf(stderr, "tx86: %s\n", jit_engine_->stats_text().c_str());
  }
  spdlog::info("ran {} instructions in {:.3f} s of host time ({:.1f} MIPS), {:.3f} s of guest time",
               insns, host_s, host_s > 0 ? insns / host_s / 1e6 : 0.0,
               machine.scheduler().now() / 1e9);
  if (debugcon_) debugcon_->flush();
  if (options.screendump_text) write_text_file(*options.screendump_text, board.screen_text());
  if (options.screenshot) {
    if (shot_) {
      write_png(*options.screenshot, *shot_);
    } else if (shown != nullptr && shown->width > 0) {
      write_png(*options.screenshot, *shown);
    } else {
      write_png(*options.screenshot, board.frame(machine.scheduler().now()));
    }
  }

  const int status = report_outcome(result);
  for (MachineClient* c : clients_) c->on_end(status);
  return status;
}

int PcSession::report_outcome(const core::RunResult& result) {
  core::Machine& machine = *machine_;
  const Options& options = options_;
  switch (result.outcome) {
    case core::RunOutcome::kExit: return result.status;
    case core::RunOutcome::kTimeout:
      spdlog::error("timeout: stopped after {} s at {}", *options.timeout_seconds,
                    where(machine.cpu()));
      return exit_status::kTimeout;
    case core::RunOutcome::kGuestStopped:
      spdlog::error("guest stopped at {}: {}", where(machine.cpu()), result.message);
      return exit_status::kGuestStopped;
    case core::RunOutcome::kShutdown:
      spdlog::error("guest triple fault at {}: the CPU shut down", where(machine.cpu()));
      return exit_status::kTripleFault;
    case core::RunOutcome::kUnimplemented:
      spdlog::error("not implemented in tx86 yet: {}", result.message);
      return exit_status::kInternal;
    case core::RunOutcome::kInterrupted:
      spdlog::warn("interrupted at {}", where(machine.cpu()));
      return exit_status::kInterrupted;
    case core::RunOutcome::kEngineError:
      spdlog::error("internal error in the CPU engine: {}", result.message);
      return exit_status::kInternal;
    case core::RunOutcome::kDebugStop:
    case core::RunOutcome::kPaused:  // (the debugger goes on from these; they never end a run)
      spdlog::error("the run ended stopped at {}", where(machine.cpu()));
      return exit_status::kInternal;
  }
  return exit_status::kInternal;
}

}  // namespace tx86::fe
