// The 82077AA's save state: registers, phase, command and result bytes,
// the transfer in progress, the interrupt conditions, then each drive in a
// section of its name ("floppy0"), so that a failure names the drive. The
// execute, reset and seek timers are the scheduler's to save; INT's level
// is the board's. What a load reads is checked where it indexes an array.
#include <fmt/format.h>

#include "devices/storage/floppy/fdc82077.h"

namespace tx86::dev {

void Fdc82077::save_state(core::StateWriter& w) const {
  w.u32(options_.drives);
  w.u8(dor_);
  w.u8(tdr_);
  w.u8(static_cast<uint8_t>(rate_));
  w.u8(static_cast<uint8_t>(phase_));
  w.bytes(cmd_);
  w.u32(cmd_pos_);
  w.u32(cmd_len_);
  w.bytes(result_);
  w.u32(result_pos_);
  w.u32(result_len_);
  save_transfer(w);
  w.bytes(specify_);
  for (const uint8_t v : {config_, pretrk_, perpendicular_, last_eot_, busy_}) w.u8(v);
  w.boolean(lock_);
  w.bytes(pcn_);
  w.u32(polling_statuses_);
  w.boolean(polling_int_);
  for (const std::optional<uint8_t>& s : seek_end_) {
    w.boolean(s.has_value());
    w.u8(s.value_or(0));
  }
  w.bytes(seek_status_);
  w.boolean(result_int_);
  w.boolean(pio_int_);
  for (unsigned u = 0; u < options_.drives; ++u) {
    w.begin(fmt::format("floppy{}", u), 1);
    drives_[u].save_state(w);
    w.end();
  }
}

void Fdc82077::load_state(core::StateReader& r) {
  const uint32_t drives = r.u32();
  if (drives != options_.drives) {
    r.fail(fmt::format("it has {} floppy drives, this machine {}", drives, options_.drives));
  }
  dor_ = r.u8();
  tdr_ = r.u8();
  const uint8_t rate = r.u8();
  const uint8_t phase = r.u8();
  if (rate > 3 || phase > static_cast<uint8_t>(Phase::kResult)) r.fail("a bad controller state");
  rate_ = static_cast<FloppyDataRate>(rate);
  phase_ = static_cast<Phase>(phase);
  r.bytes_into(cmd_);
  cmd_pos_ = r.u32();
  cmd_len_ = r.u32();
  // The command being written or run is the one its first byte names.
  command_ = cmd_pos_ > 0 ? decode(cmd_[0]) : nullptr;
  if (cmd_len_ > cmd_.size() || cmd_pos_ > cmd_len_ ||
      (phase_ == Phase::kCommand && cmd_pos_ > 0 && cmd_pos_ == cmd_len_)) {
    r.fail("a bad command state");
  }
  r.bytes_into(result_);
  result_pos_ = r.u32();
  result_len_ = r.u32();
  if (result_len_ > result_.size() || result_pos_ > result_len_ ||
      (phase_ == Phase::kResult && result_pos_ == result_len_)) {
    r.fail("a bad result state");
  }
  load_transfer(r);
  r.bytes_into(specify_);
  for (uint8_t* v : {&config_, &pretrk_, &perpendicular_, &last_eot_, &busy_}) *v = r.u8();
  lock_ = r.boolean();
  r.bytes_into(pcn_);
  polling_statuses_ = r.u32();
  if (polling_statuses_ > kMaxDrives) r.fail("a bad interrupt state");
  polling_int_ = r.boolean();
  for (std::optional<uint8_t>& s : seek_end_) {
    const bool pending = r.boolean();
    const uint8_t st0 = r.u8();
    s = pending ? std::optional<uint8_t>(st0) : std::nullopt;
  }
  r.bytes_into(seek_status_);
  result_int_ = r.boolean();
  pio_int_ = r.boolean();
  for (unsigned u = 0; u < options_.drives; ++u) {
    r.begin(fmt::format("floppy{}", u), 1);
    drives_[u].load_state(r);
    r.end();
  }
}

void Fdc82077::save_transfer(core::StateWriter& w) const {
  w.u8(static_cast<uint8_t>(t_.op));
  for (const uint8_t v : {t_.unit, t_.head, t_.c, t_.h, t_.r, t_.n, t_.eot, t_.count, t_.filler,
                          t_.physical, t_.st0, t_.st1, t_.st2}) {
    w.u8(v);
  }
  for (const bool b : {t_.multi_track, t_.mfm, t_.count_limited, t_.pio}) w.boolean(b);
  w.bytes(t_.buffer);
  w.u64(t_.pos);
  w.u64(t_.length);
}

void Fdc82077::load_transfer(core::StateReader& r) {
  const uint8_t op = r.u8();
  if (op > static_cast<uint8_t>(Op::kReadId)) r.fail("a bad transfer state");
  t_.op = static_cast<Op>(op);
  for (uint8_t* v : {&t_.unit, &t_.head, &t_.c, &t_.h, &t_.r, &t_.n, &t_.eot, &t_.count, &t_.filler,
                     &t_.physical, &t_.st0, &t_.st1, &t_.st2}) {
    *v = r.u8();
  }
  for (bool* b : {&t_.multi_track, &t_.mfm, &t_.count_limited, &t_.pio}) *b = r.boolean();
  r.bytes_into(t_.buffer);
  t_.pos = r.u64();
  t_.length = r.u64();
  // A FIFO byte moves at pos, so pos stays below length while it runs.
  if (t_.unit >= kMaxDrives || t_.length > t_.buffer.size() || t_.pos > t_.length ||
      (t_.pio && t_.pos == t_.length)) {
    r.fail("a bad transfer state");
  }
}

}  // namespace tx86::dev
