#include "devices/input/i8042.h"

#include <spdlog/spdlog.h>

#include "devices/input/key_codes.h"

namespace tx86::dev {

namespace {
// Controller commands (written to 0x64).
constexpr uint8_t kCmdReadRamFirst = 0x20;  // 0x20-0x3F: read RAM byte (0x20: CTR)
constexpr uint8_t kCmdReadRamLast = 0x3F;
constexpr uint8_t kCmdWriteRamFirst = 0x60;  // 0x60-0x7F: write RAM byte (0x60: CTR)
constexpr uint8_t kCmdWriteRamLast = 0x7F;
constexpr uint8_t kCmdAuxDisable = 0xA7;
constexpr uint8_t kCmdAuxEnable = 0xA8;
constexpr uint8_t kCmdAuxTest = 0xA9;
constexpr uint8_t kCmdSelfTest = 0xAA;
constexpr uint8_t kCmdKbdTest = 0xAB;
constexpr uint8_t kCmdKbdDisable = 0xAD;
constexpr uint8_t kCmdKbdEnable = 0xAE;
constexpr uint8_t kCmdReadInput = 0xC0;
constexpr uint8_t kCmdReadOutput = 0xD0;
constexpr uint8_t kCmdWriteOutput = 0xD1;
constexpr uint8_t kCmdWriteKbdBuffer = 0xD2;
constexpr uint8_t kCmdWriteAuxBuffer = 0xD3;
constexpr uint8_t kCmdWriteAux = 0xD4;
constexpr uint8_t kCmdA20Off = 0xDD;  // HP Vectra, and some BIOSes
constexpr uint8_t kCmdA20On = 0xDF;
constexpr uint8_t kCmdPulseFirst = 0xF0;  // 0xF0-0xFF: pulse output bits 3-0 where clear

constexpr uint8_t kSelfTestPassed = 0x55;
constexpr uint8_t kInterfaceOk = 0x00;
constexpr uint8_t kBreakPrefix = 0xF0;
// More controller-made bytes than this without a read are dropped; a guest
// that loops on 0x20 without reading must not grow the queue forever.
constexpr size_t kMaxReplies = 16;
}  // namespace

I8042::I8042(core::IoBus& io, core::MachineControl& machine, core::IrqLine& kbd_irq,
             core::IrqLine& aux_irq, Ps2Device& keyboard, Ps2Device& aux)
    : machine_(machine), kbd_irq_(kbd_irq), aux_irq_(aux_irq), keyboard_(keyboard), aux_(aux) {
  io.register_ports(kDataPort, 1, this, core::kIoWidth8, "i8042-data");
  io.register_ports(kCommandPort, 1, this, core::kIoWidth8, "i8042-command");
  keyboard_.set_data_listener([this] { fill(); });
  aux_.set_data_listener([this] { fill(); });
  reset();
}

I8042::~I8042() {
  keyboard_.set_data_listener(nullptr);
  aux_.set_data_listener(nullptr);
}

void I8042::reset() {
  ram_.fill(0);
  ram_[0] = kPowerOnCtr;
  replies_.clear();
  output_ = 0;
  output_source_ = Source::kKeyboard;
  output_full_ = false;
  last_write_command_ = true;
  pending_command_ = 0;
  output_port_ = kOutResetDeasserted | kOutA20 | 0xCC;
  translate_break_ = false;
  update_irqs();
  fill();
}

uint32_t I8042::io_read(uint16_t port, unsigned) {
  return port == kDataPort ? read_data() : status();
}

void I8042::io_write(uint16_t port, unsigned, uint32_t value) {
  const auto byte = static_cast<uint8_t>(value);
  if (port == kDataPort) {
    write_data(byte);
  } else {
    write_command(byte);
  }
}

uint8_t I8042::status() const {
  // IBF never shows: writes are handled at once. Keylock is never on.
  uint8_t s = kStatusNotInhibited;
  if (output_full_) s |= kStatusOutputFull;
  if (output_full_ && output_source_ == Source::kAux) s |= kStatusAuxData;
  if (ram_[0] & kCtrSystem) s |= kStatusSystem;
  if (last_write_command_) s |= kStatusCommand;
  return s;
}

uint8_t I8042::read_data() {
  // With the buffer empty the last byte reads again (QEMU notes EMM386
  // relies on it).
  if (!output_full_) return output_;
  output_full_ = false;
  update_irqs();
  const uint8_t value = output_;
  fill();
  return value;
}

void I8042::write_data(uint8_t value) {
  last_write_command_ = false;
  const uint8_t cmd = pending_command_;
  pending_command_ = 0;
  if (cmd == 0) {
    // Sending to the keyboard re-enables its interface, as in QEMU.
    ram_[0] &= static_cast<uint8_t>(~kCtrKbdDisable);
    keyboard_.write(value);
    fill();
  } else if (cmd >= kCmdWriteRamFirst && cmd <= kCmdWriteRamLast) {
    if (cmd == kCmdWriteRamFirst) {
      write_ctr(value);
    } else {
      ram_[cmd & 0x1F] = value;
    }
  } else if (cmd == kCmdWriteOutput) {
    write_output_port(value);
  } else if (cmd == kCmdWriteKbdBuffer) {
    controller_reply(value, Source::kKeyboard);
  } else if (cmd == kCmdWriteAuxBuffer) {
    controller_reply(value, Source::kAux);
  } else if (cmd == kCmdWriteAux) {
    ram_[0] &= static_cast<uint8_t>(~kCtrAuxDisable);
    aux_.write(value);
    fill();
  }
}

void I8042::write_command(uint8_t cmd) {
  last_write_command_ = true;
  pending_command_ = 0;  // a new command abandons one still waiting for data
  if (cmd >= kCmdReadRamFirst && cmd <= kCmdReadRamLast) {
    controller_reply(ram_[cmd & 0x1F]);
    return;
  }
  if (cmd >= kCmdWriteRamFirst && cmd <= kCmdWriteRamLast) {
    pending_command_ = cmd;
    return;
  }
  if (cmd >= kCmdPulseFirst) {
    // Bits 3-0 clear are pulsed low for ~6 us. Only bit 0 (the CPU reset
    // line) matters: 0xFE is the classic reboot, 0xFF a no-op (Linux's A20
    // code sends it as a "null command").
    if ((cmd & kOutResetDeasserted) == 0) machine_.request_reset();
    return;
  }
  switch (cmd) {
    case kCmdAuxDisable: ram_[0] |= kCtrAuxDisable; break;
    case kCmdAuxEnable:
      ram_[0] &= static_cast<uint8_t>(~kCtrAuxDisable);
      fill();
      break;
    case kCmdAuxTest:
    case kCmdKbdTest: controller_reply(kInterfaceOk); break;
    case kCmdSelfTest:
      ram_[0] |= kCtrSystem;
      controller_reply(kSelfTestPassed);
      break;
    case kCmdKbdDisable: ram_[0] |= kCtrKbdDisable; break;
    case kCmdKbdEnable:
      ram_[0] &= static_cast<uint8_t>(~kCtrKbdDisable);
      fill();
      break;
    case kCmdReadInput: controller_reply(kInputPort); break;
    case kCmdReadOutput: controller_reply(output_port()); break;
    case kCmdWriteOutput:
    case kCmdWriteKbdBuffer:
    case kCmdWriteAuxBuffer:
    case kCmdWriteAux: pending_command_ = cmd; break;
    case kCmdA20Off:
    case kCmdA20On:
      write_output_port(cmd == kCmdA20On ? (output_port_ | kOutA20)
                                         : (output_port_ & static_cast<uint8_t>(~kOutA20)));
      break;
    default: spdlog::debug("i8042: unsupported command 0x{:02x}", cmd); break;
  }
}

void I8042::write_ctr(uint8_t value) {
  if ((ram_[0] ^ value) & kCtrTranslate) translate_break_ = false;
  ram_[0] = value;
  update_irqs();
  fill();  // a port just enabled may have bytes waiting
}

void I8042::write_output_port(uint8_t value) {
  output_port_ = value;
  machine_.set_a20((value & kOutA20) != 0);
  if ((value & kOutResetDeasserted) == 0) machine_.request_reset();
}

uint8_t I8042::output_port() const {
  // A20 reads back the gate itself, which port 0x92 may also have moved.
  uint8_t v = output_port_ & static_cast<uint8_t>(~(kOutA20 | kOutKbdFull | kOutAuxFull));
  if (machine_.a20()) v |= kOutA20;
  if (output_full_) v |= output_source_ == Source::kAux ? kOutAuxFull : kOutKbdFull;
  return v;
}

void I8042::controller_reply(uint8_t byte, Source source) {
  if (replies_.size() >= kMaxReplies) {
    spdlog::debug("i8042: output queue full, dropping 0x{:02x}", byte);
    return;
  }
  replies_.push_back({byte, source});
  fill();
}

bool I8042::take_keyboard_byte(uint8_t& out) {
  const uint8_t b = keyboard_.read();
  if ((ram_[0] & kCtrTranslate) == 0) {
    out = b;
    return true;
  }
  if (b == kBreakPrefix) {
    translate_break_ = true;
    return false;
  }
  out = static_cast<uint8_t>(translate_to_set1(b) | (translate_break_ ? 0x80 : 0));
  translate_break_ = false;
  return true;
}

void I8042::fill() {
  // Reading a device can make it queue more (the mouse refills from its
  // counters), which calls back here; the loop below takes care of it.
  if (filling_) return;
  filling_ = true;
  // Controller bytes first, then the keyboard, unless the mouse is part-way
  // through a packet: drivers route bytes by AUX-OBF, so interleaving would
  // be legal, but a real mouse sends its packets whole.
  while (!output_full_) {
    uint8_t byte = 0;
    Source source = Source::kKeyboard;
    const bool kbd_ready = (ram_[0] & kCtrKbdDisable) == 0 && keyboard_.has_data();
    const bool aux_ready = (ram_[0] & kCtrAuxDisable) == 0 && aux_.has_data();
    if (!replies_.empty()) {
      byte = replies_.front().byte;
      source = replies_.front().source;
      replies_.pop_front();
    } else if (kbd_ready && !(aux_ready && aux_.mid_sequence() && !keyboard_.mid_sequence())) {
      if (!take_keyboard_byte(byte)) continue;
    } else if (aux_ready) {
      byte = aux_.read();
      source = Source::kAux;
    } else {
      break;
    }
    output_ = byte;
    output_source_ = source;
    output_full_ = true;
  }
  filling_ = false;
  update_irqs();
}

void I8042::update_irqs() {
  kbd_irq_.set(output_full_ && output_source_ == Source::kKeyboard && (ram_[0] & kCtrKbdInt));
  aux_irq_.set(output_full_ && output_source_ == Source::kAux && (ram_[0] & kCtrAuxInt));
}

void I8042::save_state(core::StateWriter& w) const {
  w.bytes(ram_);
  w.u64(replies_.size());
  for (const Pending& p : replies_) {
    w.u8(p.byte);
    w.u8(static_cast<uint8_t>(p.source));
  }
  w.u8(output_);
  w.u8(static_cast<uint8_t>(output_source_));
  w.boolean(output_full_);
  w.boolean(last_write_command_);
  w.u8(pending_command_);
  w.u8(output_port_);
  w.boolean(translate_break_);
  w.boolean(filling_);
}

void I8042::load_state(core::StateReader& r) {
  r.bytes_into(ram_);
  const uint64_t n = r.u64();
  if (n > 256) r.fail("a bad keyboard controller state");
  replies_.clear();
  auto source = [&] {
    const uint8_t s = r.u8();
    if (s > static_cast<uint8_t>(Source::kAux)) r.fail("a bad keyboard controller state");
    return static_cast<Source>(s);
  };
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t byte = r.u8();
    replies_.push_back(Pending{byte, source()});
  }
  output_ = r.u8();
  output_source_ = source();
  output_full_ = r.boolean();
  last_write_command_ = r.boolean();
  pending_command_ = r.u8();
  output_port_ = r.u8();
  translate_break_ = r.boolean();
  filling_ = r.boolean();
}

}  // namespace tx86::dev
