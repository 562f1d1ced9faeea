#include "devices/rtc/rtc.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::dev {

namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr uint64_t kTicksPerSecond = 32768;
// UIP rises 244 us (8 ticks of 32.768 kHz) before each update (tBUC).
constexpr uint64_t kUipTicks = 8;
constexpr uint8_t kDontCare = 0xC0;  // alarm bytes 11xxxxxx match any value

constexpr uint8_t kPowerOnA = 0x26;  // 32.768 kHz time base, 1024 Hz rate
constexpr uint8_t kPowerOnB = 0x02;  // BCD, 24-hour

bool alarm_matches(uint8_t alarm, uint8_t value) {
  return (alarm & kDontCare) == kDontCare || alarm == value;
}

}  // namespace

Rtc::Rtc(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq, std::time_t start_time)
    : io_(io), scheduler_(scheduler), irq_(irq) {
  periodic_timer_ = scheduler.add_timer("rtc-periodic", [this] {
    sync();
    arm_timers();
  });
  update_timer_ = scheduler.add_timer("rtc-update", [this] {
    sync();
    arm_timers();
  });
  bytes_[kRegA] = kPowerOnA;
  bytes_[kRegB] = kPowerOnB;
  bytes_[kRegD] = kDVrt;
  store_time(rtc_time_from_unix(start_time));
  // The divider starts at power-on, guest time 0: updates at 1 s, 2 s, ...
  const core::GuestTime now = scheduler.now();
  last_counter_ = counter_at(now);
  updates_done_ = last_counter_ / kTicksPerSecond;
  io.register_ports(kIndexPort, 2, this, core::kIoWidth8, "rtc");
}

Rtc::~Rtc() {
  // The scheduler outlives the chip in tests; a stale timer must not fire.
  scheduler_.disarm(periodic_timer_);
  scheduler_.disarm(update_timer_);
  io_.unregister_ports(kIndexPort, 2);
}

void Rtc::reset() {
  sync();
  bytes_[kRegB] &= static_cast<uint8_t>(~(kBPie | kBAie | kBUie | kBSqwe));
  bytes_[kRegC] = 0;
  update_irq();
  arm_timers();
}

uint64_t Rtc::counter_at(core::GuestTime t) const {
  const int64_t dt = std::max<int64_t>(0, static_cast<int64_t>(t) - divider_epoch_);
  const auto whole = static_cast<uint64_t>(dt / kNsPerSecond);
  const auto part = static_cast<uint64_t>(dt % kNsPerSecond);
  return whole * kTicksPerSecond + part * kTicksPerSecond / kNsPerSecond;
}

core::GuestTime Rtc::time_of_counter(uint64_t ticks) const {
  // The first nanosecond at which counter_at() reaches ticks.
  const uint64_t part = ticks % kTicksPerSecond;
  const int64_t ns =
      static_cast<int64_t>(ticks / kTicksPerSecond) * kNsPerSecond +
      static_cast<int64_t>((part * kNsPerSecond + kTicksPerSecond - 1) / kTicksPerSecond);
  return static_cast<core::GuestTime>(std::max<int64_t>(0, divider_epoch_ + ns));
}

uint64_t Rtc::periodic_ticks() const {
  // Rate select (datasheet Table 5, 32.768 kHz time base): rates 1 and 2
  // repeat rates 8 and 9 (256 and 128 Hz); rate r >= 3 gives 65536 >> r Hz.
  unsigned rate = bytes_[kRegA] & kARateMask;
  if (rate == 0) return 0;
  if (rate <= 2) rate += 7;
  return uint64_t{1} << (rate - 1);
}

void Rtc::sync() {
  if (!divider_running()) return;  // the divider is held: no edges, no updates
  const uint64_t c = counter_at(scheduler_.now());
  if (c <= last_counter_) return;
  // PF is set on every edge of the selected tap, whatever PIE says.
  const uint64_t p = periodic_ticks();
  if (p != 0 && c / p != last_counter_ / p) bytes_[kRegC] |= kCPf;
  const uint64_t k = c / kTicksPerSecond;
  if (k > updates_done_) {
    // With SET the update cycles are inhibited (status B bit 7).
    if ((bytes_[kRegB] & kBSet) == 0) apply_updates(k - updates_done_);
    updates_done_ = k;
  }
  last_counter_ = c;
  update_irq();
}

