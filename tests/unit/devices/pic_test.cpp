#include <gtest/gtest.h>

#include "core/io/io_bus.h"
#include "devices/pic/pic8259_pair.h"

namespace tx86::dev {
namespace {

constexpr uint16_t kMaster = 0x20;
constexpr uint16_t kSlave = 0xA0;

class PicTest : public ::testing::Test {
 protected:
  // The sequences SeaBIOS (vectors 0x08/0x70) and Linux (0x30/0x38) use.
  void init(uint8_t master_base, uint8_t slave_base, uint8_t master_icw4 = 0x01,
            uint8_t slave_icw4 = 0x01) {
    io.write8(kMaster, 0x11);
    io.write8(kMaster + 1, master_base);
    io.write8(kMaster + 1, 0x04);  // slave on IR2
    io.write8(kMaster + 1, master_icw4);
    io.write8(kSlave, 0x11);
    io.write8(kSlave + 1, slave_base);
    io.write8(kSlave + 1, 0x02);  // slave ID 2
    io.write8(kSlave + 1, slave_icw4);
  }
  void init_bios() { init(0x08, 0x70); }
  uint8_t irr(uint16_t chip) {
    io.write8(chip, 0x0A);
    return io.read8(chip);
  }
  uint8_t isr(uint16_t chip) {
    io.write8(chip, 0x0B);
    return io.read8(chip);
  }
  void eoi(uint16_t chip) { io.write8(chip, 0x20); }
  void pulse(unsigned irq) {
    pic.set_irq(irq, true);
    pic.set_irq(irq, false);
  }

  core::IoBus io;
  Pic8259Pair pic{io};
};

TEST_F(PicTest, BiosInitDeliversMasterVectorAndEoiClearsIsr) {
  init_bios();
  EXPECT_FALSE(pic.intr_pending());
  pic.set_irq(1, true);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(irr(kMaster), 0x02);
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
  EXPECT_EQ(irr(kMaster), 0x00);
  EXPECT_EQ(isr(kMaster), 0x02);
  EXPECT_FALSE(pic.intr_pending());
  eoi(kMaster);
  EXPECT_EQ(isr(kMaster), 0x00);
}

TEST_F(PicTest, LinuxVectorsAndSlaveCascadeThroughIr2) {
  init(0x30, 0x38);
  io.write8(kMaster + 1, 0xFB);  // Linux unmasks IR2 only at first
  io.write8(kSlave + 1, 0xFF);
  EXPECT_EQ(io.read8(kMaster + 1), 0xFB);
  EXPECT_EQ(io.read8(kSlave + 1), 0xFF);
  pulse(12);
  EXPECT_FALSE(pic.intr_pending());
  EXPECT_EQ(irr(kSlave), 0x10);
  io.write8(kSlave + 1, 0xEF);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(irr(kMaster), 0x04);
  EXPECT_EQ(pic.intr_acknowledge(), 0x3C);
  EXPECT_EQ(isr(kMaster), 0x04);
  EXPECT_EQ(isr(kSlave), 0x10);
  eoi(kSlave);
  eoi(kMaster);
  EXPECT_EQ(isr(kSlave), 0x00);
  EXPECT_EQ(isr(kMaster), 0x00);
  EXPECT_FALSE(pic.intr_pending());
}

TEST_F(PicTest, LowerIrqNumberWinsAndLowerPriorityWaitsForEoi) {
  init_bios();
  pulse(5);
  pulse(3);
  EXPECT_EQ(irr(kMaster), 0x28);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0B);
  EXPECT_FALSE(pic.intr_pending());  // IR5 is below IR3, which is in service
  eoi(kMaster);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0D);
}

TEST_F(PicTest, HigherPriorityPreemptsAndNonSpecificEoiClearsTheHighest) {
  init_bios();
  pulse(5);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0D);
  pulse(1);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
  EXPECT_EQ(isr(kMaster), 0x22);
  eoi(kMaster);
  EXPECT_EQ(isr(kMaster), 0x20);
  io.write8(kMaster, 0x65);  // specific EOI, level 5
  EXPECT_EQ(isr(kMaster), 0x00);
}

TEST_F(PicTest, MaskHoldsRequestInIrrUntilUnmasked) {
  init_bios();
  io.write8(kMaster + 1, 0x10);
  EXPECT_EQ(io.read8(kMaster + 1), 0x10);
  pulse(4);
  EXPECT_FALSE(pic.intr_pending());
  EXPECT_EQ(irr(kMaster), 0x10);
  io.write8(kMaster + 1, 0x00);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0C);
}

TEST_F(PicTest, RotateOnNonSpecificEoiMakesTheServedLevelLowest) {
  init_bios();
  pulse(3);
  pulse(5);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0B);
  io.write8(kMaster, 0xA0);  // rotate on non-specific EOI: IR3 lowest, IR4 highest
  EXPECT_EQ(isr(kMaster), 0x00);
  pulse(3);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0D);  // IR5 now beats IR3
  pulse(0);
  EXPECT_FALSE(pic.intr_pending());  // IR0 ranks below IR5 now
  io.write8(kMaster, 0x20);
  EXPECT_EQ(pic.intr_acknowledge(), 0x08);
}

