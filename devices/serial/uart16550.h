// A National Semiconductor PC16550D UART as on a PC COM port (the chip
// Linux's 8250 driver reports as "16550A"): eight byte registers at a base
// port, an INTR output gated by MCR OUT2 as PC serial cards do, and a line
// to a host CharBackend. PLATFORM.md A.9 lists what SeaBIOS and Linux probe.
//
// Design: the line carries whole characters, not bits. Each character takes
// one character time (start + data + parity + stop bits at the programmed
// divisor of the 1.8432 MHz clock), paced by Scheduler timers:
// - Receive: one host byte is taken per character time while bytes keep
//   coming (idle polling slows to kIdlePollInterval), so trigger levels and
//   the 4-character timeout (datasheet, FIFO Interrupt Mode Operation)
//   behave as on the chip. Host input is read only while the receiver has
//   room, a flow control the real line lacks, so host bytes are never lost
//   to overrun; overrun still happens in loopback.
// - Transmit: one character time per byte too, but capped (Options, 1 µs by
//   default) so a polled console is not held back by a 9600-baud line. With
//   the cap at kNever the timing is exact.
// - The host end of the line has no frame format: bytes to and from the
//   backend keep all 8 bits whatever word length LCR selects (as in QEMU),
//   so a guest that never programs LCR (reset: 5 bits) still prints text.
//   In loopback the receiver does see only the programmed data bits.
// Not modelled: parity and framing errors (the line never corrupts a
// byte), sending a break (LCR6), and the DMA-mode RXRDY/TXRDY pins.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "core/io/char_backend.h"
#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/sched/scheduler.h"
#include "core/state/state_part.h"

namespace tx86::dev {

class Uart16550 final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kCom1Port = 0x3F8;
  static constexpr uint16_t kCom2Port = 0x2F8;
  static constexpr unsigned kPortCount = 8;
  static constexpr unsigned kFifoSize = 16;
  static constexpr uint32_t kClockHz = 1'843'200;                  // the PC's crystal
  static constexpr core::GuestTime kIdlePollInterval = 1'000'000;  // 1 ms

  struct Options {
    // Longest time a transmitted character occupies the transmitter, in ns
    // (kNever: always the real character time at the programmed baud).
    // 0, the default, sends each character the moment it is written, as
    // QEMU does: a guest polling LSR never waits. SeaBIOS's serial console
    // depends on that: while it waits for the transmitter it lets
    // interrupts in, and its timer-driven flush then sends the pending
    // character a second time.
    core::GuestTime tx_char_time_cap = 0;
  };

  // Registers ports [base, base+8). backend may be null (nothing attached:
  // output is dropped, no input). io and scheduler must outlive the device,
  // which unregisters its ports and disarms its timers when destroyed.
  Uart16550(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq,
            core::CharBackend* backend, uint16_t base, Options options);
  Uart16550(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq,
            core::CharBackend* backend, uint16_t base)
      : Uart16550(io, scheduler, irq, backend, base, Options{}) {}
  ~Uart16550() override;
  Uart16550(const Uart16550&) = delete;
  Uart16550& operator=(const Uart16550&) = delete;

  // The master-reset state (datasheet, UART Reset Configuration). The
  // divisor latch, which reset leaves alone on the chip, becomes 12 (9600
  // baud).
  void reset();

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  // The host line held a break: one zero character with BI (datasheet LSR4).
  void receive_break();

  // One character time for the current divisor and LCR frame, in ns.
  core::GuestTime char_time() const;
  uint16_t divisor() const { return divisor_; }

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 private:
  struct RxChar {
    uint8_t data;
    uint8_t errors;  // LSR PE/FE/BI bits that came with this character
  };

  uint8_t read_register(unsigned reg);
  void write_register(unsigned reg, uint8_t value);
  uint8_t read_rbr();
  uint8_t read_lsr();
  uint8_t read_msr();
  void write_thr(uint8_t value);
  void write_ier(uint8_t value);
  void write_fcr(uint8_t value);
  void write_mcr(uint8_t value);

  // Interrupt identification (IIR bits 0-3) of the highest-priority
  // enabled pending interrupt, 0x01 when none (datasheet, Interrupt Control
  // Functions).
  uint8_t interrupt_id() const;
  void update_irq();

  // 16450 mode has one-byte holding registers where FIFO mode has FIFOs.
  unsigned fifo_depth() const { return fifo_enabled_ ? kFifoSize : 1; }

  // Transmitter: holding register / FIFO -> shift register -> the line.
  void start_transmit(bool from_write);
  void on_transmit_done();
  void clear_tx_fifo();
  core::GuestTime tx_char_time() const;

  // Receiver.
  void receive(uint8_t data, uint8_t errors);
  void clear_rx_fifo();
  bool can_take_input() const;
  void resume_input();
  void on_rx_poll();
  void restart_char_timeout();
  uint8_t word_mask() const;

  // MSR bits 4-7 as the pins (or the loopback wiring) give them.
  uint8_t modem_inputs() const;
  void update_modem_inputs();

  core::IoBus& io_;
  core::Scheduler& scheduler_;
  core::IrqLine& irq_;
  core::CharBackend* backend_;
  uint16_t base_;
  Options options_;
  core::TimerId tx_timer_;
  core::TimerId rx_timer_;
  core::TimerId timeout_timer_;

  uint16_t divisor_ = 12;
  uint8_t ier_ = 0;
  uint8_t lcr_ = 0;
  uint8_t mcr_ = 0;
  uint8_t msr_ = 0;
  uint8_t scr_ = 0;
  uint8_t fcr_ = 0;  // write-only on the chip; kept for the trigger level
  bool fifo_enabled_ = false;

  std::deque<RxChar> rx_;   // RBR (depth 1) or the RCVR FIFO
  uint8_t rbr_last_ = 0;    // what an empty RBR reads
  uint8_t lsr_errors_ = 0;  // sticky LSR OE/PE/FE/BI, cleared by reading LSR
  bool timeout_pending_ = false;
  bool rx_streaming_ = false;  // the last poll found a byte

  std::deque<uint8_t> tx_;  // THR (depth 1) or the XMIT FIFO
  uint8_t tsr_ = 0;
  bool tsr_busy_ = false;
  bool thre_pending_ = false;   // the THRE interrupt latch
  bool thre_deferred_ = false;  // FIFO mode: raise it when the TSR finishes
};

}  // namespace tx86::dev
