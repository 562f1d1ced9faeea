// 82077AA registers, resets, seeks and the commands without a data phase.
#include <gtest/gtest.h>

#include "core/machine/user_error.h"
#include "tests/unit/devices/fdc82077_fixture.h"

namespace tx86::dev::fdc_test {
namespace {

using Fdc = FdcFixture;

TEST_F(Fdc, PowerOnStateIsOutOfResetAndReadyForACommand) {
  EXPECT_EQ(in(kRegDor), 0x0C);
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
  EXPECT_EQ(in(kRegSra), 0xFF);  // PS/2-mode registers are not decoded in AT mode
  EXPECT_EQ(in(kRegSrb), 0xFF);
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(fdc.phase(), Fdc82077::Phase::kCommand);
  EXPECT_EQ(fdc.data_rate(), FloppyDataRate::k250Kbps);
  EXPECT_TRUE(fdc.dma_mode());
  EXPECT_EQ(io.owner(0x3F6), "");  // the hard-disk controller's
  EXPECT_NE(io.owner(0x3F7), "");
}

TEST_F(Fdc, DorResetRaisesIrqAndLeavesFourPollingStatuses) {
  out(kRegDor, 0x08);  // nRESET low: held in reset
  EXPECT_EQ(in(kRegMsr), 0x00);
  out(kRegDor, 0x0C);
  run_for(Fdc82077::kResetTime - 1);
  EXPECT_FALSE(irq.level());
  run_for(1);
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(sense_interrupt(), (Bytes{0xC0, 0}));
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(sense_interrupt(), (Bytes{0xC1, 0}));
  EXPECT_EQ(sense_interrupt(), (Bytes{0xC2, 0}));
  EXPECT_EQ(sense_interrupt(), (Bytes{0xC3, 0}));
  EXPECT_EQ(sense_interrupt(), (Bytes{kSt0Invalid}));
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
}

TEST_F(Fdc, DsrSoftwareResetAlsoInterruptsAndKeepsTheDataRate) {
  out(kRegDsr, 0x80 | 0x00);  // reset, 500 kbps
  EXPECT_EQ(in(kRegDor), 0x0C);
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0xC0, 0}));
  EXPECT_EQ(fdc.data_rate(), FloppyDataRate::k500Kbps);
}

TEST_F(Fdc, ResetDropsACommandHalfWritten) {
  command({kCmdSeek, 0x00});
  EXPECT_EQ(in(kRegMsr), kMsrRqm | kMsrCommandBusy);
  out(kRegDor, 0x08);
  out(kRegDor, 0x0C);
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
  command({kCmdVersion});
  EXPECT_EQ(results(), (Bytes{0x90}));
}

TEST_F(Fdc, DmaGateInDorMasksTheInterrupt) {
  out(kRegDor, 0x00);
  out(kRegDor, 0x04);  // out of reset, INT and DRQ gated off
  run_for(kLongEnough);
  EXPECT_FALSE(irq.level());
  out(kRegDor, 0x0C);
  EXPECT_TRUE(irq.level());
}

TEST_F(Fdc, SenseInterruptWithNothingPendingIsInvalid) {
  EXPECT_EQ(sense_interrupt(), (Bytes{kSt0Invalid}));
  EXPECT_FALSE(irq.level());
}

TEST_F(Fdc, SpecifyTakesTwoBytesWithoutResultAndItsNdBitSelectsNonDma) {
  command({kCmdSpecify, 0xAF, 0x03});
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
  EXPECT_FALSE(fdc.dma_mode());
  command({kCmdSpecify, 0xDF, 0x02});
  EXPECT_TRUE(fdc.dma_mode());
  command({kCmdDumpreg});
  const Bytes r = results();
  ASSERT_EQ(r.size(), 10u);
  EXPECT_EQ(r[4], 0xDF);
  EXPECT_EQ(r[5], 0x02);
}

TEST_F(Fdc, SeekStepsTheHeadAndEndsWithAnInterrupt) {
  insert_medium();
  command({kCmdSeek, 0x04, 30});  // head 1: ST0's head bit still reads 0
  EXPECT_EQ(in(kRegMsr), kMsrRqm | kMsrDriveBusy0);
  EXPECT_FALSE(irq.level());
  run_for(Fdc82077::kCommandTime + 30 * Fdc82077::kStepTime - 1);
  EXPECT_FALSE(irq.level());
  run_for(1);
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 30}));
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(fdc.drive(0).cylinder(), 30);
  EXPECT_EQ(fdc.present_cylinder(0), 30);
}

