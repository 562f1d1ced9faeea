#include "devices/input/ps2_mouse.h"

#include <algorithm>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace tx86::dev {

namespace {
constexpr uint8_t kCmdScaling1to1 = 0xE6;
constexpr uint8_t kCmdScaling2to1 = 0xE7;
constexpr uint8_t kCmdResolution = 0xE8;
constexpr uint8_t kCmdStatus = 0xE9;
constexpr uint8_t kCmdStreamMode = 0xEA;
constexpr uint8_t kCmdReadData = 0xEB;
constexpr uint8_t kCmdResetWrap = 0xEC;
constexpr uint8_t kCmdWrapMode = 0xEE;
constexpr uint8_t kCmdRemoteMode = 0xF0;
constexpr uint8_t kCmdGetId = 0xF2;
constexpr uint8_t kCmdSampleRate = 0xF3;
constexpr uint8_t kCmdEnable = 0xF4;
constexpr uint8_t kCmdDisable = 0xF5;
constexpr uint8_t kCmdDefaults = 0xF6;
constexpr uint8_t kCmdResend = 0xFE;
constexpr uint8_t kCmdReset = 0xFF;

// X and Y are 9-bit two's complement; -256 is left out because drivers
// (Linux psmouse) read a zero low byte as no movement.
constexpr int kMaxMotion = 255;
// The wheel is a 4-bit signed count in both IntelliMouse formats.
constexpr int kMinWheel = -8;
constexpr int kMaxWheel = 7;
// Remote-mode counters stop growing here; far past anything reportable.
constexpr int kCounterLimit = 1 << 20;

// Scaling 2:1 (stream mode only) maps 1,2,3,4,5 to 1,1,3,6,9 and doubles
// anything larger (Chapweske, "Scaling").
int scale_2to1(int v) {
  static constexpr std::array<int, 6> kSmall = {0, 1, 1, 3, 6, 9};
  const int mag = std::abs(v);
  const int scaled = mag < 6 ? kSmall[static_cast<size_t>(mag)] : 2 * mag;
  return std::min(scaled, kMaxMotion) * (v < 0 ? -1 : 1);
}
}  // namespace

Ps2Mouse::Ps2Mouse(core::Scheduler& scheduler)
    : scheduler_(scheduler),
      self_test_timer_(scheduler.add_timer("ps2mouse-self-test", [this] { self_test_done(); })) {}

void Ps2Mouse::reset() {
  scheduler_.disarm(self_test_timer_);
  clear_queues();
  expect_ = Expect::kCommand;
  id_ = kIdStandard;
  wrap_ = false;
  remote_ = false;
  last_rates_ = {};
  set_defaults();
  buttons_ = 0;
  sent_buttons_ = 0;
}

void Ps2Mouse::set_defaults() {
  sample_rate_ = kDefaultSampleRate;
  resolution_ = kDefaultResolution;
  scaling_2to1_ = false;
  reporting_ = false;
  remote_ = false;
  reset_counters();
}

void Ps2Mouse::reset_counters() {
  dx_ = dy_ = dz_ = 0;
  drop_pending_input();
}

uint8_t Ps2Mouse::reportable_buttons() const {
  const uint8_t mask = id_ == kIdExplorer ? 0x1F : 0x07;
  return buttons_ & mask;
}

void Ps2Mouse::write(uint8_t byte) {
  if (wrap_ && byte != kCmdReset) {
    // Wrap mode echoes every byte but reset and "reset wrap mode".
    if (byte == kCmdResetWrap) {
      wrap_ = false;
      reset_counters();
      reply(kAck);
    } else {
      reply(byte);
    }
    return;
  }
  const Expect expected = expect_;
  expect_ = Expect::kCommand;
  switch (expected) {
    case Expect::kResolution:
      resolution_ = byte;
      reset_counters();
      reply(kAck);
      return;
    case Expect::kSampleRate:
      set_sample_rate(byte);
      reply(kAck);
      return;
    case Expect::kCommand: command(byte); return;
  }
}

void Ps2Mouse::command(uint8_t byte) {
  switch (byte) {
    case kCmdScaling1to1:
    case kCmdScaling2to1:
      scaling_2to1_ = byte == kCmdScaling2to1;
      reply(kAck);
      break;
    case kCmdResolution:
      reply(kAck);
      expect_ = Expect::kResolution;
      break;
    case kCmdStatus: {
      // Status: bit 6 remote, 5 reporting, 4 scaling 2:1, 2 left, 1 middle,
      // 0 right; then resolution and sample rate.
      const uint8_t b = buttons_;
      reply(kAck);
      reply(static_cast<uint8_t>((remote_ ? 0x40 : 0) | (reporting_ ? 0x20 : 0) |
                                 (scaling_2to1_ ? 0x10 : 0) | ((b & kButtonLeft) ? 0x04 : 0) |
                                 ((b & kButtonMiddle) ? 0x02 : 0) |
                                 ((b & kButtonRight) ? 0x01 : 0)));
      reply(resolution_);
      reply(sample_rate_);
      break;
    }
    case kCmdStreamMode:
    case kCmdRemoteMode:
      remote_ = byte == kCmdRemoteMode;
      reset_counters();
      reply(kAck);
      break;
    case kCmdReadData: {
      reply(kAck);
      const std::array<uint8_t, 4> packet = take_packet(true);
      for (size_t i = 0; i < packet_size(); ++i) reply(packet[i]);
      break;
    }
    case kCmdResetWrap:
      reply(kAck);  // not in wrap mode: nothing to leave
      break;
    case kCmdWrapMode:
      wrap_ = true;
      reset_counters();
      reply(kAck);
      break;
    case kCmdGetId:
      reply(kAck);
      reply(id_);
      break;
    case kCmdSampleRate:
      reply(kAck);
      expect_ = Expect::kSampleRate;
      break;
    case kCmdEnable:
    case kCmdDisable:
      reporting_ = byte == kCmdEnable;
      reset_counters();
      sent_buttons_ = reportable_buttons();
      reply(kAck);
      break;
    case kCmdDefaults:
      set_defaults();
      reply(kAck);
      break;
    case kCmdResend: reply(last_sent()); break;
    case kCmdReset:
      scheduler_.disarm(self_test_timer_);
      clear_queues();
      id_ = kIdStandard;
      wrap_ = false;
      last_rates_ = {};
      set_defaults();
      reply(kAck);
      scheduler_.arm(self_test_timer_, scheduler_.now() + kSelfTestDelay);
      break;
    default:
      spdlog::debug("ps2mouse: unknown command 0x{:02x}", byte);
      reply(kResend);
      break;
  }
}

