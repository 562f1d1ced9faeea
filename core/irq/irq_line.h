// An interrupt request line from a device to an interrupt controller input.
// Devices hold an IrqLine and drive its level; the board decides where it
// goes. A line with no sink ignores changes, so a device works unwired.
#pragma once

#include <cstdint>
#include <functional>

namespace tx86::core {

class IrqLine {
 public:
  using Sink = std::function<void(bool level)>;

  IrqLine() = default;
  explicit IrqLine(Sink sink) : sink_(std::move(sink)) {}

  void connect(Sink sink) { sink_ = std::move(sink); }
  void set(bool level) {
    if (level == level_) return;
    level_ = level;
    if (sink_) sink_(level);
  }
  void raise() { set(true); }
  void lower() { set(false); }
  // A rising edge for edge-triggered inputs, leaving the line low.
  void pulse() {
    set(true);
    set(false);
  }
  bool level() const { return level_; }
  // A save state's level: the sink is not told (its own state was saved).
  void restore_level(bool level) { level_ = level; }

 private:
  Sink sink_;
  bool level_ = false;
};

}  // namespace tx86::core
