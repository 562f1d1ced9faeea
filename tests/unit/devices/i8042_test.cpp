#include <gtest/gtest.h>

#include "tests/unit/devices/ps2_test_rig.h"

namespace tx86::dev::test {
namespace {

constexpr uint8_t kObf = I8042::kStatusOutputFull;
constexpr uint8_t kAuxObf = I8042::kStatusAuxData;
constexpr uint8_t kSys = I8042::kStatusSystem;
constexpr uint8_t kCmd = I8042::kStatusCommand;
constexpr uint8_t kUnlocked = I8042::kStatusNotInhibited;

// SeaBIOS's __ps2_command: mask both ports and their interrupts, enable the
// target port, send the command and its parameters (each answered by ACK),
// collect the replies, restore the CTR (src/hw/ps2port.c).
Bytes seabios_kbd_command(Ps2Rig& rig, uint8_t ctr, Bytes send, size_t receive,
                          core::GuestTime wait_between = 0) {
  uint8_t masked = (ctr | 0x30) & ~0x03;
  rig.write_ctr(masked);
  EXPECT_TRUE(rig.drain().empty());
  rig.write_ctr(masked & ~0x10);
  Bytes got;
  for (uint8_t b : send) {
    rig.data(b);
    got.push_back(rig.read());  // the ACK
  }
  for (size_t i = 0; i < receive; ++i) {
    rig.advance(wait_between);
    EXPECT_TRUE(rig.output_full()) << "reply " << i << " missing";
    got.push_back(rig.read());
  }
  rig.write_ctr(ctr);
  return got;
}

TEST(I8042, PowerOnStatusAndCommandByte) {
  Ps2Rig rig;
  EXPECT_EQ(rig.status(), kUnlocked | kCmd);
  rig.command(0x20);
  EXPECT_EQ(rig.status(), kUnlocked | kCmd | kObf);
  EXPECT_EQ(rig.read(), I8042::kPowerOnCtr);
  EXPECT_EQ(I8042::kPowerOnCtr, 0x43);
  EXPECT_EQ(rig.status(), kUnlocked | kCmd);
}

TEST(I8042, ReplaysSeaBiosKeyboardSetup) {
  Ps2Rig rig;
  EXPECT_TRUE(rig.drain().empty());  // flush
  rig.command(0xAD);
  rig.command(0xA7);
  EXPECT_EQ(rig.kbc.command_byte(), 0x43 | 0x30);
  rig.command(0xAA);
  EXPECT_EQ(rig.read(), 0x55);
  EXPECT_EQ(rig.status() & kSys, kSys);  // the self-test sets SYS
  rig.command(0xAB);
  EXPECT_EQ(rig.read(), 0x00);

  uint8_t ctr = 0x30;  // SeaBIOS's Ps2ctr: KBDDIS | AUXDIS
  // Reset: ACK at once, 0xAA after the keyboard's self-test.
  rig.write_ctr(0x30);
  rig.write_ctr(0x20);
  rig.data(0xFF);
  EXPECT_EQ(rig.read(), 0xFA);
  EXPECT_FALSE(rig.output_full());
  rig.advance(Ps2Keyboard::kSelfTestDelay - 1);
  EXPECT_FALSE(rig.output_full());
  rig.advance(1);
  EXPECT_EQ(rig.status() & (kObf | kAuxObf), kObf);
  EXPECT_EQ(rig.read(), 0xAA);
  rig.write_ctr(ctr);

  EXPECT_EQ(seabios_kbd_command(rig, ctr, {0xF5}, 0), (Bytes{0xFA}));
  EXPECT_FALSE(rig.kbd.scanning());
  EXPECT_EQ(seabios_kbd_command(rig, ctr, {0xF0, 0x02}, 0), (Bytes{0xFA, 0xFA}));
  ctr = I8042::kCtrAuxDisable | I8042::kCtrTranslate | I8042::kCtrKbdInt;
  EXPECT_EQ(seabios_kbd_command(rig, ctr, {0xF4}, 0), (Bytes{0xFA}));
  EXPECT_TRUE(rig.kbd.scanning());
  EXPECT_EQ(rig.kbd.scan_code_set(), 2u);
  // Past the two controller results under the power-on CTR, interrupts were
  // masked whenever a byte was waiting.
  EXPECT_EQ(rig.irq1.rises, 2);  // 0x55 and 0x00
  EXPECT_EQ(rig.irq12.rises, 0);
  // Reading the CTR back: a controller result raises IRQ1 once KBDINT is on.
  EXPECT_EQ(rig.read_ctr(), 0x61);
  EXPECT_EQ(rig.irq1.rises, 3);

  // Typing now reaches INT 9 translated.
  rig.kbd.key_down(Key::kA);
  EXPECT_TRUE(rig.irq1.line.level());
  EXPECT_EQ(rig.read(), 0x1E);
  EXPECT_FALSE(rig.irq1.line.level());
}

TEST(I8042, ReplaysLinuxProbe) {
  Ps2Rig rig;
  rig.write_ctr(0x61);  // as SeaBIOS left it
  // i8042_controller_check / init: flush, read CTR, mask the keyboard.
  EXPECT_TRUE(rig.drain().empty());
  uint8_t ctr = rig.read_ctr();
  EXPECT_EQ(ctr, 0x61);
  ctr = (ctr | I8042::kCtrKbdDisable) & ~I8042::kCtrKbdInt;
  rig.write_ctr(ctr);
  EXPECT_EQ(rig.read_ctr(), 0x70);

  // i8042_check_aux: the loop test answers from the AUX side even though the
  // AUX port is disabled.
  rig.command(0xD3);
  rig.data(0x5A);
  EXPECT_EQ(rig.status() & (kObf | kAuxObf), kObf | kAuxObf);
  EXPECT_EQ(rig.read(), 0x5A);
  rig.command(0xA7);
  EXPECT_EQ(rig.read_ctr() & I8042::kCtrAuxDisable, I8042::kCtrAuxDisable);
  rig.command(0xA8);
  EXPECT_EQ(rig.read_ctr() & I8042::kCtrAuxDisable, 0);
  // AUX IRQ delivery test.
  ctr = (ctr & ~I8042::kCtrAuxDisable) | I8042::kCtrAuxInt;
  rig.write_ctr(ctr);
  rig.command(0xD3);
  rig.data(0xA5);
  EXPECT_TRUE(rig.irq12.line.level());
  EXPECT_FALSE(rig.irq1.line.level());
  EXPECT_EQ(rig.read(), 0xA5);
  EXPECT_FALSE(rig.irq12.line.level());
  // i8042_set_mux_mode: a plain loop returns 0xA4 itself, so no multiplexer.
  for (uint8_t b : {0xF0, 0x56, 0xA4}) {
    rig.command(0xD3);
    rig.data(b);
    EXPECT_EQ(rig.read(), b);
  }

  // atkbd: identify through the translating keyboard port.
  ctr = (ctr & ~I8042::kCtrKbdDisable) | I8042::kCtrKbdInt;
  rig.write_ctr(ctr);
  const int before = rig.irq1.rises;
  rig.data(0xF2);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xAB, 0x41}));
  EXPECT_EQ(rig.irq1.rises - before, 3);  // one edge per byte
}