RtcTime Rtc::load_time() const {
  // The registers hold raw bytes in whatever mode status B says now; the
  // chip never converts them when DM or 24/12 change.
  const uint8_t b = bytes_[kRegB];
  RtcTime t;
  t.second = rtc_decode(bytes_[kRegSeconds], b);
  t.minute = rtc_decode(bytes_[kRegMinutes], b);
  t.hour = rtc_decode_hour(bytes_[kRegHours], b);
  t.weekday = rtc_decode(bytes_[kRegWeekday], b);
  t.day = rtc_decode(bytes_[kRegDay], b);
  t.month = rtc_decode(bytes_[kRegMonth], b);
  t.year = rtc_decode(bytes_[kRegYear], b);
  t.century = rtc_decode(bytes_[kCenturyIndex], b);
  return t;
}

void Rtc::store_time(const RtcTime& t) {
  const uint8_t b = bytes_[kRegB];
  bytes_[kRegSeconds] = rtc_encode(t.second, b);
  bytes_[kRegMinutes] = rtc_encode(t.minute, b);
  bytes_[kRegHours] = rtc_encode_hour(t.hour, b);
  bytes_[kRegWeekday] = rtc_encode(t.weekday, b);
  bytes_[kRegDay] = rtc_encode(t.day, b);
  bytes_[kRegMonth] = rtc_encode(t.month, b);
  bytes_[kRegYear] = rtc_encode(t.year, b);
  bytes_[kCenturyIndex] = rtc_encode(t.century, b);
}

void Rtc::apply_updates(uint64_t n) {
  RtcTime t = load_time();
  rtc_advance(t, n);
  store_time(t);
  // UF after every update cycle; AF if any of the n new times matched.
  bytes_[kRegC] |= kCUf;
  if (alarm_hit(n)) bytes_[kRegC] |= kCAf;
}

bool Rtc::alarm_hit(uint64_t n) const {
  const uint8_t b = bytes_[kRegB];
  const uint8_t as = bytes_[kRegSecondsAlarm];
  const uint8_t am = bytes_[kRegMinutesAlarm];
  const uint8_t ah = bytes_[kRegHoursAlarm];
  // The alarm compares hours, minutes and seconds only, so a day of
  // candidate times covers any longer stretch.
  const RtcTime t = load_time();
  const int now_sod = t.hour * 3600 + t.minute * 60 + t.second;
  const int count = static_cast<int>(std::min<uint64_t>(n, 86400));
  for (int i = 0; i < count; ++i) {
    const int sod = ((now_sod - i) % 86400 + 86400) % 86400;
    if (alarm_matches(as, rtc_encode(sod % 60, b)) &&
        alarm_matches(am, rtc_encode(sod / 60 % 60, b)) &&
        alarm_matches(ah, rtc_encode_hour(sod / 3600, b))) {
      return true;
    }
  }
  return false;
}

void Rtc::update_irq() {
  // IRQF = PF·PIE + AF·AIE + UF·UIE, and the IRQ pin follows IRQF.
  const uint8_t b = bytes_[kRegB];
  const uint8_t c = bytes_[kRegC];
  const bool irqf = ((c & kCPf) != 0 && (b & kBPie) != 0) ||
                    ((c & kCAf) != 0 && (b & kBAie) != 0) || ((c & kCUf) != 0 && (b & kBUie) != 0);
  bytes_[kRegC] = irqf ? (c | kCIrqf) : (c & static_cast<uint8_t>(~kCIrqf));
  irq_.set(irqf);
}

void Rtc::arm_timers() {
  const uint8_t b = bytes_[kRegB];
  const uint64_t p = periodic_ticks();
  if (divider_running() && (b & kBPie) != 0 && p != 0) {
    scheduler_.arm(periodic_timer_, time_of_counter((last_counter_ / p + 1) * p));
  } else {
    scheduler_.disarm(periodic_timer_);
  }
  if (updating() && (b & (kBUie | kBAie)) != 0) {
    scheduler_.arm(update_timer_, time_of_counter((updates_done_ + 1) * kTicksPerSecond));
  } else {
    scheduler_.disarm(update_timer_);
  }
}

