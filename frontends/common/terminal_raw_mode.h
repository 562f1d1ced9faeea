// Raw mode for a terminal the guest's serial console reads (--serial stdio):
// no echo, no line editing, and no signals from Ctrl+C, Ctrl+Z or Ctrl+\,
// so every key reaches the guest. Output processing stays on so the host's
// own log lines still start at column 0.
//
// The terminal must come back on every way out. The destructor restores it
// on a normal return and when an exception unwinds. For the ways out that
// skip destructors, one process-wide copy of the saved settings exists (the
// only global here: atexit, std::terminate and signal handlers can reach
// nothing else). An atexit handler and a std::terminate handler restore it,
// and so do handlers for the fatal signals (SIGHUP, SIGINT, SIGQUIT, SIGTERM,
// SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL) whose action was the default,
// which then re-raise the signal. A frontend's own SIGINT/SIGTERM handler
// stops the run normally, so the destructor runs; it may also call
// restore_terminal_from_signal(), which is async-signal-safe.
#pragma once

namespace tx86::fe {

class TerminalRawMode {
 public:
  // Switches fd to raw mode. Does nothing (active() is false) when fd is not
  // a terminal, when this process is not in the terminal's foreground
  // process group (changing it would stop us with SIGTTOU), or when another
  // TerminalRawMode is active.
  explicit TerminalRawMode(int fd);
  ~TerminalRawMode();
  TerminalRawMode(const TerminalRawMode&) = delete;
  TerminalRawMode& operator=(const TerminalRawMode&) = delete;

  bool active() const { return active_; }
  // Puts the saved settings back now; later calls do nothing.
  void restore();

 private:
  bool active_ = false;
};

// True when fd is a terminal this process may read without being stopped
// (SIGTTIN): it is in the foreground, or the terminal is not the process's
// controlling terminal at all.
bool terminal_readable_in_foreground(int fd);

// Puts back the settings saved by the active TerminalRawMode, if any.
// Async-signal-safe.
void restore_terminal_from_signal() noexcept;

}  // namespace tx86::fe
