// Intel 82077AA register offsets, bits, command codes and status bits
// (datasheet 290166, sections 2 and 5), shared by the controller's source
// files and its tests.
#pragma once

#include <cstdint>

namespace tx86::dev::fdc_regs {

// Register offsets from the base (0x3F0). In PC-AT mode SRA/SRB are not
// decoded and 0x3F6 belongs to the hard-disk controller.
inline constexpr unsigned kRegSra = 0;
inline constexpr unsigned kRegSrb = 1;
inline constexpr unsigned kRegDor = 2;
inline constexpr unsigned kRegTdr = 3;
inline constexpr unsigned kRegMsr = 4;  // read
inline constexpr unsigned kRegDsr = 4;  // write
inline constexpr unsigned kRegFifo = 5;
inline constexpr unsigned kRegDir = 7;  // read
inline constexpr unsigned kRegCcr = 7;  // write

// Digital output register.
inline constexpr uint8_t kDorDriveMask = 0x03;
inline constexpr uint8_t kDorNotReset = 0x04;
inline constexpr uint8_t kDorDmaGate = 0x08;  // AT mode: gates INT and DRQ
inline constexpr uint8_t kDorMotor0 = 0x10;   // MOT EN0; drive n is 0x10 << n

// Main status register.
inline constexpr uint8_t kMsrDriveBusy0 = 0x01;  // drive n seeking: 0x01 << n
inline constexpr uint8_t kMsrCommandBusy = 0x10;
inline constexpr uint8_t kMsrNonDma = 0x20;
inline constexpr uint8_t kMsrDio = 0x40;  // 1: controller to host
inline constexpr uint8_t kMsrRqm = 0x80;

// Datarate select register; CCR holds only the rate bits.
inline constexpr uint8_t kDsrRateMask = 0x03;
inline constexpr uint8_t kDsrPowerDown = 0x40;
inline constexpr uint8_t kDsrSoftwareReset = 0x80;

inline constexpr uint8_t kDirDiskChange = 0x80;

// Command codes, after masking off MT (0x80), MFM (0x40) and SK (0x20)
// where the command has them.
inline constexpr uint8_t kCmdReadTrack = 0x02;
inline constexpr uint8_t kCmdSpecify = 0x03;
inline constexpr uint8_t kCmdSenseDriveStatus = 0x04;
inline constexpr uint8_t kCmdWriteData = 0x05;
inline constexpr uint8_t kCmdReadData = 0x06;
inline constexpr uint8_t kCmdRecalibrate = 0x07;
inline constexpr uint8_t kCmdSenseInterrupt = 0x08;
inline constexpr uint8_t kCmdWriteDeleted = 0x09;
inline constexpr uint8_t kCmdReadId = 0x0A;
inline constexpr uint8_t kCmdReadDeleted = 0x0C;
inline constexpr uint8_t kCmdFormatTrack = 0x0D;
inline constexpr uint8_t kCmdDumpreg = 0x0E;
inline constexpr uint8_t kCmdSeek = 0x0F;
inline constexpr uint8_t kCmdVersion = 0x10;
inline constexpr uint8_t kCmdPerpendicular = 0x12;
inline constexpr uint8_t kCmdConfigure = 0x13;
inline constexpr uint8_t kCmdLock = 0x14;  // bit 7: LOCK
inline constexpr uint8_t kCmdVerify = 0x16;
inline constexpr uint8_t kCmdRelativeSeek = 0x8F;  // bit 6: DIR (1 = inward)

inline constexpr uint8_t kCmdMultiTrack = 0x80;
inline constexpr uint8_t kCmdMfm = 0x40;
inline constexpr uint8_t kCmdSkip = 0x20;

inline constexpr uint8_t kVersion82077 = 0x90;  // VERSION result: enhanced controller

// Status register 0.
inline constexpr uint8_t kSt0Normal = 0x00;
inline constexpr uint8_t kSt0Abnormal = 0x40;
inline constexpr uint8_t kSt0Invalid = 0x80;
inline constexpr uint8_t kSt0ReadyChange = 0xC0;  // polling after reset
inline constexpr uint8_t kSt0SeekEnd = 0x20;
inline constexpr uint8_t kSt0EquipmentCheck = 0x10;
inline constexpr uint8_t kSt0Head = 0x04;

// Status register 1.
inline constexpr uint8_t kSt1EndOfCylinder = 0x80;
inline constexpr uint8_t kSt1DataError = 0x20;
inline constexpr uint8_t kSt1Overrun = 0x10;
inline constexpr uint8_t kSt1NoData = 0x04;
inline constexpr uint8_t kSt1NotWritable = 0x02;
inline constexpr uint8_t kSt1MissingAddressMark = 0x01;

// Status register 2.
inline constexpr uint8_t kSt2DataErrorInField = 0x20;
inline constexpr uint8_t kSt2WrongCylinder = 0x10;
inline constexpr uint8_t kSt2BadCylinder = 0x02;

// Status register 3 (SENSE DRIVE STATUS). Bits 5 and 3 always read 1 on
// the 82077AA.
inline constexpr uint8_t kSt3WriteProtect = 0x40;
inline constexpr uint8_t kSt3Always = 0x28;
inline constexpr uint8_t kSt3Track0 = 0x10;
inline constexpr uint8_t kSt3Head = 0x04;

// CONFIGURE byte 2.
inline constexpr uint8_t kConfigImpliedSeek = 0x40;  // EIS
inline constexpr uint8_t kConfigFifoDisable = 0x20;  // EFIFO
inline constexpr uint8_t kConfigPollDisable = 0x10;  // POLL
inline constexpr uint8_t kConfigThresholdMask = 0x0F;

}  // namespace tx86::dev::fdc_regs
