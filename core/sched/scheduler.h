// Guest time and device events.
//
// Devices own timers (registered once, armed and disarmed at will) and never
// tick: each computes when its next transition happens and arms a timer for
// that instant. The run loop asks how long the CPU may run before the next
// deadline, runs it, advances time and fires what is due.
//
// In deterministic mode guest time is a pure function of retired
// instructions (a fixed number of picoseconds each), so the same inputs give
// the same run. In real-time mode guest time follows the host's monotonic
// clock. Ties fire in arming order, which keeps runs reproducible.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/state/state_stream.h"

namespace tx86::core {

using GuestTime = uint64_t;  // nanoseconds since power-on
inline constexpr GuestTime kNever = std::numeric_limits<GuestTime>::max();

using TimerId = uint32_t;

enum class ClockMode : uint8_t { kDeterministic, kRealtime };

class Scheduler {
 public:
  explicit Scheduler(ClockMode mode = ClockMode::kDeterministic, uint32_t ps_per_insn = 1000);

  ClockMode mode() const { return mode_; }
  uint32_t ps_per_insn() const { return ps_per_insn_; }

  GuestTime now() const;

  // Timers are created while the machine is built, never from a callback.
  // A timer of the frontend's own (a screenshot at a given time) is not
  // part of the machine's state: saved states leave it out.
  TimerId add_timer(std::string name, std::function<void()> callback, bool machine_state = true);
  // Arms (or re-arms) a timer; a time in the past fires at the next run_due().
  void arm(TimerId id, GuestTime when);
  void disarm(TimerId id);
  bool armed(TimerId id) const { return timers_[id].armed; }
  GuestTime deadline(TimerId id) const { return timers_[id].when; }

  // Earliest armed deadline, or kNever.
  GuestTime next_deadline() const;

  // Deterministic mode: instructions the CPU may retire before guest time
  // reaches t (at least 1 when t is in the future, 0 when due).
  uint64_t insns_until(GuestTime t) const;
  // Accounts for retired instructions (deterministic: advances guest time).
  void retire(uint64_t insns);
  uint64_t retired() const { return retired_ + pending_insns(); }

  // The CPU's retired-instruction counter. Once attached, instructions the
  // CPU has executed count at once: now() is exact even in the middle of a
  // run slice, as devices that read time (the PIT, the RTC) need. sync()
  // folds them into the scheduler's own account.
  void attach_instruction_counter(const uint64_t* counter);
  void sync();

  // Called with the deadline of every arm(); the run loop uses it to end a
  // slice early when a device arms a timer inside it.
  void set_arm_listener(std::function<void(GuestTime)> listener) {
    arm_listener_ = std::move(listener);
  }

  // An access that keeps the CPU waiting (an ISA bus cycle): in
  // deterministic mode guest time moves on by ns at once, and the stall
  // listener hears of it, since the running slice was sized without it. In
  // real time the wait is the host's own.
  void stall(GuestTime ns);
  void set_stall_listener(std::function<void()> listener) { stall_listener_ = std::move(listener); }
  // The CPU is idle (HLT): let guest time jump to t. Real-time mode cannot
  // jump; the caller sleeps instead.
  void skip_to(GuestTime t);

  // Fires every timer whose deadline has passed, earliest first. Callbacks
  // may arm and disarm timers, including their own.
  void run_due();

  // Guest time, the retired instructions and every timer's deadline (by
  // name: the same machine registers the same timers in the same order).
  // Loading in real-time mode makes the host's clock go on from the saved
  // guest time.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

 private:
  struct Timer {
    std::string name;
    std::function<void()> callback;
    GuestTime when = kNever;
    uint64_t seq = 0;  // arming order, for ties
    bool armed = false;
    bool machine_state = true;
  };

  ClockMode mode_;
  uint32_t ps_per_insn_;
  uint64_t retired_ = 0;
  uint64_t elapsed_ps_ = 0;  // deterministic guest time
  uint64_t host_start_ns_ = 0;
  GuestTime host_offset_ = 0;  // real-time: guest time at host_start_ns_
  uint64_t next_seq_ = 0;
  bool firing_ = false;
  const uint64_t* counter_ = nullptr;
  uint64_t counted_ = 0;  // *counter_ at the last sync
  std::function<void(GuestTime)> arm_listener_;
  std::function<void()> stall_listener_;

  uint64_t pending_insns() const { return counter_ ? *counter_ - counted_ : 0; }
  std::vector<Timer> timers_;
};

}  // namespace tx86::core
