#include "devices/timer/pit8254.h"

namespace tx86::dev {

namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;
constexpr uint16_t kCommandPort = Pit8254::kBasePort + 3;

}  // namespace

// Split at whole seconds so that no product exceeds 2^51.
uint64_t pit_ticks_at(core::GuestTime ns) {
  return ns / kNsPerSecond * kPitHz + ns % kNsPerSecond * kPitHz / kNsPerSecond;
}

core::GuestTime pit_tick_time(uint64_t tick) {
  return tick / kPitHz * kNsPerSecond + (tick % kPitHz * kNsPerSecond + kPitHz - 1) / kPitHz;
}

Pit8254::Pit8254(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& out0)
    : scheduler_(scheduler), out0_(out0), clock_([&scheduler] { return scheduler.now(); }) {
  timer_ = scheduler_.add_timer("pit-out0", [this] { on_out0_timer(); });
  io.register_ports(kBasePort, 4, this, core::kIoWidth8, "pit");
  reset();
}

void Pit8254::reset() {
  const uint64_t now = now_ticks();
  for (unsigned i = 0; i < kCounters; ++i) counters_[i].reset(now, i != 2);
  sync_out0(now);
}

void Pit8254::set_gate(unsigned counter, bool level) {
  const uint64_t now = now_ticks();
  counters_[counter].set_gate(level, now);
  if (counter == 0) sync_out0(now);
}

uint32_t Pit8254::io_read(uint16_t port, unsigned) {
  // The control word register cannot be read (datasheet table 1: no-op);
  // QEMU returns 0.
  uint32_t value = 0;
  if (port != kCommandPort) value = counters_[port - kBasePort].read(now_ticks());
  bus_cycle();
  return value;
}

void Pit8254::io_write(uint16_t port, unsigned, uint32_t value) {
  const uint64_t now = now_ticks();
  const auto byte = static_cast<uint8_t>(value);
  if (port == kCommandPort) {
    write_command(byte, now);
  } else {
    const unsigned counter = port - kBasePort;
    counters_[counter].write(byte, now);
    if (counter == 0) sync_out0(now);
  }
  bus_cycle();
}

void Pit8254::write_command(uint8_t value, uint64_t now) {
  const unsigned select = value >> 6;
  if (select == 3) {
    // Read-back: bit 5 clear latches the count, bit 4 clear the status, of
    // each counter selected by bits 1-3.
    for (unsigned i = 0; i < kCounters; ++i) {
      if (!(value & (2u << i))) continue;
      if (!(value & 0x20)) counters_[i].latch_count(now);
      if (!(value & 0x10)) counters_[i].latch_status(now);
    }
    return;
  }
  if ((value & 0x30) == 0) {
    counters_[select].latch_count(now);
    return;
  }
  counters_[select].write_control(value, now);
  if (select == 0) sync_out0(now);
}

void Pit8254::sync_out0(uint64_t now) {
  out0_.set(counters_[0].out(now));
  out0_synced_ = now;
  arm_out0(now);
}

void Pit8254::arm_out0(uint64_t now) {
  const uint64_t next = counters_[0].next_out_change(now);
  if (next == PitCounter::kNoTick) {
    scheduler_.disarm(timer_);
  } else {
    scheduler_.arm(timer_, pit_tick_time(next));
  }
}

void Pit8254::on_out0_timer() {
  const uint64_t now = now_ticks();
  const PitCounter& c = counters_[0];
  // Normally the timer fires at the edge it was armed for. When it fires
  // late (real-time mode), OUT0 may have risen and fallen since: the PIC
  // latches rising edges, so replay one.
  const uint64_t first = c.next_out_change(out0_synced_);
  bool rose = false;
  if (first <= now) {
    rose = !c.out(out0_synced_) || c.next_out_change(first) <= now;
  }
  if (rose) {
    out0_.set(false);
    out0_.set(true);
  }
  sync_out0(now);
}

void Pit8254::save_state(core::StateWriter& w) const {
  w.u64(out0_synced_);
  for (const PitCounter& c : counters_) c.save_state(w);
}

void Pit8254::load_state(core::StateReader& r) {
  out0_synced_ = r.u64();
  for (PitCounter& c : counters_) c.load_state(r);
}

}  // namespace tx86::dev
