#include <gtest/gtest.h>

#include "tests/unit/devices/ps2_test_rig.h"

namespace tx86::dev::test {
namespace {

constexpr uint8_t kTranslated = I8042::kCtrKbdInt | I8042::kCtrTranslate;
constexpr uint8_t kRaw = I8042::kCtrKbdInt;

Bytes press(Ps2Rig& rig, Key key) {
  rig.kbd.key_down(key);
  return rig.drain();
}

Bytes release(Ps2Rig& rig, Key key) {
  rig.kbd.key_up(key);
  return rig.drain();
}

TEST(Ps2Keyboard, LetterWithAndWithoutTranslation) {
  Ps2Rig rig;
  rig.write_ctr(kTranslated);
  EXPECT_EQ(press(rig, Key::kA), (Bytes{0x1E}));
  EXPECT_EQ(release(rig, Key::kA), (Bytes{0x9E}));
  rig.write_ctr(kRaw);
  EXPECT_EQ(press(rig, Key::kA), (Bytes{0x1C}));
  EXPECT_EQ(release(rig, Key::kA), (Bytes{0xF0, 0x1C}));
}

TEST(Ps2Keyboard, ExtendedKeys) {
  Ps2Rig rig;
  rig.write_ctr(kTranslated);
  EXPECT_EQ(press(rig, Key::kRightCtrl), (Bytes{0xE0, 0x1D}));
  EXPECT_EQ(release(rig, Key::kRightCtrl), (Bytes{0xE0, 0x9D}));
  EXPECT_EQ(press(rig, Key::kUp), (Bytes{0xE0, 0x48}));
  EXPECT_EQ(release(rig, Key::kUp), (Bytes{0xE0, 0xC8}));
  EXPECT_EQ(press(rig, Key::kKpEnter), (Bytes{0xE0, 0x1C}));
  EXPECT_EQ(press(rig, Key::kLeftGui), (Bytes{0xE0, 0x5B}));
  EXPECT_EQ(press(rig, Key::kF7), (Bytes{0x41}));  // set 2 0x83 folds into set 1
  rig.write_ctr(kRaw);
  EXPECT_EQ(press(rig, Key::kRightAlt), (Bytes{0xE0, 0x11}));
  EXPECT_EQ(release(rig, Key::kRightAlt), (Bytes{0xE0, 0xF0, 0x11}));
  EXPECT_EQ(press(rig, Key::kKpDivide), (Bytes{0xE0, 0x4A}));
  EXPECT_EQ(release(rig, Key::kKpDivide), (Bytes{0xE0, 0xF0, 0x4A}));
}

TEST(Ps2Keyboard, PauseSendsEverythingOnPress) {
  Ps2Rig rig;
  rig.write_ctr(kRaw);
  EXPECT_EQ(press(rig, Key::kPause), (Bytes{0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77}));
  EXPECT_TRUE(release(rig, Key::kPause).empty());
  rig.write_ctr(kTranslated);
  EXPECT_EQ(press(rig, Key::kPause), (Bytes{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}));
  EXPECT_TRUE(release(rig, Key::kPause).empty());
  // Ctrl+Pause is Break.
  press(rig, Key::kLeftCtrl);
  EXPECT_EQ(press(rig, Key::kPause), (Bytes{0xE0, 0x46, 0xE0, 0xC6}));
}

TEST(Ps2Keyboard, PrintScreen) {
  Ps2Rig rig;
  rig.write_ctr(kRaw);
  EXPECT_EQ(press(rig, Key::kPrintScreen), (Bytes{0xE0, 0x12, 0xE0, 0x7C}));
  EXPECT_EQ(release(rig, Key::kPrintScreen), (Bytes{0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12}));
  rig.write_ctr(kTranslated);
  EXPECT_EQ(press(rig, Key::kPrintScreen), (Bytes{0xE0, 0x2A, 0xE0, 0x37}));
  EXPECT_EQ(release(rig, Key::kPrintScreen), (Bytes{0xE0, 0xB7, 0xE0, 0xAA}));
  // With Shift held the fake shift is left out; with Alt it is SysRq.
  press(rig, Key::kRightShift);
  EXPECT_EQ(press(rig, Key::kPrintScreen), (Bytes{0xE0, 0x37}));
  release(rig, Key::kPrintScreen);
  release(rig, Key::kRightShift);
  press(rig, Key::kLeftAlt);
  EXPECT_EQ(press(rig, Key::kPrintScreen), (Bytes{0x54}));
  EXPECT_EQ(release(rig, Key::kPrintScreen), (Bytes{0xD4}));
}

TEST(Ps2Keyboard, ScanCodeSetsOneAndThreeFromTheKeyboard) {
  Ps2Rig rig;
  rig.write_ctr(kRaw);
  rig.data(0xF0);
  rig.data(0x01);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFA}));
  EXPECT_EQ(press(rig, Key::kA), (Bytes{0x1E}));
  EXPECT_EQ(release(rig, Key::kA), (Bytes{0x9E}));
  EXPECT_EQ(press(rig, Key::kDelete), (Bytes{0xE0, 0x53}));
  rig.data(0xF0);
  rig.data(0x03);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFA}));
  EXPECT_EQ(press(rig, Key::kA), (Bytes{0x1C}));
  EXPECT_EQ(release(rig, Key::kA), (Bytes{0xF0, 0x1C}));
  EXPECT_EQ(press(rig, Key::kUp), (Bytes{0x63}));
  EXPECT_EQ(press(rig, Key::kPause), (Bytes{0x62}));
  EXPECT_EQ(release(rig, Key::kPause), (Bytes{0xF0, 0x62}));
}

