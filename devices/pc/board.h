// The PC board: the one place that knows every chip, builds them, and wires
// their ports, IRQs and memory ranges into a Machine (PLATFORM.md).
#pragma once

#include <memory>

#include "core/io/char_sink.h"
#include "core/machine/machine.h"
#include "devices/debug/debug_exit.h"

namespace tx86::dev {

class DebugConsole;
class PostCode;

struct BoardConfig {
  core::CharSink* debugcon = nullptr;  // where debug-console bytes go, or nowhere
  DebugExitMode exit_mode = DebugExitMode::kQemu;
};

class Board {
 public:
  Board(core::Machine& machine, const BoardConfig& config);
  ~Board();
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

 private:
  std::unique_ptr<DebugConsole> debugcon_;
  std::unique_ptr<PostCode> post_code_;
  std::unique_ptr<DebugExit> debug_exit_;
};

}  // namespace tx86::dev
