// The 16550's line: transmit timing and order, loopback, the RCVR FIFO
// (trigger levels, timeout, overrun) and host input pacing.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/devices/uart16550_fixture.h"

namespace tx86::dev::uart_test {
namespace {

using Uart = UartFixture;

TEST_F(Uart, TransmitTakesTheRealCharacterTimeWhenUncapped) {
  FakeBackend line;
  Uart16550 com2(io, sched, irq, &line, Uart16550::kCom2Port,
                 Uart16550::Options{.tx_char_time_cap = core::kNever});
  io.write8(Uart16550::kCom2Port + kRegLcr, 0x03);  // 8N1; reset left 9600 baud
  io.write8(Uart16550::kCom2Port, 'z');
  run_for(1'041'665);
  EXPECT_EQ(io.read8(Uart16550::kCom2Port + kRegLsr) & kLsrTemt, 0);
  EXPECT_EQ(line.out, "");
  run_for(1);
  EXPECT_EQ(io.read8(Uart16550::kCom2Port + kRegLsr) & kLsrTemt, kLsrTemt);
  EXPECT_EQ(line.out, "z");
}

TEST_F(Uart, ZeroCharacterTimeSendsAtOnceAndThreStillInterrupts) {
  // The board's default: each byte reaches the host as it is written, and
  // LSR never shows the transmitter busy (SeaBIOS's console relies on it).
  FakeBackend line;
  Uart16550 com2(io, sched, irq, &line, Uart16550::kCom2Port);
  const uint16_t base = Uart16550::kCom2Port;
  io.write8(base + kRegLcr, 0x03);
  io.write8(base + kRegFcr, kFcrEnable);
  io.write8(base + kRegIer, kIerThre);
  io.read8(base + kRegIir);  // takes the THRE interrupt that enabling raised
  for (char c : std::string("SeaBIOS")) {
    io.write8(base, static_cast<uint8_t>(c));
    EXPECT_EQ(io.read8(base + kRegLsr) & (kLsrThre | kLsrTemt), kLsrThre | kLsrTemt);
  }
  EXPECT_EQ(line.out, "SeaBIOS");
  EXPECT_EQ(io.read8(base + kRegIir) & 0x0F, kIirThre);
}

TEST_F(Uart, PolledOutputReachesTheBackendInOrder) {
  set_115200_8n1();
  out(kRegFcr, kFcrEnable);
  const std::string text = "Linux version 6.1.0 (debian) #1 SMP PREEMPT_DYNAMIC\r\n";
  for (char c : text) {
    while ((in(kRegLsr)&kLsrThre) == 0) run_for(100);
    out(kRegData, static_cast<uint8_t>(c));
  }
  run_for(20 * kTxTime);
  EXPECT_EQ(backend.out, text);
}

TEST_F(Uart, FullXmitFifoDropsFurtherBytes) {
  out(kRegFcr, kFcrEnable);
  send("0123456789abcdefgh");  // 1 in the shift register + 16 queued
  run_for(20 * kTxTime);
  EXPECT_EQ(backend.out, "0123456789abcdefg");
}

TEST_F(Uart, LoopbackSendsToTheReceiverNotTheBackend) {
  out(kRegLcr, 0x03);  // 8 data bits
  out(kRegMcr, kMcrLoop);
  send("x");
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, 0);
  run_for(kTxTime);
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, kLsrDataReady);
  EXPECT_EQ(in(kRegData), 'x');
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, 0);
  EXPECT_EQ(backend.out, "");
}

TEST_F(Uart, LoopbackReceiverSeesOnlyTheProgrammedDataBits) {
  out(kRegLcr, 0x02);  // 7 bits
  out(kRegMcr, kMcrLoop);
  out(kRegData, 0xFF);
  run_for(kTxTime);
  EXPECT_EQ(in(kRegData), 0x7F);
}

TEST_F(Uart, HostBytesKeepAllEightBitsWhateverTheWordLength) {
  // Reset selects 5-bit words; a guest that never sets LCR still prints.
  send("A\xE9");
  backend.in = {'z'};
  run_for(Uart16550::kIdlePollInterval);
  EXPECT_EQ(backend.out, "A\xE9");
  EXPECT_EQ(in(kRegData), 'z');
}

TEST_F(Uart, RxTriggerLevelsRaiseDataAvailable) {
  const struct {
    uint8_t fcr;
    unsigned level;
  } cases[] = {{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xC1, 14}};
  for (const auto& c : cases) {
    out(kRegMcr, kMcrLoop);
    out(kRegFcr, c.fcr | kFcrClearRx);
    out(kRegIer, kIerRxData);
    send(std::string(c.level - 1, '.'));
    run_for(16 * kTxTime);
    if (c.level > 1) {
      EXPECT_EQ(in(kRegIir), 0xC1) << "level " << c.level;
    }
    send(".");
    run_for(kTxTime);
    EXPECT_EQ(in(kRegIir), 0xC4) << "level " << c.level;
    in(kRegData);  // below the trigger again: cleared
    EXPECT_EQ(in(kRegIir), 0xC1) << "level " << c.level;
  }
}

TEST_F(Uart, CharacterTimeoutFiresAfterFourQuietCharacterTimes) {
  set_115200_8n1();
  out(kRegMcr, kMcrLoop);
  out(kRegFcr, 0xC1);  // trigger 14
  out(kRegIer, kIerRxData);
  send("abc");
  run_for(3 * kTxTime);  // the last byte arrives now
  run_for(4 * kCharTime115200 - 1);
  EXPECT_EQ(in(kRegIir), 0xC1);
  run_for(1);
  EXPECT_EQ(in(kRegIir), 0xCC);
  EXPECT_EQ(in(kRegData), 'a');  // a read clears it and restarts the count
  EXPECT_EQ(in(kRegIir), 0xC1);
  run_for(4 * kCharTime115200);
  EXPECT_EQ(in(kRegIir), 0xCC);
  EXPECT_EQ(drain_rx(), "bc");
  run_for(10 * kCharTime115200);
  EXPECT_EQ(in(kRegIir), 0xC1);  // an empty FIFO never times out
}