TEST(I8042, IdentifyWithoutTranslationIsAb83) {
  Ps2Rig rig;
  rig.write_ctr(I8042::kCtrKbdInt);
  rig.data(0xF2);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xAB, 0x83}));
}

TEST(I8042, InterruptEnableBitsGateTheLines) {
  Ps2Rig rig;
  rig.write_ctr(0x00);
  rig.kbd.key_down(Key::kB);
  EXPECT_TRUE(rig.output_full());
  EXPECT_FALSE(rig.irq1.line.level());
  rig.write_ctr(I8042::kCtrKbdInt);  // enabling raises it for the waiting byte
  EXPECT_TRUE(rig.irq1.line.level());
  EXPECT_EQ(rig.read(), 0x32);
  EXPECT_FALSE(rig.irq1.line.level());
}

TEST(I8042, DisabledKeyboardPortHoldsItsBytes) {
  Ps2Rig rig;
  rig.command(0xAD);
  rig.kbd.key_down(Key::kEscape);
  EXPECT_FALSE(rig.output_full());
  rig.command(0xAE);
  EXPECT_EQ(rig.drain(), (Bytes{0x01}));
}

TEST(I8042, ControllerRepliesFollowTheByteAlreadyInTheBuffer) {
  Ps2Rig rig;
  rig.kbd.key_down(Key::kA);  // 0x1E sits in the buffer
  rig.kbd.key_down(Key::kS);  // 0x1F waits in the keyboard
  rig.command(0x20);
  EXPECT_EQ(rig.drain(), (Bytes{0x1E, 0x43, 0x1F}));
}

