#include <gtest/gtest.h>

#include "tests/unit/devices/ps2_test_rig.h"

namespace tx86::dev::test {
namespace {

// Sends bytes to the mouse through 0xD4 and collects what comes back.
Bytes to_mouse(Ps2Rig& rig, Bytes bytes) {
  for (uint8_t b : bytes) rig.mouse_write(b);
  return rig.drain_from(true);
}

Bytes moved(Ps2Rig& rig, int dx, int dy, int dz, uint8_t buttons) {
  rig.mouse.move(dx, dy, dz, buttons);
  return rig.drain_from(true);
}

TEST(Ps2Mouse, ResetAcksThenSelfTestAndId) {
  Ps2Rig rig;
  EXPECT_EQ(to_mouse(rig, {0xFF}), (Bytes{0xFA}));
  rig.advance(Ps2Mouse::kSelfTestDelay - 1);
  EXPECT_FALSE(rig.output_full());
  rig.advance(1);
  EXPECT_EQ(rig.status() & I8042::kStatusAuxData, I8042::kStatusAuxData);
  EXPECT_TRUE(rig.irq12.line.level());
  EXPECT_EQ(rig.drain_from(true), (Bytes{0xAA, 0x00}));
  EXPECT_EQ(rig.irq12.rises, 3);
  EXPECT_EQ(rig.irq1.rises, 0);
}

TEST(Ps2Mouse, SampleRateKnocksUnlockWheelThenButtons) {
  Ps2Rig rig;
  EXPECT_EQ(to_mouse(rig, {0xF2}), (Bytes{0xFA, 0x00}));
  // The Explorer knock does nothing to a plain mouse.
  to_mouse(rig, {0xF3, 200, 0xF3, 200, 0xF3, 80});
  EXPECT_EQ(to_mouse(rig, {0xF2}), (Bytes{0xFA, 0x00}));
  EXPECT_EQ(to_mouse(rig, {0xF3, 200, 0xF3, 100, 0xF3, 80}),
            (Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA}));
  EXPECT_EQ(to_mouse(rig, {0xF2}), (Bytes{0xFA, 0x03}));
  to_mouse(rig, {0xF3, 200, 0xF3, 200, 0xF3, 80});
  EXPECT_EQ(to_mouse(rig, {0xF2}), (Bytes{0xFA, 0x04}));
  EXPECT_EQ(rig.mouse.sample_rate(), 80);
  to_mouse(rig, {0xFF});
  rig.advance(Ps2Mouse::kSelfTestDelay);
  rig.drain();
  EXPECT_EQ(rig.mouse.device_id(), Ps2Mouse::kIdStandard);
}

TEST(Ps2Mouse, StandardPacketsCarrySignsAndButtons) {
  Ps2Rig rig;
  EXPECT_TRUE(moved(rig, 5, 5, 0, 0).empty());  // reporting is off
  EXPECT_EQ(to_mouse(rig, {0xF4}), (Bytes{0xFA}));
  // Right 10, up 5, left button: Y points up in the packet.
  EXPECT_EQ(moved(rig, 10, -5, 0, Ps2Mouse::kButtonLeft), (Bytes{0x09, 0x0A, 0x05}));
  EXPECT_EQ(moved(rig, -3, 4, 0, 0), (Bytes{0x38, 0xFD, 0xFC}));
  EXPECT_EQ(moved(rig, 0, 0, 0, Ps2Mouse::kButtonRight | Ps2Mouse::kButtonMiddle),
            (Bytes{0x0E, 0x00, 0x00}));
  EXPECT_TRUE(moved(rig, 0, 0, 3, 0x06).empty());  // no wheel on a plain mouse
}

TEST(Ps2Mouse, LargeMovesAreSplitIntoPackets) {
  Ps2Rig rig;
  to_mouse(rig, {0xF4});
  EXPECT_EQ(moved(rig, 300, -600, 0, 0),
            (Bytes{0x08, 0xFF, 0xFF, 0x08, 0x2D, 0xFF, 0x08, 0x00, 0x5A}));
}

TEST(Ps2Mouse, PacketsThatDoNotFitWaitForTheBufferToDrain) {
  Ps2Rig rig;
  to_mouse(rig, {0xF4});
  rig.command(0xA7);  // hold everything in the mouse
  for (int i = 0; i < 8; ++i) rig.mouse.move(1, 0, 0, 0);
  rig.command(0xA8);
  // Five packets fit in 16 bytes; the other three moves come as one.
  EXPECT_EQ(rig.drain_from(true),
            (Bytes{0x08, 1, 0, 0x08, 1, 0, 0x08, 1, 0, 0x08, 1, 0, 0x08, 1, 0, 0x08, 3, 0}));
}

TEST(Ps2Mouse, IntelliMouseAddsAWheelByte) {
  Ps2Rig rig;
  to_mouse(rig, {0xF3, 200, 0xF3, 100, 0xF3, 80, 0xF4});
  EXPECT_EQ(moved(rig, 0, 0, 1, 0), (Bytes{0x08, 0x00, 0x00, 0x01}));
  EXPECT_EQ(moved(rig, 1, 0, -2, 0), (Bytes{0x08, 0x01, 0x00, 0xFE}));
  // The wheel is a 4-bit count: 10 clicks go as 7 then 3.
  EXPECT_EQ(moved(rig, 0, 0, 10, 0), (Bytes{0x08, 0, 0, 0x07, 0x08, 0, 0, 0x03}));
}

TEST(Ps2Mouse, ExplorerReportsButtonsFourAndFive) {
  Ps2Rig rig;
  to_mouse(rig, {0xF3, 200, 0xF3, 100, 0xF3, 80, 0xF3, 200, 0xF3, 200, 0xF3, 80, 0xF4});
  EXPECT_EQ(moved(rig, 0, 0, -1, Ps2Mouse::kButton4 | Ps2Mouse::kButton5),
            (Bytes{0x08, 0x00, 0x00, 0x3F}));
  EXPECT_EQ(moved(rig, 0, 0, 0, Ps2Mouse::kButton5), (Bytes{0x08, 0x00, 0x00, 0x20}));
}

TEST(Ps2Mouse, RemoteModeReadsSaturateWithOverflow) {
  Ps2Rig rig;
  EXPECT_EQ(to_mouse(rig, {0xF0}), (Bytes{0xFA}));
  EXPECT_TRUE(moved(rig, 300, 600, 0, Ps2Mouse::kButtonLeft).empty());
  EXPECT_EQ(to_mouse(rig, {0xEB}), (Bytes{0xFA, 0xE9, 0xFF, 0x01}));
  EXPECT_EQ(to_mouse(rig, {0xEB}), (Bytes{0xFA, 0x09, 0x00, 0x00}));
  rig.mouse.move(-2, 1, 0, 0);
  EXPECT_EQ(to_mouse(rig, {0xEB}), (Bytes{0xFA, 0x38, 0xFE, 0xFF}));
}

TEST(Ps2Mouse, StatusRequestReportsModeAndSettings) {
  Ps2Rig rig;
  EXPECT_EQ(to_mouse(rig, {0xE9}), (Bytes{0xFA, 0x00, 0x02, 100}));
  to_mouse(rig, {0xE7, 0xF3, 40, 0xE8, 0x03, 0xF4});
  rig.mouse.move(0, 0, 0, Ps2Mouse::kButtonLeft);
  rig.drain();
  EXPECT_EQ(to_mouse(rig, {0xE9}), (Bytes{0xFA, 0x34, 0x03, 40}));
  to_mouse(rig, {0xF0});
  EXPECT_EQ(to_mouse(rig, {0xE9}), (Bytes{0xFA, 0x74, 0x03, 40}));
  EXPECT_EQ(to_mouse(rig, {0xF6, 0xE9}), (Bytes{0xFA, 0xFA, 0x04, 0x02, 100}));
}

TEST(Ps2Mouse, ScalingTwoToOneInStreamMode) {
  Ps2Rig rig;
  to_mouse(rig, {0xE7, 0xF4});
  EXPECT_EQ(moved(rig, 4, -2, 0, 0), (Bytes{0x08, 0x06, 0x01}));
  EXPECT_EQ(moved(rig, 10, 0, 0, 0), (Bytes{0x08, 0x14, 0x00}));
  to_mouse(rig, {0xE6});
  EXPECT_EQ(moved(rig, 4, 0, 0, 0), (Bytes{0x08, 0x04, 0x00}));
}

TEST(Ps2Mouse, WrapModeEchoesUntilReset) {
  Ps2Rig rig;
  EXPECT_EQ(to_mouse(rig, {0xEE, 0x12, 0xF2, 0xEC, 0xF2}),
            (Bytes{0xFA, 0x12, 0xF2, 0xFA, 0xFA, 0x00}));
}

TEST(Ps2Mouse, ResendAndUnknownCommands) {
  Ps2Rig rig;
  EXPECT_EQ(to_mouse(rig, {0xF2}), (Bytes{0xFA, 0x00}));
  EXPECT_EQ(to_mouse(rig, {0xFE}), (Bytes{0x00}));  // the last byte again
  EXPECT_EQ(to_mouse(rig, {0x42}), (Bytes{0xFE}));
}

TEST(Ps2Mouse, DisablingDropsPacketsNotYetStarted) {
  Ps2Rig rig;
  to_mouse(rig, {0xF4});
  rig.command(0xA7);
  rig.mouse.move(1, 0, 0, 0);
  rig.mouse.move(2, 0, 0, 0);
  // F5 re-enables the port (a write to the mouse) and is answered at once.
  EXPECT_EQ(to_mouse(rig, {0xF5}), (Bytes{0xFA}));
  EXPECT_FALSE(rig.mouse.reporting());
}

}  // namespace
}  // namespace tx86::dev::test
