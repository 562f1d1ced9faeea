// The PC a command line describes, built and ready to run: the machine
// with its CPU engine, the board with its drives, the serial lines and
// the debug console, and after the run the report of how it ended (stats,
// --screendump-text, --screenshot, the exit status). The headless run and
// the desktop app both drive one.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "core/io/char_backend.h"
#include "core/io/char_sink.h"
#include "core/machine/machine.h"
#include "core/trace/tracer.h"
#include "devices/pc/board.h"
#include "frontends/common/options.h"
#include "frontends/gdb/gdb_server.h"
#include "frontends/monitor/monitor_server.h"
#include "jit/runtime/jit_engine.h"

namespace tx86::fe {

class PcSession {
 public:
  // clock: deterministic (headless) or real time (the desktop).
  // default_serial: COM1's line when --serial is not given.
  PcSession(const Options& options, core::ClockMode clock, const char* default_serial);
  ~PcSession();
  PcSession(const PcSession&) = delete;
  PcSession& operator=(const PcSession&) = delete;

  core::Machine& machine() { return *machine_; }
  dev::Board& board() { return *board_; }

  // Runs the machine as Machine::run does, with the GDB stub and the
  // monitor when asked for (client_loop.h).
  core::RunResult run(std::optional<double> seconds);

  // After machine().run(): prints the statistics, writes the screen dumps
  // and returns the process exit status for the outcome. shown: the frame
  // the window showed last, which --screenshot then writes (the cursor
  // and blinking text as the user saw them).
  int finish(const core::RunResult& result, double host_seconds, const dev::Frame* shown = nullptr);

 private:
  int report_outcome(const core::RunResult& result);

  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };

  const Options& options_;
  std::unique_ptr<core::CharSink> debugcon_;
  std::unique_ptr<core::Machine> machine_;
  std::vector<std::unique_ptr<core::CharBackend>> serial_;
  std::unique_ptr<core::Tracer> tracer_;
  std::unique_ptr<std::FILE, FileCloser> jit_log_;
  std::unique_ptr<std::FILE, FileCloser> perf_map_;
  jit::JitEngine* jit_engine_ = nullptr;
  std::unique_ptr<dev::Board> board_;
  std::optional<dev::Frame> shot_;  // taken by --screenshot-at
  std::unique_ptr<gdb::Server> gdb_;
  std::unique_ptr<MonitorServer> monitor_;
  std::vector<MachineClient*> clients_;
};

}  // namespace tx86::fe