void Ps2Mouse::set_sample_rate(uint8_t rate) {
  sample_rate_ = rate;
  reset_counters();
  last_rates_ = {last_rates_[1], last_rates_[2], rate};
  // The "knock" sequences that unlock the wheel (Microsoft IntelliMouse)
  // and then buttons 4 and 5 (IntelliMouse Explorer).
  if (id_ == kIdStandard && last_rates_ == std::array<uint8_t, 3>{200, 100, 80}) {
    id_ = kIdIntelliMouse;
  } else if (id_ == kIdIntelliMouse && last_rates_ == std::array<uint8_t, 3>{200, 200, 80}) {
    id_ = kIdExplorer;
  }
}

void Ps2Mouse::self_test_done() {
  reply(kSelfTestPassed);
  reply(id_);
}

void Ps2Mouse::move(int dx, int dy, int dz, uint8_t buttons) {
  buttons_ = buttons & 0x1F;
  if (!remote_ && !reporting_) {
    // Stream mode with reporting off: nothing is counted or sent.
    sent_buttons_ = reportable_buttons();
    return;
  }
  dx_ = std::clamp(dx_ + dx, -kCounterLimit, kCounterLimit);
  dy_ = std::clamp(dy_ - dy, -kCounterLimit, kCounterLimit);
  if (id_ != kIdStandard) dz_ = std::clamp(dz_ + dz, -kCounterLimit, kCounterLimit);
  send_stream();
}

void Ps2Mouse::send_stream() {
  if (remote_ || !reporting_ || wrap_) return;
  while (has_motion() && input_bytes() + packet_size() <= kInputCapacity) {
    const std::array<uint8_t, 4> packet = take_packet(false);
    queue_input({packet.data(), packet_size()});
  }
}

std::array<uint8_t, 4> Ps2Mouse::take_packet(bool saturate) {
  int x = std::clamp(dx_, -kMaxMotion, kMaxMotion);
  int y = std::clamp(dy_, -kMaxMotion, kMaxMotion);
  const int z = std::clamp(dz_, kMinWheel, kMaxWheel);
  const bool x_overflow = saturate && x != dx_;
  const bool y_overflow = saturate && y != dy_;
  if (saturate) {
    dx_ = dy_ = dz_ = 0;
  } else {
    dx_ -= x;
    dy_ -= y;
    dz_ -= z;
  }
  if (scaling_2to1_ && !remote_) {
    x = scale_2to1(x);
    y = scale_2to1(y);
  }
  const uint8_t buttons = reportable_buttons();
  sent_buttons_ = buttons;
  // Byte 0: Y overflow, X overflow, Y sign, X sign, 1, middle, right, left.
  std::array<uint8_t, 4> packet{};
  packet[0] =
      static_cast<uint8_t>((y_overflow ? 0x80 : 0) | (x_overflow ? 0x40 : 0) | (y < 0 ? 0x20 : 0) |
                           (x < 0 ? 0x10 : 0) | 0x08 | (buttons & 0x07));
  packet[1] = static_cast<uint8_t>(x & 0xFF);
  packet[2] = static_cast<uint8_t>(y & 0xFF);
  if (id_ == kIdIntelliMouse) {
    packet[3] = static_cast<uint8_t>(z & 0xFF);
  } else if (id_ == kIdExplorer) {
    // Byte 3: bits 3-0 wheel, bit 4 button 4, bit 5 button 5.
    packet[3] = static_cast<uint8_t>((z & 0x0F) | ((buttons & (kButton4 | kButton5)) << 1));
  }
  return packet;
}

void Ps2Mouse::save_state(core::StateWriter& w) const {
  save_queues(w);
  w.u8(static_cast<uint8_t>(expect_));
  w.u8(id_);
  for (const bool b : {reporting_, remote_, wrap_, scaling_2to1_}) w.boolean(b);
  w.u8(sample_rate_);
  w.u8(resolution_);
  w.pod(last_rates_);
  for (const int d : {dx_, dy_, dz_}) w.i64(d);
  w.u8(buttons_);
  w.u8(sent_buttons_);
}

void Ps2Mouse::load_state(core::StateReader& r) {
  load_queues(r);
  const uint8_t expect = r.u8();
  if (expect > static_cast<uint8_t>(Expect::kSampleRate)) r.fail("a bad mouse state");
  expect_ = static_cast<Expect>(expect);
  id_ = r.u8();
  for (bool* b : {&reporting_, &remote_, &wrap_, &scaling_2to1_}) *b = r.boolean();
  sample_rate_ = r.u8();
  resolution_ = r.u8();
  r.pod(last_rates_);
  for (int* d : {&dx_, &dy_, &dz_}) *d = static_cast<int>(r.i64());
  buttons_ = r.u8();
  sent_buttons_ = r.u8();
}

}  // namespace tx86::dev
