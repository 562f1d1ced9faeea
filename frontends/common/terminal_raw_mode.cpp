#include "frontends/common/terminal_raw_mode.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>

namespace tx86::fe {

namespace {

constexpr std::array kFatalSignals = {SIGHUP,  SIGINT, SIGQUIT, SIGTERM, SIGABRT,
                                      SIGSEGV, SIGBUS, SIGFPE,  SIGILL};

// The saved settings. `settings` is written only while `fd` is -1, and `fd`
// is published after it, so a handler that sees fd >= 0 sees the settings.
struct SavedTerminal {
  std::atomic<int> fd{-1};
  termios settings{};
  std::array<struct sigaction, kFatalSignals.size()> old_actions{};
  std::array<bool, kFatalSignals.size()> hooked{};
};
SavedTerminal g_saved;

std::terminate_handler g_previous_terminate = nullptr;

extern "C" void restore_and_reraise(int sig) {
  restore_terminal_from_signal();
  // SA_RESETHAND has put the default action back. The signal stays blocked
  // until this handler returns, and is then delivered again.
  raise(sig);
}

extern "C" void restore_at_exit() {
  restore_terminal_from_signal();
}

[[noreturn]] void restore_then_terminate() {
  restore_terminal_from_signal();
  if (g_previous_terminate != nullptr) g_previous_terminate();
  std::abort();
}

void install_process_hooks_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::atexit(restore_at_exit);
    g_previous_terminate = std::set_terminate(restore_then_terminate);
  });
}

void hook_fatal_signals() {
  for (size_t i = 0; i < kFatalSignals.size(); ++i) {
    struct sigaction old {};
    sigaction(kFatalSignals[i], nullptr, &old);
    // Leave ignored signals and other handlers (the frontend's) alone.
    g_saved.hooked[i] = (old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_DFL;
    if (!g_saved.hooked[i]) continue;
    g_saved.old_actions[i] = old;
    struct sigaction sa {};
    sa.sa_handler = restore_and_reraise;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(kFatalSignals[i], &sa, nullptr);
  }
}

void unhook_fatal_signals() {
  for (size_t i = 0; i < kFatalSignals.size(); ++i) {
    if (!g_saved.hooked[i]) continue;
    g_saved.hooked[i] = false;
    struct sigaction current {};
    sigaction(kFatalSignals[i], nullptr, &current);
    // Someone may have put their own handler in since; keep theirs.
    if ((current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == restore_and_reraise) {
      sigaction(kFatalSignals[i], &g_saved.old_actions[i], nullptr);
    }
  }
}

}  // namespace

bool terminal_readable_in_foreground(int fd) {
  if (isatty(fd) == 0) return false;
  // tcgetpgrp fails (ENOTTY) for a terminal that is not ours to control,
  // such as a pty we opened: reading it never stops us.
  const pid_t foreground = tcgetpgrp(fd);
  return foreground == -1 || foreground == getpgrp();
}

void restore_terminal_from_signal() noexcept {
  const int fd = g_saved.fd.exchange(-1);
  if (fd >= 0) tcsetattr(fd, TCSANOW, &g_saved.settings);
}

TerminalRawMode::TerminalRawMode(int fd) {
  if (!terminal_readable_in_foreground(fd)) return;
  if (g_saved.fd.load() >= 0) {
    spdlog::warn("terminal already in raw mode for another device; fd {} left as is", fd);
    return;
  }
  termios saved{};
  if (tcgetattr(fd, &saved) != 0) return;
  termios raw = saved;
  // cfmakeraw() minus the output flags: input bytes pass unchanged (CR is
  // not turned into NL, XON/XOFF and BREAK are not interpreted) and nothing
  // is echoed or turned into a signal.
  raw.c_iflag &=
      ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  raw.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB);
  raw.c_cflag |= CS8;
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;

  install_process_hooks_once();
  g_saved.settings = saved;
  g_saved.fd.store(fd);
  hook_fatal_signals();
  if (tcsetattr(fd, TCSANOW, &raw) != 0) {
    unhook_fatal_signals();
    g_saved.fd.store(-1);
    return;
  }
  active_ = true;
}

TerminalRawMode::~TerminalRawMode() {
  restore();
}

void TerminalRawMode::restore() {
  if (!active_) return;
  active_ = false;
  restore_terminal_from_signal();
  unhook_fatal_signals();
}

}  // namespace tx86::fe