uint8_t Rtc::read_register(unsigned index) {
  sync();
  switch (index) {
    case kRegA: {
      const bool uip = updating() && last_counter_ % kTicksPerSecond >= kTicksPerSecond - kUipTicks;
      return static_cast<uint8_t>((bytes_[kRegA] & ~kAUip) | (uip ? kAUip : 0));
    }
    case kRegC: {
      const uint8_t value = bytes_[kRegC];
      bytes_[kRegC] = 0;  // all flags clear on read, and IRQ8 goes away
      update_irq();
      return value;
    }
    case kRegD: return kDVrt;  // the battery is always good
    default: return bytes_[index];
  }
}

void Rtc::write_register(unsigned index, uint8_t value) {
  sync();  // updates due before this write happen first
  switch (index) {
    case kRegA: {
      const bool was_running = divider_running();
      bytes_[kRegA] = value & static_cast<uint8_t>(~kAUip);  // UIP is read-only
      if (!was_running && divider_running()) {
        // Out of divider reset: the first update comes half a second later.
        const core::GuestTime now = scheduler_.now();
        divider_epoch_ = static_cast<int64_t>(now) - kNsPerSecond / 2;
        last_counter_ = counter_at(now);
        updates_done_ = last_counter_ / kTicksPerSecond;
      }
      break;
    }
    case kRegB:
      // SET going high ends any update and clears UIE.
      if ((value & kBSet) != 0 && (bytes_[kRegB] & kBSet) == 0) {
        value &= static_cast<uint8_t>(~kBUie);
      }
      bytes_[kRegB] = value;
      update_irq();  // an enable over a pending flag interrupts at once
      break;
    case kRegC:
    case kRegD: break;  // read-only
    default: bytes_[index] = value; break;
  }
  arm_timers();
}

uint32_t Rtc::io_read(uint16_t port, unsigned) {
  // The index register is write-only on the PC; the bus floats.
  if (port == kIndexPort) return 0xFF;
  return read_register(index_);
}

void Rtc::io_write(uint16_t port, unsigned, uint32_t value) {
  if (port == kIndexPort) {
    nmi_masked_ = (value & 0x80) != 0;
    index_ = static_cast<uint8_t>(value & 0x7F);
  } else {
    write_register(index_, static_cast<uint8_t>(value));
  }
}

uint8_t Rtc::cmos(unsigned index) {
  if (index >= kCmosSize) throw std::out_of_range("CMOS index out of range");
  if (index == kRegC) {
    sync();
    return bytes_[kRegC];
  }
  return read_register(index);
}

void Rtc::set_cmos(unsigned index, uint8_t value) {
  if (index < kFirstRamByte || index >= kCmosSize) {
    throw std::out_of_range("CMOS RAM index out of range");
  }
  bytes_[index] = value;
}

void Rtc::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::UserError("cannot read CMOS file " + path.string());
  const std::vector<char> data{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
  if (in.bad()) throw core::UserError("cannot read CMOS file " + path.string());
  if (data.size() != kCmosSize) {
    throw core::UserError("CMOS file " + path.string() + " has " + std::to_string(data.size()) +
                          " bytes; it must have exactly " + std::to_string(kCmosSize));
  }
  for (unsigned i = kFirstRamByte; i < kCmosSize; ++i) {
    if (i != kCenturyIndex) bytes_[i] = static_cast<uint8_t>(data[i]);
  }
}

void Rtc::save(const std::filesystem::path& path) {
  std::array<char, kCmosSize> data{};
  for (unsigned i = 0; i < kCmosSize; ++i) data[i] = static_cast<char>(cmos(i));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), data.size());
  out.close();
  if (!out) throw core::UserError("cannot write CMOS file " + path.string());
}

void Rtc::save_state(core::StateWriter& w) const {
  w.bytes(bytes_);
  w.u8(index_);
  w.boolean(nmi_masked_);
  w.i64(divider_epoch_);
  w.u64(last_counter_);
  w.u64(updates_done_);
}

void Rtc::load_state(core::StateReader& r) {
  r.bytes_into(bytes_);
  index_ = r.u8();
  nmi_masked_ = r.boolean();
  divider_epoch_ = r.i64();
  last_counter_ = r.u64();
  updates_done_ = r.u64();
}

}  // namespace tx86::dev
