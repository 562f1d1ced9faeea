#include "devices/pc/board.h"

#include "devices/debug/debug_console.h"
#include "devices/debug/post_code.h"

namespace tx86::dev {

Board::Board(core::Machine& machine, const BoardConfig& config)
    : debugcon_(std::make_unique<DebugConsole>(machine.io(), config.debugcon)),
      post_code_(std::make_unique<PostCode>(machine.io())),
      debug_exit_(std::make_unique<DebugExit>(machine.io(), machine, config.exit_mode)) {}

Board::~Board() = default;

}  // namespace tx86::dev
