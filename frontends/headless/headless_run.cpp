#include "frontends/headless/headless_run.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <unistd.h>

#include "core/machine/machine.h"
#include "frontends/common/pc_session.h"

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

}  // namespace

int run_headless(const Options& options) {
  // Headless, COM1 is the console on the terminal unless told otherwise.
  PcSession session(options, core::ClockMode::kDeterministic, "stdio");
  core::RunResult result;
  const auto started = std::chrono::steady_clock::now();
  {
    SignalScope signals(session.machine());
    result = session.run(options.timeout_seconds);
  }
  const double host_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return session.finish(result, host_s);
}

}  // namespace tx86::fe
