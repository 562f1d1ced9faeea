// One counter of an Intel 8254, as a pure function of its input clock.
//
// The counter never ticks. Its counting element (CE) is described by a
// segment: from the clock edge `start` that loaded it, the CE value and OUT
// are closed-form functions of the number of edges since. Writes, gate
// changes and control words start a new segment; a count written to a
// running rate generator or square wave becomes a second segment that takes
// over at the reload edge (per the datasheet, a new count only takes effect
// at the end of the current period, or half-cycle in mode 3). Time is
// counted in clock edges ("ticks"); tick k is the k-th rising edge of the
// 1.193182 MHz clock.
//
// Loading follows the datasheet: a count written during tick t is
// transferred to the CE on edge t+1, and that edge does not decrement it, so
// mode 0's OUT rises N+1 edges after the write.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include "core/state/state_part.h"

namespace tx86::dev {

class PitCounter {
 public:
  static constexpr uint64_t kNoTick = std::numeric_limits<uint64_t>::max();

  // The state QEMU's PC leaves a counter in (the 8254 itself powers up
  // undefined): mode 3, binary, LSB-then-MSB, count 0 (65536), loaded now.
  void reset(uint64_t now, bool gate);

  // A control word with RW != 0 (a mode set) for this counter.
  void write_control(uint8_t control, uint64_t now);
  // Counter latch command, and the two halves of the read-back command.
  void latch_count(uint64_t now);
  void latch_status(uint64_t now);

  void write(uint8_t value, uint64_t now);
  uint8_t read(uint64_t now);

  void set_gate(bool level, uint64_t now);
  bool gate() const { return gate_; }

  bool out(uint64_t now) const;
  // The CE as the chip would show it (BCD-encoded in BCD mode).
  uint16_t count(uint64_t now) const;
  bool null_count(uint64_t now) const { return now < transfer_tick_; }
  // The first tick after `now` at which OUT changes, or kNoTick.
  uint64_t next_out_change(uint64_t now) const;

  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);

 private:
  enum class Kind : uint8_t {
    kHeld,       // not counting: value and OUT stay as they are
    kCountdown,  // modes 0, 1, 4, 5: counts down once, then wraps
    kPeriodic,   // modes 2, 3: reloads itself
  };
  struct Segment {
    Kind kind = Kind::kHeld;
    uint64_t start = 0;      // the edge that loads n into the CE
    uint32_t n = 0;          // the count being run, 1-65536
    bool pre_out = true;     // OUT before start (always, for kHeld)
    uint32_t pre_value = 0;  // CE (binary) before start (always, for kHeld)
    // kCountdown: the gate of modes 0 and 4 suspends counting. Edges after
    // run_from count while running; `elapsed` counted before that.
    bool running = true;
    uint64_t run_from = 0;
    uint64_t elapsed = 0;
    // kPeriodic: mode 3 may begin in its low half (a count rewritten while
    // OUT is high takes over at the end of that high half).
    bool start_low = false;
  };

  static void save_segment(core::StateWriter& w, const Segment& s);
  static Segment load_segment(core::StateReader& r);

  void settle(uint64_t now);
  void load(uint16_t raw, uint64_t now);
  void load_periodic(uint32_t n, bool first, uint64_t now);
  void start_segment(Kind kind, uint32_t n, uint64_t now);
  void hold(bool out_level, uint64_t now);
  uint32_t value(uint64_t now) const { return seg_value(active(now), now); }

  const Segment& active(uint64_t now) const { return next_ && now >= next_->start ? *next_ : cur_; }
  uint32_t modulus() const { return bcd_ ? 10000 : 65536; }
  uint32_t expand(uint16_t raw) const;
  uint64_t edges_counted(const Segment& s, uint64_t now) const;
  uint64_t tick_at_edges(const Segment& s, uint64_t edges) const;
  uint32_t position(const Segment& s, uint64_t now) const;
  bool seg_out(const Segment& s, uint64_t now) const;
  uint32_t seg_value(const Segment& s, uint64_t now) const;
  uint64_t seg_next_change(const Segment& s, uint64_t now) const;

  // Programming (control word bits 5-0, as the status byte shows them).
  uint8_t control_ = 0;
  uint8_t mode_ = 0;
  uint8_t rw_ = 3;
  bool bcd_ = false;
  uint16_t cr_ = 0;  // count register, as written
  bool cr_valid_ = false;
  bool gate_ = true;
  uint64_t transfer_tick_ = 0;  // CR reaches the CE at this edge (null count before)

  bool write_msb_next_ = false;
  uint8_t write_lsb_ = 0;
  bool read_msb_next_ = false;
  std::optional<uint16_t> latched_count_;
  std::optional<uint8_t> latched_status_;

  Segment cur_;
  std::optional<Segment> next_;
};

}  // namespace tx86::dev
