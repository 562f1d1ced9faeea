// The UART test rig: a scripted host line, register helpers, and guest time
// that advances the way the run loop advances it.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "devices/serial/uart16550.h"
#include "devices/serial/uart16550_regs.h"

namespace tx86::dev::uart_test {

using namespace uart16550_regs;

class FakeBackend : public core::CharBackend {
 public:
  void write(std::span<const uint8_t> bytes) override { out.append(bytes.begin(), bytes.end()); }
  size_t read(std::span<uint8_t> buf) override {
    size_t n = 0;
    while (n < buf.size() && !in.empty()) {
      buf[n++] = static_cast<uint8_t>(in.front());
      in.pop_front();
    }
    ++reads;
    return n;
  }
  std::string out;
  std::deque<char> in;
  int reads = 0;
};

constexpr uint16_t kBase = Uart16550::kCom1Port;
constexpr core::GuestTime kCharTime115200 = 86'805;  // 10 bits of 8.68 µs
constexpr core::GuestTime kTxTime = 1'000;           // the default cap

class UartFixture : public ::testing::Test {
 protected:
  uint8_t in(unsigned reg) { return io.read8(static_cast<uint16_t>(kBase + reg)); }
  void out(unsigned reg, uint8_t v) { io.write8(static_cast<uint16_t>(kBase + reg), v); }
  // As the run loop does: guest time stops at every deadline on the way.
  void run_for(core::GuestTime ns) {
    const core::GuestTime end = sched.now() + ns;
    while (sched.next_deadline() <= end) {
      sched.skip_to(sched.next_deadline());
      sched.run_due();
    }
    sched.skip_to(end);
    sched.run_due();
  }
  // 115200 baud, 8N1, as Linux's console=ttyS0,115200 sets it.
  void set_115200_8n1() {
    out(kRegLcr, kLcrDlab);
    out(kRegData, 1);
    out(kRegIer, 0);
    out(kRegLcr, 0x03);
  }
  void send(const std::string& s) {
    for (char c : s) out(kRegData, static_cast<uint8_t>(c));
  }
  std::string drain_rx() {
    std::string s;
    while ((in(kRegLsr)&kLsrDataReady) != 0) s.push_back(static_cast<char>(in(kRegData)));
    return s;
  }

  core::IoBus io;
  core::Scheduler sched;
  core::IrqLine irq;
  FakeBackend backend;
  // A transmitter that takes time (1 us a character), as the timing tests
  // need; the board's default sends at once (ZeroCharacterTime tests).
  Uart16550 uart{io, sched, irq, &backend, kBase, Uart16550::Options{.tx_char_time_cap = 1'000}};
};

}  // namespace tx86::dev::uart_test