TEST(Ps2Keyboard, GetScanCodeSetIsTranslatedToo) {
  Ps2Rig rig;
  rig.write_ctr(kRaw);
  rig.data(0xF0);
  rig.data(0x00);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFA, 0x02}));
  rig.write_ctr(kTranslated);
  // Set 1, 2, 3 read back as 43, 41, 3F through the 8042.
  const std::pair<uint8_t, uint8_t> cases[] = {{1, 0x43}, {2, 0x41}, {3, 0x3F}};
  for (auto [set, seen] : cases) {
    rig.data(0xF0);
    rig.data(set);
    rig.data(0xF0);
    rig.data(0x00);
    EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFA, 0xFA, 0xFA, seen}));
  }
  rig.data(0xF0);
  rig.data(0x07);  // no such set
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFE}));
  rig.data(0x02);  // the retry
  EXPECT_EQ(rig.drain(), (Bytes{0xFA}));
  EXPECT_EQ(rig.kbd.scan_code_set(), 2u);
}

TEST(Ps2Keyboard, LedsEchoResendAndUnknownCommands) {
  Ps2Rig rig;
  std::vector<uint8_t> led_calls;
  rig.kbd.set_led_listener([&](uint8_t leds) { led_calls.push_back(leds); });
  rig.data(0xED);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA}));
  rig.data(0x07);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA}));
  EXPECT_EQ(rig.kbd.leds(),
            Ps2Keyboard::kLedScrollLock | Ps2Keyboard::kLedNumLock | Ps2Keyboard::kLedCapsLock);
  EXPECT_EQ(led_calls, (std::vector<uint8_t>{7}));
  rig.data(0xEE);
  EXPECT_EQ(rig.drain(), (Bytes{0xEE}));
  rig.data(0xFE);
  EXPECT_EQ(rig.drain(), (Bytes{0xEE}));  // resend the last byte
  rig.data(0xE0);
  EXPECT_EQ(rig.drain(), (Bytes{0xFE}));
  // A command where an option byte belongs cancels the first command.
  rig.data(0xED);
  rig.data(0xF2);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFA, 0xAB, 0x41}));
  EXPECT_EQ(rig.kbd.leds(), 7);
}

TEST(Ps2Keyboard, ResetAcksThenPassesSelfTestLater) {
  Ps2Rig rig;
  rig.data(0xED);
  rig.data(0x02);
  rig.data(0xF0);
  rig.data(0x03);
  rig.kbd.key_down(Key::kA);
  rig.drain();
  rig.data(0xFF);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA}));
  rig.advance(Ps2Keyboard::kSelfTestDelay);
  EXPECT_EQ(rig.drain(), (Bytes{0xAA}));
  EXPECT_EQ(rig.kbd.leds(), 0);
  EXPECT_EQ(rig.kbd.scan_code_set(), 2u);
  rig.advance(1'000'000'000);
  EXPECT_TRUE(rig.drain().empty());  // the held key's repeat was cancelled
}

TEST(Ps2Keyboard, DisableStopsScanningAndEnableResumes) {
  Ps2Rig rig;
  rig.data(0xF5);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA}));
  EXPECT_TRUE(press(rig, Key::kZ).empty());
  EXPECT_TRUE(release(rig, Key::kZ).empty());
  rig.data(0xF4);
  EXPECT_EQ(rig.drain(), (Bytes{0xFA}));
  EXPECT_EQ(press(rig, Key::kZ), (Bytes{0x2C}));
}