TEST(I8042, KeyboardAndMouseBytesAreTaggedWithAuxObf) {
  Ps2Rig rig;
  rig.write_ctr(I8042::kCtrKbdInt | I8042::kCtrAuxInt | I8042::kCtrTranslate);
  rig.mouse_write(0xF4);
  EXPECT_EQ(rig.status() & (kObf | kAuxObf), kObf | kAuxObf);
  EXPECT_TRUE(rig.irq12.line.level());
  EXPECT_EQ(rig.read(), 0xFA);

  rig.mouse.move(1, 0, 0, 0);         // packet 08 01 00 goes first
  rig.kbd.key_down(Key::kRightCtrl);  // E0 1D after it
  struct Seen {
    uint8_t byte;
    bool aux;
    bool irq1;
    bool irq12;
  };
  std::vector<Seen> seen;
  while (rig.output_full()) {
    const bool aux = rig.status() & kAuxObf;
    const bool i1 = rig.irq1.line.level();
    const bool i12 = rig.irq12.line.level();
    seen.push_back({rig.read(), aux, i1, i12});
  }
  ASSERT_EQ(seen.size(), 5u);
  const Bytes expected = {0x08, 0x01, 0x00, 0xE0, 0x1D};
  for (size_t i = 0; i < seen.size(); ++i) {
    const bool from_mouse = i < 3;
    EXPECT_EQ(seen[i].byte, expected[i]) << i;
    EXPECT_EQ(seen[i].aux, from_mouse) << i;
    EXPECT_EQ(seen[i].irq12, from_mouse) << i;
    EXPECT_EQ(seen[i].irq1, !from_mouse) << i;
  }
}

TEST(I8042, MouseBytesWaitWhileAuxIsDisabled) {
  Ps2Rig rig;
  rig.mouse_write(0xF2);
  rig.command(0xA7);
  EXPECT_EQ(rig.read(), 0xFA);  // already in the buffer
  EXPECT_FALSE(rig.output_full());
  rig.command(0xA8);
  EXPECT_EQ(rig.drain_from(true), (Bytes{0x00}));
}

TEST(I8042, WritesToTheDevicesReenableTheirPorts) {
  Ps2Rig rig;
  rig.write_ctr(I8042::kCtrKbdDisable | I8042::kCtrAuxDisable);
  rig.data(0xEE);
  EXPECT_EQ(rig.drain(), (Bytes{0xEE}));
  EXPECT_EQ(rig.read_ctr() & I8042::kCtrKbdDisable, 0);
  rig.mouse_write(0xF2);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0x00}));
  EXPECT_EQ(rig.read_ctr() & I8042::kCtrAuxDisable, 0);
}

