#include "frontends/headless/headless_run.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "core/firmware/bios_image.h"
#include "core/interp/interpreter.h"
#include "core/machine/machine.h"
#include "core/trace/tracer.h"
#include "devices/pc/board.h"
#include "frontends/common/char_sinks.h"

namespace tx86::fe {

namespace {

// A signal handler can reach the machine only through a process-wide
// pointer; this is the one such pointer in tx86, set only while running.
std::atomic<core::Machine*> g_running_machine{nullptr};

extern "C" void on_stop_signal(int) {
  if (core::Machine* m = g_running_machine.load()) m->interrupt();
}

class SignalScope {
 public:
  explicit SignalScope(core::Machine& m) {
    g_running_machine.store(&m);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    g_running_machine.store(nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string where(core::Cpu& cpu) {
  const core::CpuState& s = cpu.state;
  return fmt::format("{:04X}:{:08X}", s.seg[core::kCs].selector, s.eip);
}

}  // namespace

int run_headless(const Options& options) {
  const std::vector<uint8_t> bios = core::read_bios_file(options.bios);
  std::unique_ptr<core::CharSink> debugcon = make_char_sink(options.debugcon, "--debugcon");

  core::MachineConfig config;
  config.ram_bytes = options.memory_bytes;
  config.no_reboot = options.no_reboot;
  core::Machine machine(config);
  core::map_bios(machine.memory(), bios);

  std::unique_ptr<core::Tracer> tracer;
  if (options.trace) tracer = std::make_unique<core::Tracer>();
  machine.set_engine(std::make_unique<core::Interpreter>(tracer.get()));

  dev::BoardConfig board_config;
  board_config.debugcon = debugcon.get();
  board_config.exit_mode = options.exit_mode;
  dev::Board board(machine, board_config);
  machine.reset();

  core::RunResult result;
  {
    SignalScope signals(machine);
    result = machine.run(options.timeout_seconds);
  }
  if (debugcon) debugcon->flush();

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
  }
  return exit_status::kInternal;
}

}  // namespace tx86::fe