TEST(Ps2Keyboard, TypematicDelayAndPeriodFromTheRateByte) {
  EXPECT_EQ(Ps2Keyboard::typematic_delay(0x2B), 500'000'000u);
  EXPECT_EQ(Ps2Keyboard::typematic_period(0x2B), 91'666'666u);  // 10.9/s
  EXPECT_EQ(Ps2Keyboard::typematic_delay(0x00), 250'000'000u);
  EXPECT_EQ(Ps2Keyboard::typematic_period(0x00), 33'333'333u);  // 30/s
  EXPECT_EQ(Ps2Keyboard::typematic_delay(0x7F), 1'000'000'000u);
  EXPECT_EQ(Ps2Keyboard::typematic_period(0x1F), 500'000'000u);  // 2/s
}

TEST(Ps2Keyboard, HeldKeyRepeatsInGuestTime) {
  Ps2Rig rig;
  EXPECT_EQ(press(rig, Key::kRight), (Bytes{0xE0, 0x4D}));
  rig.advance(500'000'000 - 1);
  EXPECT_TRUE(rig.drain().empty());
  rig.advance(1);
  EXPECT_EQ(rig.drain(), (Bytes{0xE0, 0x4D}));
  rig.advance(91'666'666 - 1);
  EXPECT_TRUE(rig.drain().empty());
  rig.advance(1);
  EXPECT_EQ(rig.drain(), (Bytes{0xE0, 0x4D}));
  // Another key takes over the repeat; releasing the first does not stop it.
  EXPECT_EQ(press(rig, Key::kB), (Bytes{0x30}));
  EXPECT_EQ(release(rig, Key::kRight), (Bytes{0xE0, 0xCD}));
  rig.advance(500'000'000);
  EXPECT_EQ(rig.drain(), (Bytes{0x30}));
  EXPECT_EQ(release(rig, Key::kB), (Bytes{0xB0}));
  rig.advance(2'000'000'000);
  EXPECT_TRUE(rig.drain().empty());
}

TEST(Ps2Keyboard, TypematicCommandChangesTheTiming) {
  Ps2Rig rig;
  rig.data(0xF3);
  rig.data(0x00);  // 250 ms, 30/s
  EXPECT_EQ(rig.drain(), (Bytes{0xFA, 0xFA}));
  EXPECT_EQ(rig.kbd.typematic(), 0x00);
  press(rig, Key::kSpace);
  rig.advance(250'000'000);
  EXPECT_EQ(rig.drain(), (Bytes{0x39}));
  rig.advance(33'333'333);
  EXPECT_EQ(rig.drain(), (Bytes{0x39}));
  rig.kbd.key_up(Key::kSpace);
  rig.data(0xF6);  // defaults again
  EXPECT_EQ(rig.drain(), (Bytes{0xB9, 0xFA}));
  EXPECT_EQ(rig.kbd.typematic(), Ps2Keyboard::kDefaultTypematic);
}

TEST(Ps2Keyboard, ReleaseAllSendsBreakCodes) {
  Ps2Rig rig;
  press(rig, Key::kLeftShift);
  press(rig, Key::kHome);
  rig.kbd.release_all();
  EXPECT_EQ(rig.drain(), (Bytes{0xAA, 0xE0, 0xC7}));
  EXPECT_FALSE(rig.kbd.is_down(Key::kLeftShift));
  rig.advance(2'000'000'000);
  EXPECT_TRUE(rig.drain().empty());
}

TEST(Ps2Keyboard, FullBufferEndsWithOneOverrunCode) {
  Ps2Rig rig;
  rig.write_ctr(kRaw);
  rig.command(0xAD);  // nothing leaves the keyboard
  const Key keys[] = {Key::kQ, Key::kW, Key::kE, Key::kR, Key::kT, Key::kY,
                      Key::kU, Key::kI, Key::kO, Key::kP, Key::kA, Key::kS,
                      Key::kD, Key::kF, Key::kG, Key::kH, Key::kJ, Key::kK};
  for (Key k : keys) rig.kbd.key_down(k);
  rig.command(0xAE);
  const Bytes got = rig.drain();
  ASSERT_EQ(got.size(), 17u);
  EXPECT_EQ(got[0], 0x15);
  EXPECT_EQ(got[15], 0x33);
  EXPECT_EQ(got[16], 0x00);  // overrun in set 2 (0xFF once translated)
}

TEST(Ps2Keyboard, RepliesGoAheadOfStoredKeysButNotIntoASequence) {
  Ps2Rig rig;
  rig.write_ctr(kRaw);
  rig.kbd.key_down(Key::kA);
  rig.kbd.key_down(Key::kS);
  rig.kbd.key_down(Key::kD);
  rig.data(0xEE);  // 1C is in the 8042; 1B and 23 wait in the keyboard
  EXPECT_EQ(rig.drain(), (Bytes{0x1C, 0xEE, 0x1B, 0x23}));
  rig.kbd.key_down(Key::kEnd);  // E0 in the 8042, 69 still to come
  rig.data(0xEE);
  EXPECT_EQ(rig.drain(), (Bytes{0xE0, 0x69, 0xEE}));
}

TEST(Ps2Keyboard, EveryKeyHasCodesInEverySet) {
  for (unsigned i = 0; i < kKeyCount; ++i) {
    const Key key = static_cast<Key>(i);
    for (unsigned set = 1; set <= 3; ++set) {
      EXPECT_FALSE(scan_codes(key, true, set, {}).empty()) << key_name(key) << " set " << set;
    }
  }
}

}  // namespace
}  // namespace tx86::dev::test
