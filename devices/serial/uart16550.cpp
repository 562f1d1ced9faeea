#include "devices/serial/uart16550.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "devices/serial/uart16550_regs.h"

namespace tx86::dev {

using namespace uart16550_regs;

Uart16550::Uart16550(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq,
                     core::CharBackend* backend, uint16_t base, Options options)
    : io_(io),
      scheduler_(scheduler),
      irq_(irq),
      backend_(backend),
      base_(base),
      options_(options),
      tx_timer_(
          scheduler.add_timer(fmt::format("uart-{:x}-tx", base), [this] { on_transmit_done(); })),
      rx_timer_(scheduler.add_timer(fmt::format("uart-{:x}-rx", base), [this] { on_rx_poll(); })),
      timeout_timer_(scheduler.add_timer(fmt::format("uart-{:x}-timeout", base), [this] {
        timeout_pending_ = true;
        update_irq();
      })) {
  io.register_ports(base, kPortCount, this, core::kIoWidth8, fmt::format("uart16550-{:x}", base));
  reset();
}

Uart16550::~Uart16550() {
  scheduler_.disarm(tx_timer_);
  scheduler_.disarm(rx_timer_);
  scheduler_.disarm(timeout_timer_);
  io_.unregister_ports(base_, kPortCount);
}

void Uart16550::reset() {
  scheduler_.disarm(tx_timer_);
  scheduler_.disarm(rx_timer_);
  scheduler_.disarm(timeout_timer_);
  divisor_ = 12;
  ier_ = lcr_ = mcr_ = scr_ = fcr_ = 0;
  fifo_enabled_ = false;
  rx_.clear();
  rbr_last_ = 0;
  lsr_errors_ = 0;
  timeout_pending_ = false;
  rx_streaming_ = false;
  tx_.clear();
  tsr_ = 0;
  tsr_busy_ = false;
  thre_pending_ = false;
  thre_deferred_ = false;
  msr_ = modem_inputs();  // reset clears the delta bits
  if (can_take_input()) scheduler_.arm(rx_timer_, scheduler_.now() + kIdlePollInterval);
  update_irq();
}

uint32_t Uart16550::io_read(uint16_t port, unsigned) {
  return read_register(static_cast<unsigned>(port - base_) & 7);
}

void Uart16550::io_write(uint16_t port, unsigned, uint32_t value) {
  write_register(static_cast<unsigned>(port - base_) & 7, static_cast<uint8_t>(value));
}

uint8_t Uart16550::read_register(unsigned reg) {
  const bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (reg) {
    case kRegData: return dlab ? static_cast<uint8_t>(divisor_) : read_rbr();
    case kRegIer: return dlab ? static_cast<uint8_t>(divisor_ >> 8) : ier_;
    case kRegIir: {
      const uint8_t id = interrupt_id();
      // Reading IIR while it reports THRE acknowledges it (datasheet IIR).
      if (id == kIirThre) {
        thre_pending_ = false;
        update_irq();
      }
      return id | (fifo_enabled_ ? kIirFifoEnabled : 0);
    }
    case kRegLcr: return lcr_;
    case kRegMcr: return mcr_;
    case kRegLsr: return read_lsr();
    case kRegMsr: return read_msr();
    default: return scr_;
  }
}

void Uart16550::write_register(unsigned reg, uint8_t value) {
  const bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (reg) {
    case kRegData:
      if (dlab) {
        divisor_ = static_cast<uint16_t>((divisor_ & 0xFF00) | value);
      } else {
        write_thr(value);
      }
      break;
    case kRegIer:
      if (dlab) {
        divisor_ = static_cast<uint16_t>((divisor_ & 0x00FF) | (value << 8));
      } else {
        write_ier(value);
      }
      break;
    case kRegFcr: write_fcr(value); break;
    case kRegLcr: lcr_ = value; break;
    case kRegMcr: write_mcr(value); break;
    case kRegLsr:
    case kRegMsr:
      // Writable only for factory test on the chip; ignored here.
      break;
    default: scr_ = value; break;
  }
}

uint8_t Uart16550::read_rbr() {
  if (rx_.empty()) return rbr_last_;
  rbr_last_ = rx_.front().data;
  rx_.pop_front();
  // The next character's errors show in LSR once it reaches the top of the
  // FIFO (datasheet LSR2-LSR4).
  if (!rx_.empty()) lsr_errors_ |= rx_.front().errors;
  timeout_pending_ = false;
  restart_char_timeout();
  resume_input();
  update_irq();
  return rbr_last_;
}

uint8_t Uart16550::read_lsr() {
  uint8_t v = lsr_errors_;
  if (!rx_.empty()) v |= kLsrDataReady;
  if (tx_.empty()) v |= kLsrThre;
  if (tx_.empty() && !tsr_busy_) v |= kLsrTemt;
  // LSR7: some character in the FIFO came with an error (FIFO mode only).
  if (fifo_enabled_ &&
      std::any_of(rx_.begin(), rx_.end(), [](const RxChar& c) { return c.errors != 0; })) {
    v |= kLsrFifoError;
  }
  lsr_errors_ = 0;  // OE PE FE BI clear on read; this also ends the RLS interrupt
  update_irq();
  return v;
}

uint8_t Uart16550::read_msr() {
  const uint8_t v = msr_;
  msr_ &= static_cast<uint8_t>(~kMsrDeltas);
  update_irq();
  return v;
}

void Uart16550::write_ier(uint8_t value) {
  const uint8_t old = ier_;
  ier_ = value & 0x0F;  // bits 4-7 are always 0 (Linux's XScale UUE probe)
  // Enabling ETBEI while the holding register is empty raises THRE at once.
  // Linux's startup probe (UART_BUG_THRE) and its interrupt-driven transmit
  // rely on this, as do Bochs and QEMU's models of the chip.
  if ((ier_ & kIerThre) != 0 && (old & kIerThre) == 0 && tx_.empty()) thre_pending_ = true;
  update_irq();
}

void Uart16550::write_fcr(uint8_t value) {
  const bool enable = (value & kFcrEnable) != 0;
  // Switching between 16450 and FIFO mode empties both FIFOs (FCR0).
  if (enable != fifo_enabled_) {
    clear_rx_fifo();
    clear_tx_fifo();
    fifo_enabled_ = enable;
  }
  // The other bits are programmed only together with FCR0 = 1.
  if (enable) {
    if ((value & kFcrClearRx) != 0) clear_rx_fifo();
    if ((value & kFcrClearTx) != 0) clear_tx_fifo();
    fcr_ = value & (kFcrKeptBits | kFcrEnable);
  } else {
    fcr_ &= kFcrKeptBits;
  }
  resume_input();
  update_irq();
}

void Uart16550::write_mcr(uint8_t value) {
  const bool was_loop = (mcr_ & kMcrLoop) != 0;
  mcr_ = value & 0x1F;
  update_modem_inputs();
  if (was_loop != ((mcr_ & kMcrLoop) != 0)) {
    // Loopback disconnects the receiver from the line (datasheet MCR4).
    if (can_take_input()) {
      resume_input();
    } else {
      scheduler_.disarm(rx_timer_);
    }
  }
  update_irq();
}

uint8_t Uart16550::interrupt_id() const {
  if ((ier_ & kIerLineStatus) != 0 && (lsr_errors_ & kLsrErrorBits) != 0) return kIirLineStatus;
  if ((ier_ & kIerRxData) != 0) {
    const bool ready = fifo_enabled_ ? rx_.size() >= kTriggerLevels[fcr_ >> 6] : !rx_.empty();
    if (ready) return kIirRxData;
    if (timeout_pending_) return kIirTimeout;
  }
  if ((ier_ & kIerThre) != 0 && thre_pending_) return kIirThre;
  if ((ier_ & kIerModemStatus) != 0 && (msr_ & kMsrDeltas) != 0) return kIirModemStatus;
  return kIirNone;
}

void Uart16550::update_irq() {
  // On a PC, OUT2 enables the buffer between INTR and the ISA IRQ line. In
  // loopback the OUT pins are forced inactive (datasheet MCR4), so no IRQ.
  const bool gate = (mcr_ & (kMcrOut2 | kMcrLoop)) == kMcrOut2;
  irq_.set(gate && interrupt_id() != kIirNone);
}

uint8_t Uart16550::modem_inputs() const {
  if ((mcr_ & kMcrLoop) == 0) return kHostModemLines;
  // Loopback wiring (datasheet MCR4): RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
  uint8_t v = 0;
  if ((mcr_ & kMcrRts) != 0) v |= kMsrCts;
  if ((mcr_ & kMcrDtr) != 0) v |= kMsrDsr;
  if ((mcr_ & kMcrOut1) != 0) v |= kMsrRi;
  if ((mcr_ & kMcrOut2) != 0) v |= kMsrDcd;
  return v;
}

void Uart16550::update_modem_inputs() {
  const uint8_t old = msr_ & 0xF0;
  const uint8_t now = modem_inputs();
  const uint8_t changed = old ^ now;
  uint8_t delta = 0;
  if ((changed & kMsrCts) != 0) delta |= kMsrDeltaCts;
  if ((changed & kMsrDsr) != 0) delta |= kMsrDeltaDsr;
  if ((old & kMsrRi) != 0 && (now & kMsrRi) == 0) delta |= kMsrTrailingRi;  // TERI: 1 -> 0 only
  if ((changed & kMsrDcd) != 0) delta |= kMsrDeltaDcd;
  msr_ = static_cast<uint8_t>(now | (msr_ & kMsrDeltas) | delta);
}

void Uart16550::receive_break() {
  receive(0, kLsrBreak);
}

void Uart16550::save_state(core::StateWriter& w) const {
  w.u16(divisor_);
  for (const uint8_t v : {ier_, lcr_, mcr_, msr_, scr_, fcr_}) w.u8(v);
  w.boolean(fifo_enabled_);
  w.u64(rx_.size());
  for (const RxChar& c : rx_) {
    w.u8(c.data);
    w.u8(c.errors);
  }
  w.u8(rbr_last_);
  w.u8(lsr_errors_);
  w.boolean(timeout_pending_);
  w.boolean(rx_streaming_);
  w.bytes(std::vector<uint8_t>(tx_.begin(), tx_.end()));
  w.u8(tsr_);
  for (const bool b : {tsr_busy_, thre_pending_, thre_deferred_}) w.boolean(b);
}

void Uart16550::load_state(core::StateReader& r) {
  divisor_ = r.u16();
  for (uint8_t* v : {&ier_, &lcr_, &mcr_, &msr_, &scr_, &fcr_}) *v = r.u8();
  fifo_enabled_ = r.boolean();
  const uint64_t n = r.u64();
  if (n > kFifoSize) r.fail("a bad UART state");
  rx_.clear();
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t data = r.u8();
    rx_.push_back(RxChar{data, r.u8()});
  }
  rbr_last_ = r.u8();
  lsr_errors_ = r.u8();
  timeout_pending_ = r.boolean();
  rx_streaming_ = r.boolean();
  const std::vector<uint8_t> tx = r.bytes();
  if (tx.size() > kFifoSize) r.fail("a bad UART state");
  tx_.assign(tx.begin(), tx.end());
  tsr_ = r.u8();
  for (bool* b : {&tsr_busy_, &thre_pending_, &thre_deferred_}) *b = r.boolean();
}

}  // namespace tx86::dev
