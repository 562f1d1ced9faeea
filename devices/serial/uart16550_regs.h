// PC16550D register offsets and bits (datasheet, Summary of Registers), shared by
// the UART's two source files and its tests.
#pragma once

#include <cstdint>

namespace tx86::dev::uart16550_regs {

// Register offsets (datasheet, Summary of Registers). DLAB = LCR bit 7 turns 0 and 1
// into the divisor latch; offset 2 reads IIR and writes FCR.
inline constexpr unsigned kRegData = 0;  // RBR / THR / DLL
inline constexpr unsigned kRegIer = 1;   // IER / DLM
inline constexpr unsigned kRegIir = 2;   // IIR (read)
inline constexpr unsigned kRegFcr = 2;   // FCR (write)
inline constexpr unsigned kRegLcr = 3;
inline constexpr unsigned kRegMcr = 4;
inline constexpr unsigned kRegLsr = 5;
inline constexpr unsigned kRegMsr = 6;
inline constexpr unsigned kRegScr = 7;

inline constexpr uint8_t kIerRxData = 0x01;       // ERBFI (also the character timeout)
inline constexpr uint8_t kIerThre = 0x02;         // ETBEI
inline constexpr uint8_t kIerLineStatus = 0x04;   // ELSI
inline constexpr uint8_t kIerModemStatus = 0x08;  // EDSSI

inline constexpr uint8_t kIirNone = 0x01;
inline constexpr uint8_t kIirLineStatus = 0x06;
inline constexpr uint8_t kIirRxData = 0x04;
inline constexpr uint8_t kIirTimeout = 0x0C;
inline constexpr uint8_t kIirThre = 0x02;
inline constexpr uint8_t kIirModemStatus = 0x00;
inline constexpr uint8_t kIirFifoEnabled = 0xC0;

inline constexpr uint8_t kFcrEnable = 0x01;
inline constexpr uint8_t kFcrClearRx = 0x02;
inline constexpr uint8_t kFcrClearTx = 0x04;
inline constexpr uint8_t kFcrKeptBits = 0xC8;  // trigger level, DMA mode select

inline constexpr uint8_t kLcrWordLength = 0x03;  // 5 + value data bits
inline constexpr uint8_t kLcrStopBits = 0x04;
inline constexpr uint8_t kLcrParity = 0x08;
inline constexpr uint8_t kLcrBreak = 0x40;
inline constexpr uint8_t kLcrDlab = 0x80;

inline constexpr uint8_t kMcrDtr = 0x01;
inline constexpr uint8_t kMcrRts = 0x02;
inline constexpr uint8_t kMcrOut1 = 0x04;
inline constexpr uint8_t kMcrOut2 = 0x08;
inline constexpr uint8_t kMcrLoop = 0x10;

inline constexpr uint8_t kLsrDataReady = 0x01;
inline constexpr uint8_t kLsrOverrun = 0x02;
inline constexpr uint8_t kLsrBreak = 0x10;
inline constexpr uint8_t kLsrErrorBits = 0x1E;  // OE PE FE BI
inline constexpr uint8_t kLsrThre = 0x20;
inline constexpr uint8_t kLsrTemt = 0x40;
inline constexpr uint8_t kLsrFifoError = 0x80;

inline constexpr uint8_t kMsrCts = 0x10;
inline constexpr uint8_t kMsrDsr = 0x20;
inline constexpr uint8_t kMsrRi = 0x40;
inline constexpr uint8_t kMsrDcd = 0x80;
inline constexpr uint8_t kMsrDeltaCts = 0x01;
inline constexpr uint8_t kMsrDeltaDsr = 0x02;
inline constexpr uint8_t kMsrTrailingRi = 0x04;
inline constexpr uint8_t kMsrDeltaDcd = 0x08;
inline constexpr uint8_t kMsrDeltas = 0x0F;

// What the host end of the line asserts outside loopback: it is always
// "there" (as QEMU reports), so a guest waiting for carrier or CTS proceeds.
inline constexpr uint8_t kHostModemLines = kMsrCts | kMsrDsr | kMsrDcd;

// RCVR FIFO trigger levels for FCR bits 7-6 (datasheet FCR6-FCR7).
inline constexpr unsigned kTriggerLevels[4] = {1, 4, 8, 14};

}  // namespace tx86::dev::uart16550_regs
