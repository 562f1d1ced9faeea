// A PS/2 (MF2) keyboard: the host commands of the IBM PS/2 Technical
// Reference (ED LEDs, EE echo, F0 scan code set, F2 identify, F3 typematic,
// F4/F5/F6 enable/disable/defaults, FE resend, FF reset), scan code sets 1,
// 2 and 3, and typematic repeat timed in guest time.
//
// The frontend reports host keys with key_down/key_up; holding a key makes
// the keyboard itself repeat it, so the frontend must drop host autorepeat.
#pragma once

#include <bitset>
#include <cstdint>
#include <functional>

#include "core/sched/scheduler.h"
#include "devices/input/key_codes.h"
#include "devices/input/ps2_device.h"

namespace tx86::dev {

class Ps2Keyboard final : public Ps2Device, public core::StatePart {
 public:
  // Command bytes and replies (IBM PS/2 Technical Reference, Keyboards).
  static constexpr uint8_t kAck = 0xFA;
  static constexpr uint8_t kResend = 0xFE;
  static constexpr uint8_t kEcho = 0xEE;
  static constexpr uint8_t kSelfTestPassed = 0xAA;
  // LED bits of command 0xED.
  static constexpr uint8_t kLedScrollLock = 0x01;
  static constexpr uint8_t kLedNumLock = 0x02;
  static constexpr uint8_t kLedCapsLock = 0x04;
  // Power-on typematic byte: 10.9 characters/s after 500 ms.
  static constexpr uint8_t kDefaultTypematic = 0x2B;
  // Time from a reset command's ACK to the self-test result. A real
  // keyboard takes 300-500 ms; firmware waits up to 4 s (SeaBIOS) but gains
  // nothing from a long wait, so this is short.
  static constexpr core::GuestTime kSelfTestDelay = 2'000'000;  // 2 ms

  explicit Ps2Keyboard(core::Scheduler& scheduler);

  void reset() override;
  void write(uint8_t byte) override;

  // Input from the frontend. Repeated key_down of a held key is ignored.
  void key_down(Key key);
  void key_up(Key key);
  // Releases every held key (the window lost focus), sending break codes.
  void release_all();
  bool is_down(Key key) const { return held_.test(static_cast<unsigned>(key)); }

  uint8_t leds() const { return leds_; }
  // Told whenever the guest sets the LEDs.
  void set_led_listener(std::function<void(uint8_t)> listener) {
    led_listener_ = std::move(listener);
  }
  unsigned scan_code_set() const { return set_; }
  bool scanning() const { return scanning_; }
  uint8_t typematic() const { return typematic_; }

  // Delay before the first repeat and the repeat period for a typematic
  // byte: delay (bits 6-5 + 1) x 250 ms, period (8 + bits 2-0) x 2^(bits
  // 4-3) / 240 s, i.e. 30 to 2 characters/s.
  static core::GuestTime typematic_delay(uint8_t typematic);
  static core::GuestTime typematic_period(uint8_t typematic);

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  // What the next byte from the host means.
  enum class Expect : uint8_t { kCommand, kLeds, kScanCodeSet, kTypematic, kKeyList };

  void command(uint8_t byte);
  void set_defaults();
  void send_key(Key key, bool make);
  void stop_repeat();
  void repeat();
  void self_test_done();
  HeldModifiers held_modifiers() const;

  core::Scheduler& scheduler_;
  core::TimerId repeat_timer_;
  core::TimerId self_test_timer_;

  Expect expect_ = Expect::kCommand;
  unsigned set_ = 2;
  bool scanning_ = true;
  uint8_t typematic_ = kDefaultTypematic;
  uint8_t leds_ = 0;
  bool overrun_ = false;  // an overrun marker is queued; no second one
  std::bitset<kKeyCount> held_;
  Key repeat_key_ = Key::kCount;  // kCount: nothing repeats
  core::GuestTime next_repeat_ = 0;
  std::function<void(uint8_t)> led_listener_;

  void on_input_drained() override { overrun_ = false; }
};

}  // namespace tx86::dev
