// 16550 registers as the firmware and Linux probe them, and the interrupt
// logic (priorities, THRE rules, OUT2 gating).
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/devices/uart16550_fixture.h"

namespace tx86::dev::uart_test {
namespace {

using Uart = UartFixture;

TEST_F(Uart, PowerOnRegistersMatchTheDatasheetResetTable) {
  EXPECT_EQ(in(kRegIer), 0x00);
  EXPECT_EQ(in(kRegIir), 0x01);
  EXPECT_EQ(in(kRegLcr), 0x00);
  EXPECT_EQ(in(kRegMcr), 0x00);
  EXPECT_EQ(in(kRegLsr), 0x60);  // THRE and TEMT
  EXPECT_EQ(in(kRegMsr), 0xB0);  // the host asserts CTS, DSR and DCD
  EXPECT_EQ(uart.divisor(), 12);
  EXPECT_FALSE(irq.level());
}

TEST_F(Uart, ScratchRegisterHoldsAnyValue) {
  out(kRegScr, 0x55);
  EXPECT_EQ(in(kRegScr), 0x55);
  out(kRegScr, 0xAA);
  EXPECT_EQ(in(kRegScr), 0xAA);
}

TEST_F(Uart, LinuxIerProbeReadsBackTheLowNibbleOnly) {
  out(kRegIer, 0x00);
  EXPECT_EQ(in(kRegIer)&0x0F, 0x00);
  out(kRegIer, 0x0F);
  EXPECT_EQ(in(kRegIer)&0x0F, 0x0F);
  out(kRegIer, 0xFF);
  EXPECT_EQ(in(kRegIer), 0x0F);  // no XScale UUE bit
}

TEST_F(Uart, LinuxLoopbackProbeSeesMcrOutputsInMsr) {
  out(kRegMcr, 0x10);
  EXPECT_EQ(in(kRegMsr)&0xF0, 0x00);
  out(kRegMcr, 0x1A);  // LOOP | OUT2 | RTS
  EXPECT_EQ(in(kRegMsr)&0xF0, 0x90);
  out(kRegMcr, 0x11);  // DTR -> DSR
  EXPECT_EQ(in(kRegMsr)&0xF0, 0x20);
  out(kRegMcr, 0x14);  // OUT1 -> RI
  EXPECT_EQ(in(kRegMsr)&0xF0, 0x40);
  out(kRegMcr, 0x00);
  EXPECT_EQ(in(kRegMsr)&0xF0, 0xB0);
}

TEST_F(Uart, MsrDeltaBitsTrackChangesAndClearOnRead) {
  out(kRegMcr, 0x10);  // CTS, DSR, DCD drop
  EXPECT_EQ(in(kRegMsr), 0x0B);
  EXPECT_EQ(in(kRegMsr), 0x00);
  out(kRegMcr, 0x14);  // RI rises: no delta (TERI is the trailing edge)
  EXPECT_EQ(in(kRegMsr), 0x40);
  out(kRegMcr, 0x10);
  EXPECT_EQ(in(kRegMsr), 0x04);
}

TEST_F(Uart, FifoEnableShowsInIirTopBitsAs16550A) {
  out(kRegFcr, kFcrEnable);
  EXPECT_EQ(in(kRegIir), 0xC1);
  out(kRegFcr, 0x00);
  EXPECT_EQ(in(kRegIir), 0x01);
}

TEST_F(Uart, LinuxAutoconfigSequenceFindsA16550A) {
  // 8250_port.c autoconfig(): EFR write with LCR=0xBF lands in FCR.
  out(kRegLcr, 0xBF);
  out(kRegFcr, 0x00);
  out(kRegLcr, 0x00);
  out(kRegFcr, kFcrEnable);
  EXPECT_EQ(in(kRegIir) >> 6, 3);
  // autoconfig_16550a(): IIR is readable with DLAB set and is not 0 (no EFR).
  out(kRegLcr, 0x80);
  EXPECT_NE(in(kRegIir), 0);
  out(kRegLcr, 0xBF);
  EXPECT_NE(in(kRegIir), 0);
  // The TI16750 test: bit 5 never sets, with or without DLAB.
  out(kRegLcr, 0x00);
  out(kRegFcr, 0x21);
  EXPECT_EQ(in(kRegIir) >> 5, 6);
  out(kRegLcr, 0x80);
  out(kRegFcr, 0x21);
  EXPECT_EQ(in(kRegIir) >> 5, 6);
  out(kRegLcr, 0x00);
}

TEST_F(Uart, SeabiosDetectSeesThrePendingAfterEnablingIt) {
  out(kRegIer, 0x02);
  EXPECT_EQ(in(kRegIer), 0x02);
  EXPECT_EQ(in(kRegIir)&0x3F, 0x02);
}

TEST_F(Uart, DivisorLatchSharesPortsWithRbrAndIer) {
  out(kRegIer, 0x05);
  out(kRegLcr, 0x83);
  out(kRegData, 0x34);
  out(kRegIer, 0x12);
  EXPECT_EQ(in(kRegData), 0x34);
  EXPECT_EQ(in(kRegIer), 0x12);
  EXPECT_EQ(uart.divisor(), 0x1234);
  out(kRegLcr, 0x03);
  EXPECT_EQ(in(kRegIer), 0x05);
  EXPECT_EQ(in(kRegLcr), 0x03);
}

TEST_F(Uart, CharacterTimeFollowsDivisorAndFrame) {
  set_115200_8n1();
  EXPECT_EQ(uart.char_time(), kCharTime115200);
  out(kRegLcr, 0x0E);  // 7 data bits, even parity, 2 stop bits: 11 bits
  EXPECT_EQ(uart.char_time(), 95'486u);
  out(kRegLcr, 0x04);  // 5 data bits, 1.5 stop bits
  EXPECT_EQ(uart.char_time(), 65'104u);
  out(kRegLcr, 0x83);
  out(kRegData, 12);
  out(kRegLcr, 0x03);
  EXPECT_EQ(uart.char_time(), 1'041'666u);  // 9600 baud
}

TEST_F(Uart, ThreInterruptClearsOnIirReadAndReturnsWhenEtbeiIsEnabledAgain) {
  out(kRegMcr, kMcrOut2);
  out(kRegIer, kIerThre);
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(in(kRegIir), 0x02);  // this read acknowledges it
  EXPECT_EQ(in(kRegIir), 0x01);
  EXPECT_FALSE(irq.level());
  // Linux's UART_BUG_THRE probe: IER=0 then THRI again re-asserts THRE.
  out(kRegIer, 0);
  out(kRegIer, kIerThre);
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(in(kRegIir), 0x02);
}

TEST_F(Uart, ThrWriteAcknowledgesThreAndItRisesAgainAsTheByteMoves) {
  out(kRegMcr, kMcrOut2);
  out(kRegIer, kIerThre);
  send("ab");  // 'a' goes straight to the shift register, 'b' waits in THR
  EXPECT_EQ(in(kRegLsr), 0x00);
  EXPECT_EQ(in(kRegIir), 0x01);
  EXPECT_FALSE(irq.level());
  run_for(kTxTime);  // 'a' sent, 'b' moves on: THR empty again
  EXPECT_EQ(backend.out, "a");
  EXPECT_EQ(in(kRegLsr), 0x20);
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(in(kRegIir), 0x02);
  run_for(kTxTime);
  EXPECT_EQ(backend.out, "ab");
  EXPECT_EQ(in(kRegLsr), 0x60);
}

TEST_F(Uart, FifoModeThreWaitsForTheFifoToDrain) {
  out(kRegFcr, kFcrEnable | kFcrClearRx | kFcrClearTx);
  out(kRegIer, kIerThre);
  EXPECT_EQ(in(kRegIir), 0xC2);
  send("abc");
  EXPECT_EQ(in(kRegIir), 0xC1);
  EXPECT_EQ(in(kRegLsr) & (kLsrThre | kLsrTemt), 0);
  run_for(2 * kTxTime);
  EXPECT_EQ(in(kRegLsr) & (kLsrThre | kLsrTemt), kLsrThre);  // 'c' in the shift register
  EXPECT_EQ(in(kRegIir), 0xC2);
  run_for(kTxTime);
  EXPECT_EQ(in(kRegLsr) & (kLsrThre | kLsrTemt), kLsrThre | kLsrTemt);
  EXPECT_EQ(backend.out, "abc");
}

TEST_F(Uart, FifoModeSingleByteDelaysThreInterruptOneCharacter) {
  out(kRegFcr, kFcrEnable);
  out(kRegIer, kIerThre);
  EXPECT_EQ(in(kRegIir), 0xC2);
  EXPECT_EQ(in(kRegIir), 0xC1);
  send("x");
  EXPECT_EQ(in(kRegLsr) & (kLsrThre | kLsrTemt), kLsrThre);
  EXPECT_EQ(in(kRegIir), 0xC1);  // datasheet 8.6.2: not until the byte is out
  run_for(kTxTime);
  EXPECT_EQ(in(kRegIir), 0xC2);
}

TEST_F(Uart, BreakSetsBiWithAZeroCharacterAndRaisesLineStatus) {
  out(kRegMcr, kMcrOut2);
  out(kRegFcr, kFcrEnable);
  out(kRegIer, kIerLineStatus);
  uart.receive_break();
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(in(kRegIir), 0xC6);
  EXPECT_EQ(in(kRegLsr), kLsrFifoError | kLsrThre | kLsrTemt | kLsrBreak | kLsrDataReady);
  EXPECT_FALSE(irq.level());
  EXPECT_EQ(in(kRegLsr), kLsrFifoError | kLsrThre | kLsrTemt | kLsrDataReady);
  EXPECT_EQ(in(kRegData), 0x00);
  EXPECT_EQ(in(kRegLsr), kLsrThre | kLsrTemt);
}

TEST_F(Uart, IrqIsGatedByOut2AndOffInLoopback) {
  out(kRegIer, kIerThre);
  EXPECT_EQ(in(kRegIir), 0x02);
  out(kRegIer, 0);
  out(kRegIer, kIerThre);
  EXPECT_FALSE(irq.level());  // pending, but OUT2 is off
  out(kRegMcr, kMcrOut2);
  EXPECT_TRUE(irq.level());
  out(kRegMcr, kMcrOut2 | kMcrLoop);  // OUT pins forced inactive
  EXPECT_FALSE(irq.level());
  out(kRegMcr, kMcrOut2 | kMcrDtr | kMcrRts);
  EXPECT_TRUE(irq.level());
  out(kRegIer, 0);
  EXPECT_FALSE(irq.level());
}

TEST_F(Uart, ModemStatusInterruptHasTheLowestPriority) {
  out(kRegMcr, kMcrLoop);
  in(kRegMsr);
  out(kRegFcr, kFcrEnable);
  out(kRegIer, 0x0F);
  out(kRegMcr, kMcrLoop | kMcrRts);  // CTS rises: DCTS
  send("0123456789abcdefXY");        // overrun, data, and later THRE
  run_for(18 * kTxTime);
  EXPECT_EQ(in(kRegIir), 0xC6);
  in(kRegLsr);
  EXPECT_EQ(in(kRegIir), 0xC4);
  drain_rx();
  EXPECT_EQ(in(kRegIir), 0xC2);
  EXPECT_EQ(in(kRegIir), 0xC0);  // THRE acknowledged by the read above
  EXPECT_EQ(in(kRegMsr), 0x11);
  EXPECT_EQ(in(kRegIir), 0xC1);
}

TEST_F(Uart, ResetReturnsToPowerOnState) {
  set_115200_8n1();
  out(kRegMcr, kMcrOut2 | kMcrLoop);
  out(kRegFcr, kFcrEnable);
  out(kRegIer, 0x0F);
  out(kRegScr, 0x42);
  send("abc");
  run_for(kTxTime);
  uart.reset();
  EXPECT_EQ(in(kRegIer), 0x00);
  EXPECT_EQ(in(kRegIir), 0x01);
  EXPECT_EQ(in(kRegLcr), 0x00);
  EXPECT_EQ(in(kRegMcr), 0x00);
  EXPECT_EQ(in(kRegLsr), 0x60);
  EXPECT_EQ(in(kRegMsr), 0xB0);
  EXPECT_EQ(uart.divisor(), 12);
  EXPECT_FALSE(irq.level());
  run_for(10 * kTxTime);
  EXPECT_EQ(backend.out, "");  // the loopback bytes in flight are gone
}

}  // namespace
}  // namespace tx86::dev::uart_test
