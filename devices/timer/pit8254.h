// The Intel 8254 programmable interval timer at 0x40-0x43, clocked at
// 1.193182 MHz. Counter 0's OUT drives IRQ 0, counter 1 (DRAM refresh on a
// real PC) drives nothing, counter 2's gate and OUT belong to port 0x61
// (port_b.h).
//
// The PIT never ticks. A counter's state is computed from guest time when
// it is read (pit_counter.h), and a Scheduler timer is armed only for the
// next OUT0 transition, so the IRQ 0 line follows OUT0 edge for edge. Guest
// time is converted to clock edges with exact integer arithmetic, on the
// same time base as the TSC.
#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/sched/scheduler.h"
#include "devices/timer/pit_counter.h"

namespace tx86::dev {

inline constexpr uint64_t kPitHz = 1'193'182;

// Clock edges in (0, ns]: floor(ns * kPitHz / 1e9), without overflow.
uint64_t pit_ticks_at(core::GuestTime ns);
// The first nanosecond at which edge `tick` has happened (the inverse).
core::GuestTime pit_tick_time(uint64_t tick);

class Pit8254 final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kBasePort = 0x40;
  static constexpr unsigned kCounters = 3;

  // out0 is counter 0's OUT, which the board wires to IRQ 0.
  Pit8254(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& out0);

  // Where guest time comes from; by default the scheduler's clock. The board
  // passes the machine's clock, which also counts the instructions of the
  // slice in progress, as the TSC does.
  void set_clock(std::function<core::GuestTime()> clock) { clock_ = std::move(clock); }

  // Power-on state, as on QEMU's PC: every counter in mode 3 with count
  // 65536, counter 2's gate low.
  void reset();

  // How long an access to the PIT (or port B) keeps the CPU waiting: on a
  // PC an ISA I/O cycle takes about a microsecond, and guests count on it.
  // Linux's quick TSC calibration loads counter 2 and reads it back at once
  // to wait for the count to be loaded ("the easiest way to delay a
  // microsecond"); with instant accesses it reads the count before it is
  // loaded and falls back to a calibration ten times as long. 0 (the
  // default): accesses take no guest time.
  void set_bus_cycle(core::GuestTime ns) { bus_cycle_ns_ = ns; }
  // Accounts for one access (port_b.cpp calls it too).
  void bus_cycle() { scheduler_.stall(bus_cycle_ns_); }

  void set_gate(unsigned counter, bool level);
  bool gate(unsigned counter) const { return counters_[counter].gate(); }
  bool out(unsigned counter) const { return counters_[counter].out(now_ticks()); }
  uint64_t now_ticks() const { return pit_ticks_at(clock_()); }

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  void write_command(uint8_t value, uint64_t now);
  // Counter 0 changed: bring the IRQ line to OUT0 and arm for its next edge.
  void sync_out0(uint64_t now);
  void arm_out0(uint64_t now);
  void on_out0_timer();

  core::Scheduler& scheduler_;
  core::IrqLine& out0_;
  std::function<core::GuestTime()> clock_;
  core::TimerId timer_;
  core::GuestTime bus_cycle_ns_ = 0;
  uint64_t out0_synced_ = 0;  // the tick at which out0_ last matched OUT0
  std::array<PitCounter, kCounters> counters_{};
};

}  // namespace tx86::dev
