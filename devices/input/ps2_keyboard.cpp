#include "devices/input/ps2_keyboard.h"

#include <spdlog/spdlog.h>

namespace tx86::dev {

namespace {
constexpr uint8_t kCmdSetLeds = 0xED;
constexpr uint8_t kCmdEcho = 0xEE;
constexpr uint8_t kCmdScanCodeSet = 0xF0;
constexpr uint8_t kCmdIdentify = 0xF2;
constexpr uint8_t kCmdTypematic = 0xF3;
constexpr uint8_t kCmdEnable = 0xF4;
constexpr uint8_t kCmdDisable = 0xF5;
constexpr uint8_t kCmdDefaults = 0xF6;
constexpr uint8_t kCmdResend = 0xFE;
constexpr uint8_t kCmdReset = 0xFF;
// An MF2 keyboard identifies as AB 83 (the 8042 turns 83 into 41 with XLATE).
constexpr uint8_t kId1 = 0xAB;
constexpr uint8_t kId2 = 0x83;
// Host bytes from 0xED up are commands; one sent where an option byte is
// expected cancels the pending command and runs instead.
constexpr uint8_t kFirstCommand = 0xED;
}  // namespace

Ps2Keyboard::Ps2Keyboard(core::Scheduler& scheduler)
    : scheduler_(scheduler),
      repeat_timer_(scheduler.add_timer("ps2kbd-typematic", [this] { repeat(); })),
      self_test_timer_(scheduler.add_timer("ps2kbd-self-test", [this] { self_test_done(); })) {}

core::GuestTime Ps2Keyboard::typematic_delay(uint8_t typematic) {
  return (((typematic >> 5) & 3u) + 1) * 250'000'000ull;
}

core::GuestTime Ps2Keyboard::typematic_period(uint8_t typematic) {
  const uint64_t units = (8u + (typematic & 7u)) << ((typematic >> 3) & 3u);
  return units * 1'000'000'000ull / 240;
}

void Ps2Keyboard::reset() {
  scheduler_.disarm(self_test_timer_);
  stop_repeat();
  clear_queues();
  overrun_ = false;
  expect_ = Expect::kCommand;
  set_ = 2;
  scanning_ = true;
  typematic_ = kDefaultTypematic;
  held_.reset();
  if (leds_ != 0 && led_listener_) led_listener_(0);
  leds_ = 0;
}

void Ps2Keyboard::write(uint8_t byte) {
  if (expect_ != Expect::kCommand) {
    const Expect expected = expect_;
    expect_ = Expect::kCommand;
    if (byte < kFirstCommand) {
      switch (expected) {
        case Expect::kLeds:
          leds_ = byte & (kLedScrollLock | kLedNumLock | kLedCapsLock);
          reply(kAck);
          if (led_listener_) led_listener_(leds_);
          return;
        case Expect::kTypematic:
          typematic_ = byte & 0x7F;
          reply(kAck);
          return;
        case Expect::kScanCodeSet:
          if (byte == 0) {
            reply(kAck);
            reply(static_cast<uint8_t>(set_));
          } else if (byte <= 3) {
            set_ = byte;
            reply(kAck);
          } else {
            expect_ = Expect::kScanCodeSet;  // the host may send a valid one
            reply(kResend);
          }
          return;
        case Expect::kKeyList:
          // Set 3 per-key types (FB-FD): each listed key is acknowledged
          // until a command byte ends the list; the types are not modelled.
          expect_ = Expect::kKeyList;
          reply(kAck);
          return;
        case Expect::kCommand: break;
      }
    }
  }
  command(byte);
}

void Ps2Keyboard::command(uint8_t byte) {
  switch (byte) {
    case kCmdSetLeds:
      reply(kAck);
      expect_ = Expect::kLeds;
      break;
    case kCmdEcho: reply(kEcho); break;
    case kCmdScanCodeSet:
      reply(kAck);
      expect_ = Expect::kScanCodeSet;
      break;
    case kCmdIdentify:
      reply(kAck);
      reply(kId1);
      reply(kId2);
      break;
    case kCmdTypematic:
      reply(kAck);
      expect_ = Expect::kTypematic;
      break;
    case kCmdEnable:
      // "clears its output buffer, clears the last typematic key, and
      // starts scanning" (IBM PS/2 Technical Reference).
      drop_pending_input();
      stop_repeat();
      scanning_ = true;
      reply(kAck);
      break;
    case kCmdDisable:
    case kCmdDefaults:
      drop_pending_input();
      set_defaults();
      scanning_ = byte == kCmdDefaults;
      reply(kAck);
      break;
    case 0xF7:
    case 0xF8:
    case 0xF9:
    case 0xFA:
      reply(kAck);  // set 3: all keys typematic / make-break / make / all
      break;
    case 0xFB:
    case 0xFC:
    case 0xFD:
      reply(kAck);
      expect_ = Expect::kKeyList;
      break;
    case kCmdResend: reply(last_sent()); break;
    case kCmdReset:
      scheduler_.disarm(self_test_timer_);
      clear_queues();
      overrun_ = false;
      set_defaults();
      set_ = 2;
      scanning_ = false;  // until the self-test completes
      if (leds_ != 0 && led_listener_) led_listener_(0);
      leds_ = 0;
      reply(kAck);
      scheduler_.arm(self_test_timer_, scheduler_.now() + kSelfTestDelay);
      break;
    default:
      spdlog::debug("ps2kbd: unknown command 0x{:02x}", byte);
      reply(kResend);
      break;
  }
}

void Ps2Keyboard::set_defaults() {
  typematic_ = kDefaultTypematic;
  stop_repeat();
}

void Ps2Keyboard::self_test_done() {
  scanning_ = true;
  reply(kSelfTestPassed);
}

HeldModifiers Ps2Keyboard::held_modifiers() const {
  return {is_down(Key::kLeftShift) || is_down(Key::kRightShift),
          is_down(Key::kLeftCtrl) || is_down(Key::kRightCtrl),
          is_down(Key::kLeftAlt) || is_down(Key::kRightAlt)};
}

void Ps2Keyboard::send_key(Key key, bool make) {
  if (!scanning_) return;
  const ScanCodes codes = scan_codes(key, make, set_, held_modifiers());
  if (codes.empty() || queue_input(codes.bytes())) return;
  // The buffer is full: the key is lost and the host learns of it from one
  // overrun code, 00 in sets 2 and 3, FF in set 1.
  if (!overrun_) {
    const uint8_t marker = set_ == 1 ? 0xFF : 0x00;
    force_input({&marker, 1});
    overrun_ = true;
  }
}

void Ps2Keyboard::key_down(Key key) {
  if (key >= Key::kCount || is_down(key)) return;
  held_.set(static_cast<unsigned>(key));
  send_key(key, true);
  // The last key pressed repeats; Pause has no repeat (no break code).
  if (!scanning_ || key == Key::kPause) return;
  repeat_key_ = key;
  next_repeat_ = scheduler_.now() + typematic_delay(typematic_);
  scheduler_.arm(repeat_timer_, next_repeat_);
}

void Ps2Keyboard::key_up(Key key) {
  if (key >= Key::kCount || !is_down(key)) return;
  held_.reset(static_cast<unsigned>(key));
  send_key(key, false);
  if (key == repeat_key_) stop_repeat();
}

void Ps2Keyboard::release_all() {
  for (unsigned i = 0; i < kKeyCount; ++i) {
    if (held_.test(i)) key_up(static_cast<Key>(i));
  }
}

void Ps2Keyboard::stop_repeat() {
  repeat_key_ = Key::kCount;
  scheduler_.disarm(repeat_timer_);
}

void Ps2Keyboard::repeat() {
  if (repeat_key_ == Key::kCount || !scanning_) return;
  // A repeat that does not fit is skipped rather than reported as overrun:
  // the guest is simply not reading fast enough.
  const ScanCodes codes = scan_codes(repeat_key_, true, set_, held_modifiers());
  queue_input(codes.bytes());
  next_repeat_ += typematic_period(typematic_);
  scheduler_.arm(repeat_timer_, next_repeat_);
}

void Ps2Keyboard::save_state(core::StateWriter& w) const {
  save_queues(w);
  w.u8(static_cast<uint8_t>(expect_));
  w.u32(set_);
  w.boolean(scanning_);
  w.u8(typematic_);
  w.u8(leds_);
  w.boolean(overrun_);
  w.str(held_.to_string());
  w.u8(static_cast<uint8_t>(repeat_key_));
  w.u64(next_repeat_);
}

void Ps2Keyboard::load_state(core::StateReader& r) {
  load_queues(r);
  const uint8_t expect = r.u8();
  if (expect > static_cast<uint8_t>(Expect::kKeyList)) r.fail("a bad keyboard state");
  expect_ = static_cast<Expect>(expect);
  set_ = r.u32();
  scanning_ = r.boolean();
  typematic_ = r.u8();
  leds_ = r.u8();
  overrun_ = r.boolean();
  const std::string held = r.str();
  if (held.size() != held_.size() || held.find_first_not_of("01") != std::string::npos) {
    r.fail("a bad keyboard state");
  }
  held_ = std::bitset<kKeyCount>(held);
  const uint8_t key = r.u8();
  if (key > kKeyCount) r.fail("a bad keyboard state");
  repeat_key_ = static_cast<Key>(key);
  next_repeat_ = r.u64();
}

}  // namespace tx86::dev