TEST_F(Fdc, RecalibrateReturnsTheHeadToTrackZero) {
  insert_medium();
  seek(0, 45);
  command({kCmdRecalibrate, 0x00});
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 0}));
  EXPECT_EQ(fdc.drive(0).cylinder(), 0);
  command({kCmdSenseDriveStatus, 0x00});
  EXPECT_EQ(results(), (Bytes{kSt3Always | kSt3Track0}));
}

TEST_F(Fdc, RecalibrateGivesUpAfter79StepsWithoutTrackZero) {
  insert_medium();
  seek(0, 83);
  command({kCmdRecalibrate, 0x00});
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x70, 0}));  // SE, EC, abnormal
  EXPECT_EQ(fdc.drive(0).cylinder(), 4);
  command({kCmdRecalibrate, 0x00});
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 0}));
}

TEST_F(Fdc, RecalibrateOfADriveNotOnTheCableFails) {
  command({kCmdRecalibrate, 0x03});
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x73, 0}));
}

TEST_F(Fdc, RelativeSeekMovesFromThePresentCylinder) {
  insert_medium();
  seek(0, 10);
  command({kCmdRelativeSeek | 0x40, 0x00, 5});  // in
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 15}));
  command({kCmdRelativeSeek, 0x00, 20});  // out, past track 0
  run_until_irq();
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 0}));
  EXPECT_EQ(fdc.drive(0).cylinder(), 0);
}

TEST_F(Fdc, SeeksOnTwoDrivesReportOneAtATime) {
  insert_medium();
  command({kCmdSeek, 0x00, 2});
  command({kCmdSeek, 0x01, 3});
  EXPECT_EQ(in(kRegMsr), kMsrRqm | 0x03);
  run_for(kLongEnough);
  EXPECT_EQ(sense_interrupt(), (Bytes{0x20, 2}));
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(sense_interrupt(), (Bytes{0x21, 3}));
  EXPECT_FALSE(irq.level());
}

TEST_F(Fdc, SenseDriveStatusReportsWriteProtectTrackZeroHeadAndDrive) {
  insert_medium(1'474'560, true);
  command({kCmdSenseDriveStatus, 0x04});
  EXPECT_EQ(results(), (Bytes{kSt3WriteProtect | kSt3Always | kSt3Track0 | kSt3Head}));
  seek(0, 1);
  fdc.insert(0, make_image(1'474'560));
  command({kCmdSenseDriveStatus, 0x00});
  EXPECT_EQ(results(), (Bytes{kSt3Always}));
  command({kCmdSenseDriveStatus, 0x03});  // no drive 3
  EXPECT_EQ(results(), (Bytes{kSt3Always | 0x03}));
}

