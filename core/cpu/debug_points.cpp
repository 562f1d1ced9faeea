#include "core/cpu/debug_points.h"

#include <algorithm>

namespace tx86::core {

void DebugPoints::add_breakpoint(uint32_t lin) {
  breakpoints_.push_back(lin);
  breakpoints_changed();
}

bool DebugPoints::remove_breakpoint(uint32_t lin) {
  const auto it = std::find(breakpoints_.begin(), breakpoints_.end(), lin);
  if (it == breakpoints_.end()) return false;
  breakpoints_.erase(it);
  breakpoints_changed();
  return true;
}

void DebugPoints::add_watchpoint(uint32_t lin, uint32_t len, WatchKind kind) {
  watches_.push_back(Watch{lin, len == 0 ? 1 : len, kind});
  update_armed();
}

bool DebugPoints::remove_watchpoint(uint32_t lin, uint32_t len, WatchKind kind) {
  if (len == 0) len = 1;
  const auto it = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& w) {
    return w.lin == lin && w.len == len && w.kind == kind;
  });
  if (it == watches_.end()) return false;
  watches_.erase(it);
  update_armed();
  return true;
}

void DebugPoints::clear() {
  const bool had_breakpoints = !breakpoints_.empty();
  breakpoints_.clear();
  watches_.clear();
  hit_.reset();
  skip_armed_ = false;
  if (had_breakpoints) ++breakpoint_generation_;
  update_armed();
}

void DebugPoints::note_access(uint32_t lin, unsigned size, bool write) {
  if (hit_) return;
  for (const Watch& w : watches_) {
    if (w.kind == WatchKind::kWrite && !write) continue;
    if (w.kind == WatchKind::kRead && write) continue;
    // (64-bit ends: a range may reach 4 GiB)
    const uint64_t end = uint64_t{w.lin} + w.len;
    if (lin < end && w.lin < uint64_t{lin} + size) {
      hit_ = WatchHit{w.kind, w.lin};
      return;
    }
  }
}

}  // namespace tx86::core
