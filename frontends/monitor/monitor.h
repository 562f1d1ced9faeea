// The monitor's commands (--monitor), as QEMU's human monitor spells them:
// info registers, x and xp, stop, cont, step, system_reset, screendump,
// sendkey, change and eject, savevm and loadvm, info stats, quit. A command runs on the thread
// that runs the machine, between instructions (monitor_server.h); it
// returns what it prints. Nothing here talks to a terminal or a socket.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/machine/machine.h"
#include "core/trace/disassembler.h"
#include "devices/pc/board.h"

namespace tx86::fe {

class Monitor {
 public:
  struct Context {
    core::Machine& machine;
    dev::Board& board;
    bool snapshot = false;               // --snapshot: changed media are not written either
    std::function<std::string()> stats;  // the engine's statistics, for info stats
  };
  explicit Monitor(Context context) : c_(std::move(context)) {}

  // Runs one command line; returns its output (whole lines).
  std::string execute(std::string_view line);

  // `stop` (or -S) holds the machine until `cont`.
  bool stopped() const { return stopped_; }
  void set_stopped(bool stopped) { stopped_ = stopped; }
  // `quit`, or a step that ended the run: how the run ends.
  bool ending() const { return end_.has_value(); }
  std::optional<core::RunResult> take_end() {
    std::optional<core::RunResult> r = end_;
    end_.reset();
    return r;
  }

 private:
  using Args = std::vector<std::string_view>;
  std::string info(const Args& args);
  std::string examine(const Args& args, bool physical);
  std::string step(const Args& args);
  std::string sendkey(const Args& args);
  std::string change(const Args& args);
  std::string eject(const Args& args);
  std::string screendump(const Args& args);
  std::string stats();
  // An address: numbers (0x hex, else decimal) and $registers ($eip, $esp,
  // ..., $pc: the linear address of CS:EIP) joined by + and -.
  std::optional<uint64_t> evaluate(std::string_view expr) const;
  std::string where() const;

  Context c_;
  core::Disassembler disassembler_;
  bool stopped_ = false;
  std::optional<core::RunResult> end_;
};

}  // namespace tx86::fe