TEST_F(Fdc, DiskChangeLineFollowsInsertEjectAndClearsOnAStep) {
  out(kRegDor, 0x1C);                      // drive 0 selected, motor on
  EXPECT_EQ(in(kRegDir), kDirDiskChange);  // active from power-on
  command({kCmdSeek, 0x00, 1});            // a step with no medium leaves it set
  run_until_irq();
  sense_interrupt();
  EXPECT_EQ(in(kRegDir), kDirDiskChange);
  fdc.insert(0, make_image(1'474'560));
  EXPECT_EQ(in(kRegDir), kDirDiskChange);
  seek(0, 1);  // no step: the head is there already
  EXPECT_EQ(in(kRegDir), kDirDiskChange);
  seek(0, 2);
  EXPECT_EQ(in(kRegDir), 0x00);
  out(kRegDor, 0x0C);  // motor off: the drive is not selected
  EXPECT_EQ(in(kRegDir), 0x00);
  out(kRegDor, 0x1C);
  EXPECT_NE(fdc.eject(0), nullptr);
  EXPECT_EQ(in(kRegDir), kDirDiskChange);
  fdc.insert(0, make_image(737'280));
  command({kCmdRecalibrate, 0x00});
  run_until_irq();
  sense_interrupt();
  EXPECT_EQ(in(kRegDir), 0x00);
}

TEST_F(Fdc, VersionIsTheEnhancedController) {
  command({kCmdVersion});
  EXPECT_EQ(results(), (Bytes{0x90}));
}

TEST_F(Fdc, PartIdAndUnknownCodesAreInvalidCommands) {
  for (uint8_t code : {uint8_t{0x18}, uint8_t{0x00}, uint8_t{0x01}, uint8_t{0xFF}, uint8_t{0x11}}) {
    SCOPED_TRACE(code);
    command({code});
    EXPECT_EQ(results(), (Bytes{kSt0Invalid}));
    EXPECT_EQ(in(kRegMsr), kMsrRqm);
  }
}

TEST_F(Fdc, ConfigureLockAndDumpregAsLinuxProbesThem) {
  command({kCmdDumpreg});
  EXPECT_EQ(results(), (Bytes{0, 0, 0, 0, 0, 0, 0, 0, kConfigFifoDisable, 0}));
  command({kCmdConfigure, 0x00, 0x1A, 0x05});  // FIFO on, polling off, threshold 10
  command({kCmdPerpendicular});
  EXPECT_EQ(in(kRegMsr) & (kMsrRqm | kMsrDio), kMsrRqm);  // wants its parameter
  command({0x80 | 0x04 | 0x02});                          // OW, drive 0 perpendicular, GAP
  command({0x94});                                        // LOCK
  EXPECT_EQ(results(), (Bytes{0x10}));
  insert_medium();
  seek(0, 7);
  command({kCmdDumpreg});
  EXPECT_EQ(results(), (Bytes{7, 0, 0, 0, 0, 0, 0, 0x80 | 0x04 | 0x02, 0x1A, 0x05}));

  // A locked FIFO setup survives a software reset; EIS, POLL and GAP do not.
  out(kRegDor, 0x18);
  out(kRegDor, 0x1C);
  command({kCmdDumpreg});
  EXPECT_EQ(results(), (Bytes{7, 0, 0, 0, 0, 0, 0, 0x80 | 0x04, 0x0A, 0x05}));

  command({kCmdLock});  // UNLOCK
  EXPECT_EQ(results(), (Bytes{0x00}));
  out(kRegDsr, 0x80);
  command({kCmdDumpreg});
  EXPECT_EQ(results(), (Bytes{7, 0, 0, 0, 0, 0, 0, 0x04, kConfigFifoDisable, 0}));
}

TEST_F(Fdc, ResultBytesAreReadOnlyInTheResultPhase) {
  command({kCmdVersion});
  out(kRegFifo, kCmdSenseInterrupt);  // ignored: DIO says the host reads
  EXPECT_EQ(results(), (Bytes{0x90}));
  EXPECT_EQ(in(kRegFifo), 0x00);  // no result left
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
}

TEST_F(Fdc, MachineResetRestoresThePowerOnStateAndKeepsTheMedium) {
  insert_medium();
  command({0x94});
  results();
  command({kCmdSpecify, 0xAF, 0x03});
  seek(0, 12);
  command({kCmdSeek, 0x00, 20});
  fdc.reset();
  EXPECT_EQ(in(kRegDor), 0x0C);
  EXPECT_EQ(in(kRegMsr), kMsrRqm);
  EXPECT_TRUE(fdc.dma_mode());
  EXPECT_EQ(fdc.data_rate(), FloppyDataRate::k250Kbps);
  run_for(kLongEnough);
  EXPECT_FALSE(irq.level());
  command({kCmdDumpreg});
  EXPECT_EQ(results(), (Bytes{0, 0, 0, 0, 0, 0, 0, 0, kConfigFifoDisable, 0}));
  EXPECT_TRUE(fdc.drive(0).has_medium());
  out(kRegDor, 0x1C);
  EXPECT_EQ(in(kRegDir), kDirDiskChange);
}

TEST_F(Fdc, InsertRefusesAnImageOfNoFloppySize) {
  try {
    fdc.insert(0, core::DiskImage::in_memory(std::vector<uint8_t>(1'000'000)));
    FAIL() << "no exception";
  } catch (const core::UserError& e) {
    EXPECT_NE(std::string(e.what()).find("has 1000000 bytes, which is no floppy format (160K"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(fdc.drive(2), std::out_of_range);  // two drives on the cable
}

}  // namespace
}  // namespace tx86::dev::fdc_test
