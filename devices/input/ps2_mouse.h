// A PS/2 mouse with the IntelliMouse wheel (ID 3, after sample rates 200,
// 100, 80) and the IntelliMouse Explorer's fourth and fifth buttons (ID 4,
// after 200, 200, 80 from ID 3), per Chapweske's "The PS/2 Mouse
// Interface" and Microsoft's IntelliMouse notes.
//
// Movement accumulates in counters. In stream mode with reporting on, the
// counters are sent as packets while the device buffer has room, a large
// move split into several packets of at most +-255 each; what does not fit
// waits until the controller drains the buffer. In remote mode the host
// reads the counters with 0xEB; a counter beyond +-255 is then sent
// saturated with its overflow bit set.
#pragma once

#include <array>
#include <cstdint>

#include "core/sched/scheduler.h"
#include "devices/input/ps2_device.h"

namespace tx86::dev {

class Ps2Mouse final : public Ps2Device, public core::StatePart {
 public:
  static constexpr uint8_t kAck = 0xFA;
  static constexpr uint8_t kResend = 0xFE;
  static constexpr uint8_t kSelfTestPassed = 0xAA;
  // Button bits of move().
  static constexpr uint8_t kButtonLeft = 0x01;
  static constexpr uint8_t kButtonRight = 0x02;
  static constexpr uint8_t kButtonMiddle = 0x04;
  static constexpr uint8_t kButton4 = 0x08;
  static constexpr uint8_t kButton5 = 0x10;
  // Device ids returned by 0xF2.
  static constexpr uint8_t kIdStandard = 0x00;
  static constexpr uint8_t kIdIntelliMouse = 0x03;
  static constexpr uint8_t kIdExplorer = 0x04;
  // Power-on and 0xF6 defaults: 100 samples/s, 4 counts/mm, scaling 1:1.
  static constexpr uint8_t kDefaultSampleRate = 100;
  static constexpr uint8_t kDefaultResolution = 2;
  // Reset to self-test result, as for the keyboard (kept short).
  static constexpr core::GuestTime kSelfTestDelay = 2'000'000;  // 2 ms

  explicit Ps2Mouse(core::Scheduler& scheduler);

  void reset() override;
  void write(uint8_t byte) override;

  // Input from the frontend: dx to the right, dy downwards (screen
  // convention; the packet's Y axis points up), dz wheel clicks towards the
  // user (scrolling down), buttons the kButton* bits now held.
  void move(int dx, int dy, int dz, uint8_t buttons);

  uint8_t device_id() const { return id_; }
  bool reporting() const { return reporting_; }
  bool remote_mode() const { return remote_; }
  uint8_t sample_rate() const { return sample_rate_; }
  uint8_t resolution() const { return resolution_; }

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  enum class Expect : uint8_t { kCommand, kResolution, kSampleRate };

  void command(uint8_t byte);
  void set_defaults();
  void set_sample_rate(uint8_t rate);
  void reset_counters();
  // Bytes in a packet for the current id.
  size_t packet_size() const { return id_ == kIdStandard ? 3 : 4; }
  // Builds one packet from the counters and takes what it reports out of
  // them. saturate (remote mode): report what does not fit as overflow and
  // clear the counters; otherwise keep the rest for the next packet.
  std::array<uint8_t, 4> take_packet(bool saturate);
  uint8_t reportable_buttons() const;
  void send_stream();
  bool has_motion() const {
    return dx_ != 0 || dy_ != 0 || dz_ != 0 || reportable_buttons() != sent_buttons_;
  }
  void on_input_drained() override { send_stream(); }
  void self_test_done();

  core::Scheduler& scheduler_;
  core::TimerId self_test_timer_;

  Expect expect_ = Expect::kCommand;
  uint8_t id_ = kIdStandard;
  bool reporting_ = false;
  bool remote_ = false;
  bool wrap_ = false;
  bool scaling_2to1_ = false;
  uint8_t sample_rate_ = kDefaultSampleRate;
  uint8_t resolution_ = kDefaultResolution;
  std::array<uint8_t, 3> last_rates_{};  // the last three 0xF3 values, newest last
  int dx_ = 0;                           // packet convention: Y up
  int dy_ = 0;
  int dz_ = 0;
  uint8_t buttons_ = 0;
  uint8_t sent_buttons_ = 0;
};

}  // namespace tx86::dev