TEST_F(PicTest, SetPriorityAndRotateOnSpecificEoi) {
  init_bios();
  io.write8(kMaster, 0xC4);  // set priority: IR4 lowest, so IR5 highest
  pulse(1);
  pulse(6);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0E);
  io.write8(kMaster, 0xE6);  // rotate on specific EOI 6: IR6 lowest, IR7 highest
  EXPECT_EQ(isr(kMaster), 0x00);
  pulse(6);
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);  // IR1 (rank 2) beats IR6 (rank 7)
  EXPECT_FALSE(pic.intr_pending());
}

TEST_F(PicTest, AutoEoiLeavesIsrClearAndRotatesWhenAsked) {
  init(0x08, 0x70, 0x03);
  pulse(1);
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
  EXPECT_EQ(isr(kMaster), 0x00);
  pulse(3);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0B);  // no EOI needed
  io.write8(kMaster, 0x80);                 // rotate in automatic EOI mode
  pulse(1);
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
  pulse(1);
  pulse(3);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0B);  // IR1 went to the bottom
  io.write8(kMaster, 0x00);                 // clear rotate in AEOI
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
}

TEST_F(PicTest, InterruptAcknowledgeWithNothingPendingIsSpuriousIrq7) {
  init(0x30, 0x38);
  EXPECT_EQ(pic.intr_acknowledge(), 0x37);
  EXPECT_EQ(isr(kMaster), 0x00);
}

TEST_F(PicTest, SlaveRequestWithdrawnBeforeAckIsSpuriousIrq15) {
  init_bios();
  pulse(10);
  io.write8(kSlave + 1, 0x04);  // mask IRQ 10: the master has latched IR2
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.intr_acknowledge(), 0x77);
  EXPECT_EQ(isr(kSlave), 0x00);
  EXPECT_EQ(isr(kMaster), 0x04);  // the master sees IR2 in service
  eoi(kMaster);
  EXPECT_EQ(isr(kMaster), 0x00);
}

TEST_F(PicTest, PollCommandAcknowledgesOnRead) {
  init_bios();
  io.write8(kMaster, 0x0C);
  EXPECT_EQ(io.read8(kMaster), 0x00);  // I = 0: nothing requesting
  pulse(6);
  io.write8(kMaster, 0x0C);
  EXPECT_EQ(io.read8(kMaster + 1), 0x86);  // either port
  EXPECT_EQ(isr(kMaster), 0x40);
  EXPECT_EQ(irr(kMaster), 0x00);
  EXPECT_EQ(io.read8(kMaster + 1), 0x00);  // poll mode ended: the IMR again
  pulse(10);
  io.write8(kSlave, 0x0C);
  EXPECT_EQ(io.read8(kSlave), 0x82);
  EXPECT_EQ(isr(kSlave), 0x04);
}

TEST_F(PicTest, ReadRegisterSelectionPersistsUntilChanged) {
  init_bios();
  pulse(1);
  pulse(4);
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
  io.write8(kMaster, 0x0B);
  EXPECT_EQ(io.read8(kMaster), 0x02);
  EXPECT_EQ(io.read8(kMaster), 0x02);
  io.write8(kMaster, 0x08);  // OCW3 with RR = 0: selection unchanged
  EXPECT_EQ(io.read8(kMaster), 0x02);
  io.write8(kMaster, 0x0A);
  EXPECT_EQ(io.read8(kMaster), 0x10);
}

TEST_F(PicTest, EdgeInputLatchesOnRisingEdgeOnly) {
  init_bios();
  pic.set_irq(3, true);
  pic.set_irq(3, false);
  EXPECT_EQ(irr(kMaster), 0x08);  // latched although the line fell
  EXPECT_EQ(pic.intr_acknowledge(), 0x0B);
  eoi(kMaster);
  pic.set_irq(4, true);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0C);
  eoi(kMaster);
  pic.set_irq(4, true);  // still high: no new edge
  EXPECT_FALSE(pic.intr_pending());
}

TEST_F(PicTest, LevelInputViaElcrReassertsAfterEoiAndFollowsTheLine) {
  init_bios();
  io.write8(0x4D0, 0x00);
  io.write8(0x4D1, 0x0C);  // what SeaBIOS writes: IRQ 10 and 11 level
  EXPECT_EQ(io.read8(0x4D1), 0x0C);
  pic.set_irq(11, true);
  EXPECT_EQ(pic.intr_acknowledge(), 0x73);
  eoi(kSlave);
  eoi(kMaster);
  EXPECT_TRUE(pic.intr_pending());  // the line is still high
  EXPECT_EQ(pic.intr_acknowledge(), 0x73);
  pic.set_irq(11, false);  // the driver quiets the device before its EOIs
  EXPECT_EQ(irr(kSlave), 0x00);
  eoi(kSlave);
  eoi(kMaster);
  EXPECT_FALSE(pic.intr_pending());
}

