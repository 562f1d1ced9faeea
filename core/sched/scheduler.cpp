#include "core/sched/scheduler.h"

#include <time.h>

#include <stdexcept>

namespace tx86::core {

namespace {
uint64_t host_monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

Scheduler::Scheduler(ClockMode mode, uint32_t ps_per_insn)
    : mode_(mode), ps_per_insn_(ps_per_insn), host_start_ns_(host_monotonic_ns()) {
  if (ps_per_insn == 0) throw std::invalid_argument("instruction period must be positive");
}

void Scheduler::attach_instruction_counter(const uint64_t* counter) {
  sync();
  counter_ = counter;
  counted_ = counter ? *counter : 0;
}

void Scheduler::sync() {
  const uint64_t n = pending_insns();
  counted_ += n;
  retired_ += n;
  if (mode_ == ClockMode::kDeterministic) elapsed_ps_ += n * ps_per_insn_;
}

GuestTime Scheduler::now() const {
  if (mode_ == ClockMode::kDeterministic)
    return (elapsed_ps_ + pending_insns() * ps_per_insn_) / 1000;
  return host_offset_ + (host_monotonic_ns() - host_start_ns_);
}

TimerId Scheduler::add_timer(std::string name, std::function<void()> callback, bool machine_state) {
  // A callback runs from inside timers_; growing it then would move it.
  if (firing_) throw std::logic_error("timer " + name + " created from a timer callback");
  Timer t{std::move(name), std::move(callback)};
  t.machine_state = machine_state;
  timers_.push_back(std::move(t));
  return static_cast<TimerId>(timers_.size() - 1);
}

void Scheduler::arm(TimerId id, GuestTime when) {
  Timer& t = timers_.at(id);
  t.when = when;
  t.seq = next_seq_++;
  t.armed = true;
  if (arm_listener_) arm_listener_(when);
}

void Scheduler::disarm(TimerId id) {
  Timer& t = timers_.at(id);
  t.armed = false;
  t.when = kNever;
}

GuestTime Scheduler::next_deadline() const {
  GuestTime best = kNever;
  for (const Timer& t : timers_) {
    if (t.armed && t.when < best) best = t.when;
  }
  return best;
}

uint64_t Scheduler::insns_until(GuestTime t) const {
  if (t == kNever) return std::numeric_limits<uint64_t>::max();
  const uint64_t target_ps = t * 1000;  // t < 2^54 ns in any real run
  const uint64_t now_ps = elapsed_ps_ + pending_insns() * ps_per_insn_;
  if (target_ps <= now_ps) return 0;
  return (target_ps - now_ps + ps_per_insn_ - 1) / ps_per_insn_;
}

void Scheduler::retire(uint64_t insns) {
  sync();
  retired_ += insns;
  if (mode_ == ClockMode::kDeterministic) elapsed_ps_ += insns * ps_per_insn_;
}

void Scheduler::stall(GuestTime ns) {
  if (mode_ != ClockMode::kDeterministic || ns == 0) return;
  sync();
  elapsed_ps_ += ns * 1000;
  if (stall_listener_) stall_listener_();
}

void Scheduler::skip_to(GuestTime t) {
  sync();
  if (mode_ != ClockMode::kDeterministic || t == kNever) return;
  const uint64_t target_ps = t * 1000;
  if (target_ps > elapsed_ps_) elapsed_ps_ = target_ps;
}

void Scheduler::run_due() {
  for (;;) {
    const GuestTime current = now();
    Timer* due = nullptr;
    for (Timer& t : timers_) {
      if (!t.armed || t.when > current) continue;
      if (due == nullptr || t.when < due->when || (t.when == due->when && t.seq < due->seq)) {
        due = &t;
      }
    }
    if (due == nullptr) return;
    due->armed = false;
    due->when = kNever;
    firing_ = true;
    due->callback();
    firing_ = false;
  }
}

void Scheduler::save_state(StateWriter& w) const {
  w.begin("scheduler", 1);
  w.u64(retired());
  w.u64(elapsed_ps_ + pending_insns() * ps_per_insn_);
  w.u64(now());
  w.u64(next_seq_);
  uint64_t saved = 0;
  for (const Timer& t : timers_) saved += t.machine_state ? 1 : 0;
  w.u64(saved);
  for (const Timer& t : timers_) {
    if (!t.machine_state) continue;
    w.str(t.name);
    w.boolean(t.armed);
    w.u64(t.when);
    w.u64(t.seq);
  }
  w.end();
}

void Scheduler::load_state(StateReader& r) {
  r.begin("scheduler", 1);
  // (the CPU's instruction count was loaded first: it is the counter's
  // starting point again)
  counted_ = counter_ != nullptr ? *counter_ : 0;
  retired_ = r.u64();
  elapsed_ps_ = r.u64();
  const GuestTime now = r.u64();
  host_offset_ = now;
  host_start_ns_ = host_monotonic_ns();
  next_seq_ = r.u64();
  uint64_t saved = 0;
  for (const Timer& t : timers_) saved += t.machine_state ? 1 : 0;
  if (r.u64() != saved) r.fail("another set of timers");
  for (Timer& t : timers_) {
    if (!t.machine_state) continue;
    if (r.str() != t.name) r.fail("the timers of another machine");
    t.armed = r.boolean();
    t.when = r.u64();
    t.seq = r.u64();
  }
  r.end();
}

}  // namespace tx86::core
