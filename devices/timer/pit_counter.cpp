#include "devices/timer/pit_counter.h"

#include <algorithm>

namespace tx86::dev {

namespace {

constexpr uint8_t kRwLsb = 1;
constexpr uint8_t kRwMsb = 2;

uint16_t to_bcd(uint32_t v) {
  return static_cast<uint16_t>((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
                               v % 10);
}

}  // namespace

uint32_t PitCounter::expand(uint16_t raw) const {
  if (!bcd_) return raw == 0 ? 65536 : raw;
  // Digits above 9 are undefined on the chip; they just weigh their value.
  const uint32_t n =
      (raw >> 12 & 0xF) * 1000u + (raw >> 8 & 0xF) * 100u + (raw >> 4 & 0xF) * 10u + (raw & 0xF);
  return n == 0 ? 10000 : n;
}

void PitCounter::reset(uint64_t now, bool gate) {
  control_ = 0x36;
  mode_ = 3;
  rw_ = 3;
  bcd_ = false;
  cr_ = 0;
  cr_valid_ = true;
  gate_ = gate;
  transfer_tick_ = 0;
  write_msb_next_ = false;
  read_msb_next_ = false;
  latched_count_.reset();
  latched_status_.reset();
  cur_ = Segment{};
  next_.reset();
  if (gate) start_segment(Kind::kPeriodic, 65536, now);
}

void PitCounter::settle(uint64_t now) {
  if (next_ && now >= next_->start) {
    cur_ = *next_;
    next_.reset();
  }
}

void PitCounter::start_segment(Kind kind, uint32_t n, uint64_t now) {
  Segment s;
  s.kind = kind;
  s.start = now + 1;
  s.n = n;
  s.pre_out = out(now);
  s.pre_value = value(now);
  s.running = true;
  s.run_from = s.start;
  cur_ = s;
  next_.reset();
  transfer_tick_ = std::min(transfer_tick_, now + 1);  // a pending CR reaches the CE
}

void PitCounter::hold(bool out_level, uint64_t now) {
  Segment s;
  s.pre_out = out_level;
  s.pre_value = value(now);
  cur_ = s;
  next_.reset();
}

void PitCounter::write_control(uint8_t control, uint64_t now) {
  settle(now);
  const uint32_t held = value(now);
  control_ = control & 0x3F;
  rw_ = (control >> 4) & 3;
  mode_ = (control >> 1) & 7;
  if (mode_ > 5) mode_ -= 4;  // X10 and X11 are modes 2 and 3
  bcd_ = (control & 1) != 0;
  write_msb_next_ = false;
  read_msb_next_ = false;
  latched_count_.reset();
  latched_status_.reset();
  cr_valid_ = false;
  transfer_tick_ = kNoTick;
  // All control logic is reset and OUT goes to its initial state: low in
  // mode 0, high otherwise. The CE stops until a count arrives.
  cur_ = Segment{};
  cur_.pre_out = mode_ != 0;
  cur_.pre_value = held;
  next_.reset();
}

void PitCounter::latch_count(uint64_t now) {
  if (!latched_count_) latched_count_ = count(now);  // later latches are ignored until read
}

void PitCounter::latch_status(uint64_t now) {
  if (latched_status_) return;
  latched_status_ =
      static_cast<uint8_t>((out(now) ? 0x80 : 0) | (null_count(now) ? 0x40 : 0) | control_);
}

uint8_t PitCounter::read(uint64_t now) {
  // A latched status is read first, whichever was latched first.
  if (latched_status_) {
    const uint8_t status = *latched_status_;
    latched_status_.reset();
    return status;
  }
  const uint16_t c = latched_count_ ? *latched_count_ : count(now);
  uint8_t byte = 0;
  bool done = true;
  switch (rw_) {
    case kRwLsb: byte = static_cast<uint8_t>(c); break;
    case kRwMsb: byte = static_cast<uint8_t>(c >> 8); break;
    default:
      byte = static_cast<uint8_t>(read_msb_next_ ? c >> 8 : c);
      done = read_msb_next_;
      read_msb_next_ = !read_msb_next_;
      break;
  }
  if (done) latched_count_.reset();
  return byte;
}

void PitCounter::write(uint8_t value, uint64_t now) {
  settle(now);
  switch (rw_) {
    case kRwLsb: load(value, now); return;
    case kRwMsb: load(static_cast<uint16_t>(value << 8), now); return;
    default:
      if (!write_msb_next_) {
        write_lsb_ = value;
        write_msb_next_ = true;
        // Mode 0: writing the first byte disables counting and sets OUT
        // low at once. Other modes are unaffected until the second byte.
        if (mode_ == 0) hold(false, now);
        return;
      }
      write_msb_next_ = false;
      load(static_cast<uint16_t>(write_lsb_ | value << 8), now);
      return;
  }
}

void PitCounter::load(uint16_t raw, uint64_t now) {
  const bool first = !cr_valid_;
  cr_ = raw;
  cr_valid_ = true;
  transfer_tick_ = kNoTick;  // null count until the CE takes the CR
  const uint32_t n = expand(raw);
  switch (mode_) {
    case 0:
    case 4: {
      // Loaded on the next edge and counted from there; gate low holds it.
      start_segment(Kind::kCountdown, n, now);
      if (mode_ == 0) cur_.pre_out = false;  // a new count drops OUT
      cur_.running = gate_;
      return;
    }
    case 1:
    case 5: return;  // the CR waits for a trigger (gate rising edge)
    default: load_periodic(n, first, now); return;
  }
}

void PitCounter::load_periodic(uint32_t n, bool first, uint64_t now) {
  if (cur_.kind == Kind::kPeriodic) {
    if (now < cur_.start) {  // the CE has not loaded yet: it takes this CR
      cur_.n = n;
      transfer_tick_ = cur_.start;
      return;
    }
    if (next_) {  // a reload is already scheduled: it will take this CR
      next_->n = n;
      transfer_tick_ = next_->start;
      return;
    }
    // The new count waits for the end of the period (mode 2) or of the
    // half-cycle (mode 3).
    Segment s;
    s.kind = Kind::kPeriodic;
    s.n = n;
    const uint32_t pos = position(cur_, now);
    const uint32_t half = (cur_.n + 1) / 2;
    if (cur_.n < 2) {
      s.start = now + 1;
    } else if (mode_ == 2 || pos >= half) {
      s.start = now + (cur_.n - pos);
    } else {
      s.start = now + (half - pos);
      s.start_low = true;
    }
    next_ = s;
    transfer_tick_ = s.start;
    return;
  }
  if (gate_) {  // the first count after a control word
    start_segment(Kind::kPeriodic, n, now);
    cur_.pre_out = true;
  } else if (first) {
    // Loaded on the next edge, then held by the low gate.
    cur_.pre_value = n % modulus();
    transfer_tick_ = now + 1;
  }
  // Otherwise the gate's next rising edge reloads the CE from the CR.
}

void PitCounter::set_gate(bool level, uint64_t now) {
  if (level == gate_) return;
  settle(now);
  gate_ = level;
  switch (mode_) {
    case 0:
    case 4:
      // GATE suspends counting and leaves OUT alone.
      if (cur_.kind != Kind::kCountdown) return;
      if (!level) {
        cur_.elapsed = edges_counted(cur_, now);
        cur_.running = false;
      } else {
        cur_.running = true;
        cur_.run_from = std::max(now, cur_.start);
      }
      return;
    case 1:
    case 5:
      // A rising edge (re)triggers: the CR is loaded on the next edge.
      if (level && cr_valid_) start_segment(Kind::kCountdown, expand(cr_), now);
      return;
    default:
      // Modes 2 and 3: GATE low stops counting and forces OUT high at once;
      // its rising edge reloads the CE on the next edge.
      if (!level) {
        if (transfer_tick_ > now) transfer_tick_ = kNoTick;
        hold(true, now);
      } else if (cr_valid_) {
        start_segment(Kind::kPeriodic, expand(cr_), now);
        cur_.pre_out = true;
      }
      return;
  }
}

uint64_t PitCounter::edges_counted(const Segment& s, uint64_t now) const {
  return s.elapsed + (s.running && now > s.run_from ? now - s.run_from : 0);
}

uint64_t PitCounter::tick_at_edges(const Segment& s, uint64_t edges) const {
  return edges <= s.elapsed ? 0 : s.run_from + (edges - s.elapsed);
}

uint32_t PitCounter::position(const Segment& s, uint64_t now) const {
  const uint64_t offset = s.start_low ? (s.n + 1) / 2 : 0;
  return static_cast<uint32_t>((now - s.start + offset) % s.n);
}

bool PitCounter::seg_out(const Segment& s, uint64_t now) const {
  if (s.kind == Kind::kHeld || now < s.start) return s.pre_out;
  if (s.kind == Kind::kCountdown) {
    const uint64_t edges = edges_counted(s, now);
    // Modes 0 and 1: low until terminal count. Modes 4 and 5: a one-clock
    // low strobe at terminal count.
    return mode_ <= 1 ? edges >= s.n : edges != s.n;
  }
  if (s.n < 2) return true;  // count 1 is illegal in modes 2 and 3
  const uint32_t pos = position(s, now);
  return mode_ == 2 ? pos != s.n - 1 : pos < (s.n + 1) / 2;
}

uint32_t PitCounter::seg_value(const Segment& s, uint64_t now) const {
  if (s.kind == Kind::kHeld || now < s.start) return s.pre_value;
  const uint32_t m = modulus();
  if (s.kind == Kind::kCountdown) {
    // After terminal count the CE wraps to FFFF (9999 in BCD) and goes on.
    const auto edges = static_cast<uint32_t>(edges_counted(s, now) % m);
    return (s.n % m + m - edges) % m;
  }
  if (s.n < 2) return mode_ == 2 ? 1 : 0;
  const uint32_t pos = position(s, now);
  if (mode_ == 2) return (s.n - pos) % m;
  // Mode 3 counts by two from N (even) or N-1 (odd) in each half.
  const uint32_t half = (s.n + 1) / 2;
  const uint32_t step = pos < half ? pos : pos - half;
  const uint32_t top = s.n & 1 ? s.n - 1 : s.n;
  return (top - 2 * step) % m;
}

uint64_t PitCounter::seg_next_change(const Segment& s, uint64_t now) const {
  if (s.kind == Kind::kHeld) return kNoTick;
  uint64_t from = now;
  if (now < s.start) {
    if (seg_out(s, s.start) != s.pre_out) return s.start;
    from = s.start;
  }
  if (s.kind == Kind::kCountdown) {
    if (!s.running) return kNoTick;
    const uint64_t fall_or_rise = tick_at_edges(s, s.n);
    if (fall_or_rise > from) return fall_or_rise;
    if (mode_ <= 1) return kNoTick;
    const uint64_t strobe_end = tick_at_edges(s, uint64_t{s.n} + 1);
    return strobe_end > from ? strobe_end : kNoTick;
  }
  if (s.n < 2) return kNoTick;
  const uint32_t pos = position(s, from);
  if (mode_ == 2) return from + (pos < s.n - 1 ? s.n - 1 - pos : 1);
  const uint32_t half = (s.n + 1) / 2;
  return from + (pos < half ? half - pos : s.n - pos);
}

bool PitCounter::out(uint64_t now) const {
  return seg_out(active(now), now);
}

uint16_t PitCounter::count(uint64_t now) const {
  const uint32_t v = value(now);
  return bcd_ ? to_bcd(v % 10000) : static_cast<uint16_t>(v);
}

uint64_t PitCounter::next_out_change(uint64_t now) const {
  if (next_ && now < next_->start) {
    const uint64_t change = seg_next_change(cur_, now);
    if (change <= next_->start) return change;
    return seg_next_change(*next_, next_->start);
  }
  return seg_next_change(active(now), now);
}

void PitCounter::save_state(core::StateWriter& w) const {
  w.u8(control_);
  w.u8(mode_);
  w.u8(rw_);
  w.boolean(bcd_);
  w.u16(cr_);
  w.boolean(cr_valid_);
  w.boolean(gate_);
  w.u64(transfer_tick_);
  w.boolean(write_msb_next_);
  w.u8(write_lsb_);
  w.boolean(read_msb_next_);
  w.boolean(latched_count_.has_value());
  w.u16(latched_count_.value_or(0));
  w.boolean(latched_status_.has_value());
  w.u8(latched_status_.value_or(0));
  save_segment(w, cur_);
  w.boolean(next_.has_value());
  save_segment(w, next_.value_or(Segment{}));
}

// Field by field: a bool or the kind read whole from a file could hold a
// value they cannot, and the count is a divisor.
void PitCounter::save_segment(core::StateWriter& w, const Segment& s) {
  w.u8(static_cast<uint8_t>(s.kind));
  w.u64(s.start);
  w.u32(s.n);
  w.boolean(s.pre_out);
  w.u32(s.pre_value);
  w.boolean(s.running);
  w.u64(s.run_from);
  w.u64(s.elapsed);
  w.boolean(s.start_low);
}

PitCounter::Segment PitCounter::load_segment(core::StateReader& r) {
  Segment s;
  const uint8_t kind = r.u8();
  if (kind > static_cast<uint8_t>(Kind::kPeriodic)) r.fail("a bad PIT counter state");
  s.kind = static_cast<Kind>(kind);
  s.start = r.u64();
  s.n = r.u32();
  if (s.kind != Kind::kHeld && (s.n < 1 || s.n > 65536)) r.fail("a bad PIT count");
  s.pre_out = r.boolean();
  s.pre_value = r.u32();
  s.running = r.boolean();
  s.run_from = r.u64();
  s.elapsed = r.u64();
  s.start_low = r.boolean();
  return s;
}

void PitCounter::load_state(core::StateReader& r) {
  control_ = r.u8();
  mode_ = r.u8();
  rw_ = r.u8();
  if (mode_ > 5 || rw_ > 3) r.fail("a bad PIT counter mode");
  bcd_ = r.boolean();
  cr_ = r.u16();
  cr_valid_ = r.boolean();
  gate_ = r.boolean();
  transfer_tick_ = r.u64();
  write_msb_next_ = r.boolean();
  write_lsb_ = r.u8();
  read_msb_next_ = r.boolean();
  const bool has_count = r.boolean();
  const uint16_t count = r.u16();
  latched_count_ = has_count ? std::optional<uint16_t>(count) : std::nullopt;
  const bool has_status = r.boolean();
  const uint8_t status = r.u8();
  latched_status_ = has_status ? std::optional<uint8_t>(status) : std::nullopt;
  cur_ = load_segment(r);
  const bool has_next = r.boolean();
  const Segment next = load_segment(r);
  next_ = has_next ? std::optional<Segment>(next) : std::nullopt;
}

}  // namespace tx86::dev
