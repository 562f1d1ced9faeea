// Register bits and command codes of the ATA/ATAPI interface (ATA/ATAPI-6,
// T13/1410D, sections 7 and 8), as the IDE channel and its devices use
// them.
#pragma once

#include <cstdint>

namespace tx86::dev::ata {

// Status register.
inline constexpr uint8_t kErr = 0x01;   // ERR (ATAPI: CHK)
inline constexpr uint8_t kDrq = 0x08;   // data request
inline constexpr uint8_t kDsc = 0x10;   // seek complete (obsolete, still set by disks)
inline constexpr uint8_t kDf = 0x20;    // device fault
inline constexpr uint8_t kDrdy = 0x40;  // device ready
inline constexpr uint8_t kBsy = 0x80;

// Error register.
inline constexpr uint8_t kAbrt = 0x04;
inline constexpr uint8_t kIdnf = 0x10;  // address not found
inline constexpr uint8_t kUnc = 0x40;   // uncorrectable data
inline constexpr uint8_t kWp = 0x40;    // (write commands) write protected

// Device control register.
inline constexpr uint8_t kNien = 0x02;
inline constexpr uint8_t kSrst = 0x04;
inline constexpr uint8_t kHob = 0x80;

// Device/head register.
inline constexpr uint8_t kDev = 0x10;  // device 1 selected
inline constexpr uint8_t kLba = 0x40;

// ATAPI interrupt reason (the sector count register).
inline constexpr uint8_t kCoD = 0x01;  // command (packet) rather than data
inline constexpr uint8_t kIo = 0x02;   // to the host

namespace cmd {
inline constexpr uint8_t kNop = 0x00;
inline constexpr uint8_t kDeviceReset = 0x08;
inline constexpr uint8_t kRecalibrate = 0x10;  // 0x10-0x1F
inline constexpr uint8_t kReadSectors = 0x20;
inline constexpr uint8_t kReadSectorsNoRetry = 0x21;
inline constexpr uint8_t kReadSectorsExt = 0x24;
inline constexpr uint8_t kReadDmaExt = 0x25;
inline constexpr uint8_t kReadNativeMaxExt = 0x27;
inline constexpr uint8_t kReadMultipleExt = 0x29;
inline constexpr uint8_t kWriteSectors = 0x30;
inline constexpr uint8_t kWriteSectorsNoRetry = 0x31;
inline constexpr uint8_t kWriteSectorsExt = 0x34;
inline constexpr uint8_t kWriteDmaExt = 0x35;
inline constexpr uint8_t kWriteMultipleExt = 0x39;
inline constexpr uint8_t kReadVerify = 0x40;
inline constexpr uint8_t kReadVerifyNoRetry = 0x41;
inline constexpr uint8_t kReadVerifyExt = 0x42;
inline constexpr uint8_t kSeek = 0x70;  // 0x70-0x7F
inline constexpr uint8_t kExecuteDiagnostic = 0x90;
inline constexpr uint8_t kInitializeParams = 0x91;
inline constexpr uint8_t kPacket = 0xA0;
inline constexpr uint8_t kIdentifyPacket = 0xA1;
inline constexpr uint8_t kReadMultiple = 0xC4;
inline constexpr uint8_t kWriteMultiple = 0xC5;
inline constexpr uint8_t kSetMultiple = 0xC6;
inline constexpr uint8_t kReadDma = 0xC8;
inline constexpr uint8_t kReadDmaNoRetry = 0xC9;
inline constexpr uint8_t kWriteDma = 0xCA;
inline constexpr uint8_t kWriteDmaNoRetry = 0xCB;
inline constexpr uint8_t kStandbyImmediate = 0xE0;
inline constexpr uint8_t kIdleImmediate = 0xE1;
inline constexpr uint8_t kStandby = 0xE2;
inline constexpr uint8_t kIdle = 0xE3;
inline constexpr uint8_t kCheckPowerMode = 0xE5;
inline constexpr uint8_t kSleep = 0xE6;
inline constexpr uint8_t kFlushCache = 0xE7;
inline constexpr uint8_t kFlushCacheExt = 0xEA;
inline constexpr uint8_t kIdentify = 0xEC;
inline constexpr uint8_t kSetFeatures = 0xEF;
inline constexpr uint8_t kReadNativeMax = 0xF8;
}  // namespace cmd

}  // namespace tx86::dev::ata
