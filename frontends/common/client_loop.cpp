#include "frontends/common/client_loop.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace tx86::fe {

namespace {

using Clock = std::chrono::steady_clock;

// How long the machine runs between looks at the clients' input: gdb's
// Ctrl+C, a command, a gdb attaching wait at most this long.
constexpr double kSliceSeconds = 0.02;
// The longest wait for input while held before looking at the machine
// again (another thread may have interrupted it: the window closed).
constexpr int kHeldPollMs = 50;

}  // namespace

core::RunResult run_with_clients(core::Machine& machine, std::span<MachineClient* const> clients,
                                 std::optional<double> seconds) {
  const Clock::time_point start = Clock::now();
  auto left = [&]() -> std::optional<double> {
    if (!seconds) return std::nullopt;
    return *seconds - std::chrono::duration<double>(Clock::now() - start).count();
  };
  auto held = [&] {
    return std::any_of(clients.begin(), clients.end(),
                       [](const MachineClient* c) { return c->holds_machine(); });
  };
  std::vector<pollfd> fds;
  std::vector<MachineClient*> polled;
  for (;;) {
    if (machine.interrupted()) return {core::RunOutcome::kInterrupted, 0, {}};
    const std::optional<double> remaining = left();
    if (remaining && *remaining <= 0) return {core::RunOutcome::kTimeout, 0, {}};

    int wait_ms = 0;
    if (held()) {
      wait_ms = kHeldPollMs;
      if (remaining) wait_ms = std::min(wait_ms, static_cast<int>(*remaining * 1000) + 1);
    }
    fds.clear();
    polled.clear();
    for (MachineClient* c : clients) {
      if (c->input_fd() < 0) continue;
      fds.push_back(pollfd{c->input_fd(), POLLIN, 0});
      polled.push_back(c);
    }
    // (-1 is a signal, EINTR: the loop looks at the machine again)
    if (poll(fds.data(), fds.size(), wait_ms) > 0) {
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents != 0) polled[i]->on_input();
      }
    }
    for (MachineClient* c : clients) {
      if (std::optional<core::RunResult> end = c->take_end()) return *end;
    }
    if (held()) continue;

    const std::optional<double> now_left = left();
    const double slice = now_left ? std::clamp(*now_left, 0.0, kSliceSeconds) : kSliceSeconds;
    const core::RunResult r = machine.run(slice);
    switch (r.outcome) {
      case core::RunOutcome::kTimeout: break;  // a slice (the whole time: above)
      case core::RunOutcome::kDebugStop:
      case core::RunOutcome::kPaused:
        for (MachineClient* c : clients) c->on_stop(r.outcome);
        break;
      default: return r;
    }
  }
}

}  // namespace tx86::fe
