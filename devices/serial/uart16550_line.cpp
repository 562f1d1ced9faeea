// The 16550's line side: character timing, the transmitter (holding
// register or XMIT FIFO, then the shift register) and the receiver (RBR or
// RCVR FIFO), fed from the host backend or, in loopback, the transmitter.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "devices/serial/uart16550.h"
#include "devices/serial/uart16550_regs.h"

namespace tx86::dev {

using namespace uart16550_regs;

core::GuestTime Uart16550::char_time() const {
  // Start bit, 5-8 data bits, optional parity, then 1, 1.5 (5-bit words) or
  // 2 stop bits (datasheet LCR0-LCR3), counted in half bits.
  const unsigned word_bits = 5 + (lcr_ & kLcrWordLength);
  unsigned half_bits = 2 * (1 + word_bits);
  if ((lcr_ & kLcrParity) != 0) half_bits += 2;
  if ((lcr_ & kLcrStopBits) == 0) {
    half_bits += 2;
  } else {
    half_bits += word_bits == 5 ? 3 : 4;
  }
  // The datasheet leaves divisor 0 undefined; treat it as the largest.
  const uint64_t divisor = divisor_ == 0 ? 0x10000 : divisor_;
  // One bit lasts 16 * divisor clock cycles: half a bit is 8 * divisor.
  return half_bits * divisor * 8 * 1'000'000'000ull / kClockHz;
}

core::GuestTime Uart16550::tx_char_time() const {
  return std::min(char_time(), options_.tx_char_time_cap);
}

uint8_t Uart16550::word_mask() const {
  return static_cast<uint8_t>((1u << (5 + (lcr_ & kLcrWordLength))) - 1);
}

void Uart16550::write_thr(uint8_t value) {
  if (tx_.size() < fifo_depth()) {
    tx_.push_back(value);
  } else if (!fifo_enabled_) {
    tx_.back() = value;  // 16450 mode: a new write replaces the waiting byte
  } else {
    spdlog::debug("uart {:x}: XMIT FIFO full, byte 0x{:02x} lost", base_, value);
  }
  thre_pending_ = false;  // writing THR acknowledges the THRE interrupt
  if (!tsr_busy_) start_transmit(true);
  update_irq();
}

void Uart16550::start_transmit(bool from_write) {
  if (tx_.empty()) return;
  tsr_ = tx_.front();
  tx_.pop_front();
  tsr_busy_ = true;
  if (tx_.empty()) {
    // The holding register just became empty. In FIFO mode, a byte written
    // to an idle transmitter delays the THRE interrupt by one character time
    // (datasheet, FIFO Interrupt Mode Operation: "at least two bytes at the
    // same time in the transmit FIFO since the last THRE = 1"). LSR shows
    // THRE at once either way.
    if (from_write && fifo_enabled_) {
      thre_deferred_ = true;
    } else {
      thre_pending_ = true;
    }
  }
  const core::GuestTime t = tx_char_time();
  if (t == 0) {
    on_transmit_done();  // (at most a FIFO's worth of bytes deep)
  } else {
    scheduler_.arm(tx_timer_, scheduler_.now() + t);
  }
}

void Uart16550::on_transmit_done() {
  tsr_busy_ = false;
  if ((mcr_ & kMcrLoop) != 0) {
    // Loopback: the shift register feeds the receiver, which sees only the
    // programmed data bits.
    receive(tsr_ & word_mask(), 0);
  } else if (backend_ != nullptr) {
    backend_->write({&tsr_, 1});
  }
  if (thre_deferred_) {
    thre_deferred_ = false;
    if (tx_.empty()) thre_pending_ = true;
  }
  start_transmit(false);
  update_irq();
}

void Uart16550::clear_tx_fifo() {
  // The shift register keeps sending its byte (datasheet FCR2).
  if (tx_.empty()) return;
  tx_.clear();
  thre_pending_ = true;  // THRE rises
}

void Uart16550::receive(uint8_t data, uint8_t errors) {
  if (rx_.size() < fifo_depth()) {
    rx_.push_back({data, errors});
    if (rx_.size() == 1) lsr_errors_ |= errors;  // it is the top of the FIFO
  } else {
    lsr_errors_ |= kLsrOverrun;
    // 16450 mode: the new character overwrites RBR. FIFO mode: the FIFO is
    // kept and the character in the shift register is lost (datasheet LSR1).
    if (!fifo_enabled_) {
      rx_.back() = {data, errors};
      lsr_errors_ |= errors;
    }
  }
  timeout_pending_ = false;
  restart_char_timeout();
  update_irq();
}

void Uart16550::clear_rx_fifo() {
  // The shift register is not cleared (datasheet FCR1); nothing sits there
  // in this model, since characters arrive whole.
  rx_.clear();
  timeout_pending_ = false;
  scheduler_.disarm(timeout_timer_);
}

void Uart16550::restart_char_timeout() {
  // The timeout counts from the last character put into or taken out of the
  // RCVR FIFO: 4 character times (datasheet, FIFO Interrupt Mode
  // Operation). FIFO mode only.
  if (fifo_enabled_ && !rx_.empty()) {
    scheduler_.arm(timeout_timer_, scheduler_.now() + 4 * char_time());
  } else {
    scheduler_.disarm(timeout_timer_);
  }
}

bool Uart16550::can_take_input() const {
  return backend_ != nullptr && (mcr_ & kMcrLoop) == 0 && rx_.size() < fifo_depth();
}

void Uart16550::resume_input() {
  if (can_take_input() && !scheduler_.armed(rx_timer_)) {
    scheduler_.arm(rx_timer_, scheduler_.now() + char_time());
  }
}

void Uart16550::on_rx_poll() {
  if (!can_take_input()) return;
  uint8_t byte = 0;
  rx_streaming_ = backend_->read({&byte, 1}) == 1;
  if (rx_streaming_) receive(byte, 0);
  if (!can_take_input()) return;  // resume_input() restarts it when there is room
  const core::GuestTime interval =
      rx_streaming_ ? char_time() : std::max(char_time(), kIdlePollInterval);
  scheduler_.arm(rx_timer_, scheduler_.now() + interval);
}

}  // namespace tx86::dev