TEST_F(PicTest, ElcrBitsForIrq0128And13AreHardwiredEdge) {
  io.write8(0x4D0, 0xFF);
  io.write8(0x4D1, 0xFF);
  EXPECT_EQ(io.read8(0x4D0), 0xF8);
  EXPECT_EQ(io.read8(0x4D1), 0xDE);
  EXPECT_EQ(io.read16(0x4D0), 0xDEF8);
}

TEST_F(PicTest, Icw1LevelModeMakesEveryInputLevelTriggered) {
  io.write8(kMaster, 0x19);  // LTIM, cascade, IC4
  io.write8(kMaster + 1, 0x08);
  io.write8(kMaster + 1, 0x04);
  io.write8(kMaster + 1, 0x01);
  pic.set_irq(5, true);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0D);
  eoi(kMaster);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0D);
  eoi(kMaster);
  pic.set_irq(5, false);
  EXPECT_FALSE(pic.intr_pending());
}

TEST_F(PicTest, MasterIrqsAboveIr2PreemptASlaveInService) {
  init_bios();
  pulse(10);
  EXPECT_EQ(pic.intr_acknowledge(), 0x72);
  pulse(3);
  EXPECT_FALSE(pic.intr_pending());  // below IR2
  pulse(0);
  EXPECT_EQ(pic.intr_acknowledge(), 0x08);
  EXPECT_EQ(isr(kMaster), 0x05);
}

TEST_F(PicTest, HigherSlaveIrqWaitsForMasterEoiUnlessSpecialFullyNested) {
  init_bios();
  pulse(10);
  EXPECT_EQ(pic.intr_acknowledge(), 0x72);
  pulse(9);
  EXPECT_FALSE(pic.intr_pending());  // master IR2 is in service
  eoi(kMaster);
  EXPECT_EQ(pic.intr_acknowledge(), 0x71);
  EXPECT_EQ(isr(kSlave), 0x06);

  init(0x08, 0x70, 0x11);  // master in special fully nested mode
  pulse(10);
  EXPECT_EQ(pic.intr_acknowledge(), 0x72);
  pulse(9);
  EXPECT_TRUE(pic.intr_pending());
  EXPECT_EQ(pic.intr_acknowledge(), 0x71);
  pulse(11);
  EXPECT_FALSE(pic.intr_pending());  // lower than the slave's in-service IRQ 10
}

TEST_F(PicTest, SlaveInAutoEoiKeepsASecondRequestVisible) {
  init(0x08, 0x70, 0x01, 0x03);
  pulse(8);
  pulse(12);
  EXPECT_EQ(pic.intr_acknowledge(), 0x70);
  EXPECT_FALSE(pic.intr_pending());  // master IR2 in service
  eoi(kMaster);
  EXPECT_EQ(pic.intr_acknowledge(), 0x74);
}

TEST_F(PicTest, SpecialMaskModeEnablesLowerLevels) {
  init_bios();
  pulse(3);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0B);
  io.write8(kMaster + 1, 0x08);  // mask the level in service
  io.write8(kMaster, 0x68);      // set special mask mode
  pulse(5);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0D);
  eoi(kMaster);  // non-specific EOI skips masked IR3
  EXPECT_EQ(isr(kMaster), 0x08);
  io.write8(kMaster, 0x48);  // reset special mask mode
  pulse(5);
  EXPECT_FALSE(pic.intr_pending());
}

TEST_F(PicTest, InitialisationSequenceWithoutIcw3OrIcw4) {
  io.write8(kMaster, 0x12);  // single, no ICW4: the next data write is OCW1
  io.write8(kMaster + 1, 0x48);
  io.write8(kMaster + 1, 0xFE);
  EXPECT_EQ(io.read8(kMaster + 1), 0xFE);
  pulse(2);  // IR2 is not cascaded in single mode, and not an ISA input
  EXPECT_FALSE(pic.intr_pending());
  pulse(7);
  EXPECT_EQ(pic.intr_acknowledge(), 0x4F);
}

TEST_F(PicTest, Icw1ClearsMaskInServiceAndReadSelection) {
  init_bios();
  pulse(1);
  EXPECT_EQ(pic.intr_acknowledge(), 0x09);
  io.write8(kMaster + 1, 0xFF);
  io.write8(kMaster, 0x0B);
  io.write8(kMaster, 0x11);
  EXPECT_EQ(io.read8(kMaster + 1), 0x00);
  EXPECT_EQ(io.read8(kMaster), 0x00);
}

TEST_F(PicTest, ResetRestoresPowerOnStateButKeepsLineLevels) {
  init_bios();
  io.write8(0x4D1, 0x0C);
  io.write8(kMaster + 1, 0xAA);
  pic.set_irq(4, true);
  pic.reset();
  EXPECT_EQ(io.read8(kMaster + 1), 0x00);
  EXPECT_EQ(io.read8(0x4D1), 0x00);
  EXPECT_EQ(irr(kMaster), 0x00);
  init_bios();
  pic.set_irq(4, false);
  pic.set_irq(4, true);
  EXPECT_EQ(pic.intr_acknowledge(), 0x0C);
}

}  // namespace
}  // namespace tx86::dev
