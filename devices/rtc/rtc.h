// The MC146818A real-time clock and its 128 bytes of CMOS RAM behind ports
// 0x70 (index, bit 7 = the PC's NMI mask) and 0x71 (data) (PLATFORM.md A.3).
//
// The clock never ticks. Its divider chain is a pure function of guest
// time: a 32.768 kHz counter that is zero at divider_epoch_, so the update
// cycle k happens at divider_epoch_ + k seconds and periodic edges sit on
// multiples of the selected tap. Every register access first catches the
// chip up to Scheduler::now() ("sync": apply the updates and set the flags
// that fell due since the last access), so flags are right even with every
// interrupt disabled. Timers are armed only for what must interrupt the
// CPU: the next periodic edge when PIE is set, the next update when UIE or
// AIE is set.
//
// The update cycle is modelled as instantaneous at the second boundary,
// with UIP high for the 244 us before it (datasheet Table 6: tBUC); the
// real chip keeps UIP high ~2 ms longer, during which the time reads as
// unstable anyway. Divider values other than 010 (32.768 kHz time base)
// stop the clock; leaving one starts the divider so that the first update
// comes half a second later, as the datasheet says for leaving reset (11x).
#pragma once

#include <array>
#include <cstdint>
#include <ctime>
#include <filesystem>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/sched/scheduler.h"
#include "core/state/state_part.h"
#include "devices/rtc/rtc_calendar.h"

namespace tx86::dev {

class Rtc final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kIndexPort = 0x70;
  static constexpr uint16_t kDataPort = 0x71;
  static constexpr unsigned kCmosSize = 128;
  static constexpr unsigned kFirstRamByte = 0x0E;  // below: clock registers
  static constexpr unsigned kCenturyIndex = 0x32;

  // Register indexes.
  static constexpr unsigned kRegSeconds = 0x00;
  static constexpr unsigned kRegSecondsAlarm = 0x01;
  static constexpr unsigned kRegMinutes = 0x02;
  static constexpr unsigned kRegMinutesAlarm = 0x03;
  static constexpr unsigned kRegHours = 0x04;
  static constexpr unsigned kRegHoursAlarm = 0x05;
  static constexpr unsigned kRegWeekday = 0x06;
  static constexpr unsigned kRegDay = 0x07;
  static constexpr unsigned kRegMonth = 0x08;
  static constexpr unsigned kRegYear = 0x09;
  static constexpr unsigned kRegA = 0x0A;
  static constexpr unsigned kRegB = 0x0B;
  static constexpr unsigned kRegC = 0x0C;
  static constexpr unsigned kRegD = 0x0D;

  // Status register bits (datasheet "Registers").
  static constexpr uint8_t kAUip = 0x80;
  static constexpr uint8_t kADividerMask = 0x70;
  static constexpr uint8_t kADivider32k = 0x20;
  static constexpr uint8_t kARateMask = 0x0F;
  static constexpr uint8_t kBSet = 0x80;
  static constexpr uint8_t kBPie = 0x40;
  static constexpr uint8_t kBAie = 0x20;
  static constexpr uint8_t kBUie = 0x10;
  static constexpr uint8_t kBSqwe = 0x08;
  static constexpr uint8_t kCIrqf = 0x80;
  static constexpr uint8_t kCPf = 0x40;
  static constexpr uint8_t kCAf = 0x20;
  static constexpr uint8_t kCUf = 0x10;
  static constexpr uint8_t kDVrt = 0x80;

  // The clock starts at start_time (Unix seconds, kept as UTC), e.g. the
  // host's time(nullptr) for desktop use or a fixed value for reproducible
  // runs. Status A = 0x26, B = 0x02 (BCD, 24 h), the RAM is zero.
  Rtc(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq, std::time_t start_time);
  ~Rtc() override;
  Rtc(const Rtc&) = delete;
  Rtc& operator=(const Rtc&) = delete;

  // The RESET pin: clears PIE, AIE, UIE and SQWE in status B and the flags
  // in status C (lowering IRQ8); time, the other bits and the RAM stay.
  void reset();

  // Byte index as the guest would read it, but without side effects (a
  // read of status C here does not clear it).
  uint8_t cmos(unsigned index);
  // Stores a RAM byte (0x0E-0x7F) for the board's CMOS layout.
  void set_cmos(unsigned index, uint8_t value);

  bool nmi_masked() const { return nmi_masked_; }

  // The frontend's --cmos file: exactly 128 bytes, the chip's address
  // space. load() takes the RAM bytes 0x0E-0x7F except the century, which
  // belongs to the clock like registers 0x00-0x0D: the time always comes
  // from start_time. Errors (unreadable, wrong size) throw core::UserError.
  void load(const std::filesystem::path& path);
  void save(const std::filesystem::path& path);

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  uint8_t read_register(unsigned index);
  void write_register(unsigned index, uint8_t value);

  bool divider_running() const { return (bytes_[kRegA] & kADividerMask) == kADivider32k; }
  bool updating() const { return divider_running() && (bytes_[kRegB] & kBSet) == 0; }
  // 32.768 kHz ticks since divider_epoch_ at guest time t, and back.
  uint64_t counter_at(core::GuestTime t) const;
  core::GuestTime time_of_counter(uint64_t ticks) const;
  uint64_t periodic_ticks() const;  // 0: no periodic edge selected

  RtcTime load_time() const;
  void store_time(const RtcTime& t);
  void sync();
  void apply_updates(uint64_t n);
  bool alarm_hit(uint64_t seconds_back) const;
  void update_irq();
  void arm_timers();

  core::IoBus& io_;
  core::Scheduler& scheduler_;
  core::IrqLine& irq_;
  core::TimerId periodic_timer_;
  core::TimerId update_timer_;

  std::array<uint8_t, kCmosSize> bytes_{};
  uint8_t index_ = 0;
  bool nmi_masked_ = false;

  int64_t divider_epoch_ = 0;  // guest ns at which the divider counter was 0
  uint64_t last_counter_ = 0;  // divider counter at the last sync
  uint64_t updates_done_ = 0;  // update cycles accounted for (counter / 32768)
};

}  // namespace tx86::dev