TEST(I8042, D2AndD3FeedTheBufferAsIfFromTheDevices) {
  Ps2Rig rig;  // XLATE on: D2 bytes are not translated
  rig.command(0xD2);
  rig.data(0x1C);
  EXPECT_EQ(rig.status() & (kObf | kAuxObf), kObf);
  EXPECT_TRUE(rig.irq1.line.level());
  EXPECT_EQ(rig.read(), 0x1C);
  rig.command(0xD3);
  rig.data(0x42);
  EXPECT_EQ(rig.status() & (kObf | kAuxObf), kObf | kAuxObf);
  EXPECT_TRUE(rig.irq12.line.level());
  EXPECT_EQ(rig.read(), 0x42);
}

TEST(I8042, ReadingAnEmptyBufferReturnsTheLastByte) {
  Ps2Rig rig;
  rig.command(0xAB);
  EXPECT_EQ(rig.read(), 0x00);
  rig.command(0xD2);
  rig.data(0x77);
  EXPECT_EQ(rig.read(), 0x77);
  EXPECT_EQ(rig.read(), 0x77);
  EXPECT_FALSE(rig.output_full());
}

TEST(I8042, InternalRamReadsAndWrites) {
  Ps2Rig rig;
  rig.command(0x65);
  rig.data(0x5A);
  rig.command(0x25);
  EXPECT_EQ(rig.read(), 0x5A);
  rig.command(0x60);
  rig.data(0x44);
  rig.command(0x20);
  EXPECT_EQ(rig.read(), 0x44);
  EXPECT_EQ(rig.status() & kSys, kSys);  // SYS follows CTR bit 2
}

TEST(I8042, StatusBit3FollowsTheLastWrite) {
  Ps2Rig rig;
  rig.command(0xD2);
  EXPECT_EQ(rig.status() & kCmd, kCmd);
  rig.data(0x00);
  EXPECT_EQ(rig.status() & kCmd, 0);
}

TEST(I8042, OutputPortDrivesA20AndReset) {
  Ps2Rig rig;
  rig.command(0xD0);
  EXPECT_EQ(rig.read(), 0xCF);  // A20 on, reset deasserted, lines idle high
  rig.command(0xD1);
  rig.data(0xDD);  // Linux's a20.c writes 0xDF; 0xDD turns A20 off
  EXPECT_EQ(rig.machine.a20_writes, (std::vector<bool>{false}));
  EXPECT_EQ(rig.machine.resets, 0);
  rig.command(0xD0);
  EXPECT_EQ(rig.read(), 0xCD);
  rig.command(0xD1);
  rig.data(0xDF);
  rig.command(0xFF);  // the "null command" Linux sends after it
  EXPECT_EQ(rig.machine.a20_writes, (std::vector<bool>{false, true}));
  EXPECT_EQ(rig.machine.resets, 0);
  rig.command(0xDD);
  rig.command(0xDF);
  EXPECT_EQ(rig.machine.a20_writes, (std::vector<bool>{false, true, false, true}));
  rig.command(0xD1);
  rig.data(0xDE);  // bit 0 low holds the CPU in reset
  EXPECT_EQ(rig.machine.resets, 1);
}

TEST(I8042, PulseCommandsResetWhenBit0IsPulsed) {
  Ps2Rig rig;
  rig.command(0xFE);
  EXPECT_EQ(rig.machine.resets, 1);
  rig.command(0xFF);
  rig.command(0xFD);
  EXPECT_EQ(rig.machine.resets, 1);
  rig.command(0xF0);
  EXPECT_EQ(rig.machine.resets, 2);
}

TEST(I8042, ResetRestoresPowerOnState) {
  Ps2Rig rig;
  rig.write_ctr(0x70);
  rig.command(0xD3);
  rig.data(0x12);
  rig.command(0xD1);  // left waiting for its data byte
  rig.kbc.reset();
  EXPECT_EQ(rig.status(), kUnlocked | kCmd);
  EXPECT_FALSE(rig.irq12.line.level());
  EXPECT_EQ(rig.read_ctr(), 0x43);
  rig.data(0xF2);  // goes to the keyboard, not the output port
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xAB, 0x41}));
  EXPECT_EQ(rig.machine.resets, 0);
}

}  // namespace
}  // namespace tx86::dev::test
