// The 8042 keyboard controller at 0x60 (data) and 0x64 (status/command),
// with a keyboard on its first PS/2 port (IRQ1) and a mouse on the second
// (AUX, IRQ12). PLATFORM.md A.5 lists what SeaBIOS and Linux use.
//
// The output buffer holds one byte, tagged with where it came from. When it
// is empty the controller fills it at once from, in order: bytes the
// controller itself produced (command results, 0xD2/0xD3), the keyboard
// unless its clock is disabled (CTR bit 4), the mouse unless disabled (CTR
// bit 5); a mouse packet already begun finishes before keyboard bytes.
// Reading port 0x60 empties it, which lowers the IRQ, and the next
// byte (if any) arrives straight away, raising the IRQ again: an edge per
// byte, as QEMU does; Linux's interrupt handler and the flush loops of Linux
// and SeaBIOS read one byte per OBF. With XLATE on (CTR bit 6), keyboard
// bytes pass through the set 2 to set 1 table, a 0xF0 prefix folding into
// bit 7 of the next byte; this applies to replies too (AB 83 -> AB 41).
#pragma once

#include <array>
#include <cstdint>
#include <deque>

#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/machine/machine_control.h"
#include "core/state/state_part.h"
#include "devices/input/ps2_device.h"

namespace tx86::dev {

class I8042 final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kDataPort = 0x60;
  static constexpr uint16_t kCommandPort = 0x64;

  // Status register (port 0x64 read).
  static constexpr uint8_t kStatusOutputFull = 0x01;
  static constexpr uint8_t kStatusInputFull = 0x02;
  static constexpr uint8_t kStatusSystem = 0x04;
  static constexpr uint8_t kStatusCommand = 0x08;  // last write went to 0x64
  static constexpr uint8_t kStatusNotInhibited = 0x10;
  static constexpr uint8_t kStatusAuxData = 0x20;
  static constexpr uint8_t kStatusTimeout = 0x40;
  static constexpr uint8_t kStatusParity = 0x80;

  // Controller configuration byte (CTR, internal RAM byte 0).
  static constexpr uint8_t kCtrKbdInt = 0x01;
  static constexpr uint8_t kCtrAuxInt = 0x02;
  static constexpr uint8_t kCtrSystem = 0x04;
  static constexpr uint8_t kCtrIgnoreKeylock = 0x08;
  static constexpr uint8_t kCtrKbdDisable = 0x10;
  static constexpr uint8_t kCtrAuxDisable = 0x20;
  static constexpr uint8_t kCtrTranslate = 0x40;
  // At power-on: both interrupts and translation on, as Bochs and real
  // BIOSes leave it, so a kernel booted without a BIOS sees the usual "AT
  // Translated Set 2 keyboard" (QEMU starts without XLATE and relies on
  // SeaBIOS setting it).
  static constexpr uint8_t kPowerOnCtr = kCtrKbdInt | kCtrAuxInt | kCtrTranslate;

  // Output port (0xD0/0xD1).
  static constexpr uint8_t kOutResetDeasserted = 0x01;  // 0 = hold the CPU in reset
  static constexpr uint8_t kOutA20 = 0x02;
  static constexpr uint8_t kOutKbdFull = 0x10;
  static constexpr uint8_t kOutAuxFull = 0x20;
  // Input port (0xC0): bit 7 set = keyboard not locked.
  static constexpr uint8_t kInputPort = 0x80;

  I8042(core::IoBus& io, core::MachineControl& machine, core::IrqLine& kbd_irq,
        core::IrqLine& aux_irq, Ps2Device& keyboard, Ps2Device& aux);
  ~I8042() override;
  I8042(const I8042&) = delete;
  I8042& operator=(const I8042&) = delete;

  // Power-on state of the controller (the devices have their own reset).
  void reset();

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  uint8_t status() const;
  uint8_t command_byte() const { return ram_[0]; }

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  enum class Source : uint8_t { kKeyboard, kAux };
  struct Pending {
    uint8_t byte;
    Source source;
  };

  uint8_t read_data();
  void write_data(uint8_t value);
  void write_command(uint8_t cmd);
  void write_ctr(uint8_t value);
  void write_output_port(uint8_t value);
  uint8_t output_port() const;
  void controller_reply(uint8_t byte, Source source = Source::kKeyboard);
  // Loads the output buffer if it is empty and something can be sent.
  void fill();
  bool take_keyboard_byte(uint8_t& out);
  void update_irqs();

  core::MachineControl& machine_;
  core::IrqLine& kbd_irq_;
  core::IrqLine& aux_irq_;
  Ps2Device& keyboard_;
  Ps2Device& aux_;

  std::array<uint8_t, 32> ram_{};  // byte 0 is the CTR
  std::deque<Pending> replies_;    // controller-made bytes waiting for the buffer
  uint8_t output_ = 0;
  Source output_source_ = Source::kKeyboard;
  bool output_full_ = false;
  bool last_write_command_ = true;
  uint8_t pending_command_ = 0;  // a command waiting for its data byte, or 0
  uint8_t output_port_ = kOutResetDeasserted | kOutA20 | 0xCC;
  bool translate_break_ = false;  // XLATE saw 0xF0; the next byte gets bit 7
  bool filling_ = false;
};

}  // namespace tx86::dev