TEST_F(Uart, NoCharacterTimeoutIn16450Mode) {
  out(kRegMcr, kMcrLoop);
  out(kRegIer, kIerRxData);
  send("a");
  run_for(kTxTime);
  EXPECT_EQ(in(kRegIir), 0x04);
  run_for(100 * uart.char_time());
  EXPECT_EQ(in(kRegIir), 0x04);
}

TEST_F(Uart, FifoOverrunKeepsTheFifoAndLosesTheNewCharacter) {
  out(kRegLcr, 0x03);  // 8 data bits
  out(kRegMcr, kMcrLoop);
  out(kRegFcr, kFcrEnable);
  out(kRegIer, kIerLineStatus | kIerRxData);
  send("0123456789abcdef");
  run_for(16 * kTxTime);
  EXPECT_EQ(in(kRegIir), 0xC4);
  send("XY");
  run_for(2 * kTxTime);
  EXPECT_EQ(in(kRegIir), 0xC6);  // line status outranks data available
  EXPECT_EQ(in(kRegLsr), kLsrDataReady | kLsrOverrun | kLsrThre | kLsrTemt);
  EXPECT_EQ(in(kRegLsr), kLsrDataReady | kLsrThre | kLsrTemt);  // OE cleared by the read
  EXPECT_EQ(in(kRegIir), 0xC4);
  EXPECT_EQ(drain_rx(), "0123456789abcdef");
}

TEST_F(Uart, Overrun16450ModeOverwritesRbr) {
  out(kRegLcr, 0x03);  // 8 data bits
  out(kRegMcr, kMcrLoop);
  send("a");
  run_for(kTxTime);
  send("b");
  run_for(kTxTime);
  EXPECT_EQ(in(kRegLsr), kLsrDataReady | kLsrOverrun | kLsrThre | kLsrTemt);
  EXPECT_EQ(in(kRegData), 'b');
}

TEST_F(Uart, FcrClearsTheRxFifoAndIgnoresOtherBitsWithoutFifoEnable) {
  out(kRegMcr, kMcrLoop);
  out(kRegFcr, kFcrEnable);
  send("abc");
  run_for(3 * kTxTime);
  out(kRegFcr, kFcrEnable | kFcrClearRx);
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, 0);
  send("d");
  run_for(kTxTime);
  out(kRegFcr, kFcrClearRx);  // FIFO off: switching modes empties it anyway
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, 0);
  EXPECT_EQ(in(kRegIir), 0x01);
}

TEST_F(Uart, HostInputArrivesOneCharacterTimeApartAfterAnIdlePoll) {
  set_115200_8n1();
  out(kRegFcr, kFcrEnable);
  backend.in = {'o', 'k'};
  run_for(Uart16550::kIdlePollInterval - 1);  // reset armed the first poll
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, 0);
  run_for(1);
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, kLsrDataReady);
  EXPECT_EQ(backend.in.size(), 1u);
  run_for(kCharTime115200);
  EXPECT_TRUE(backend.in.empty());
  EXPECT_EQ(drain_rx(), "ok");
}

TEST_F(Uart, HostInputRaisesRxInterrupt) {
  out(kRegMcr, kMcrOut2 | kMcrDtr | kMcrRts);
  out(kRegIer, kIerRxData);
  backend.in = {'k'};
  run_for(Uart16550::kIdlePollInterval);
  EXPECT_TRUE(irq.level());
  EXPECT_EQ(in(kRegIir), 0x04);
  EXPECT_EQ(in(kRegData), 'k');
  EXPECT_FALSE(irq.level());
}

TEST_F(Uart, HostInputWaitsWhileTheReceiverIsFull) {
  set_115200_8n1();
  out(kRegFcr, kFcrEnable);
  backend.in = std::deque<char>(20, '#');
  run_for(Uart16550::kIdlePollInterval + 30 * kCharTime115200);
  EXPECT_EQ(backend.in.size(), 4u);
  EXPECT_EQ(in(kRegLsr)&kLsrOverrun, 0);
  const int reads = backend.reads;
  run_for(10 * kCharTime115200);
  EXPECT_EQ(backend.reads, reads);  // not even polled while full
  EXPECT_EQ(drain_rx().size(), 16u);
  run_for(10 * kCharTime115200);
  EXPECT_EQ(drain_rx().size(), 4u);
}

TEST_F(Uart, LoopbackDisconnectsTheHostInput) {
  out(kRegMcr, kMcrLoop);
  backend.in = {'h'};
  run_for(10 * Uart16550::kIdlePollInterval);
  EXPECT_EQ(in(kRegLsr)&kLsrDataReady, 0);
  out(kRegMcr, 0);
  run_for(uart.char_time());
  EXPECT_EQ(in(kRegData), 'h');
}

TEST(UartUnattached, WorksWithoutABackend) {
  core::IoBus io;
  core::Scheduler sched;
  core::IrqLine irq;
  Uart16550 uart(io, sched, irq, nullptr, Uart16550::kCom1Port);
  io.write8(Uart16550::kCom1Port, 'x');
  sched.skip_to(10'000);
  sched.run_due();
  EXPECT_EQ(io.read8(Uart16550::kCom1Port + kRegLsr), 0x60);
  EXPECT_EQ(sched.next_deadline(), core::kNever);  // nothing to poll
}

}  // namespace
}  // namespace tx86::dev::uart_test
