#include "devices/storage/ata/ide_device.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace tx86::dev {

using namespace ata;

void IdeDevice::write_register(AtaReg reg, uint8_t value) {
  // Each command-block register is a two-deep FIFO for LBA48: the previous
  // value is the "high order byte" the HOB bit reads back.
  auto push = [value](uint8_t& cur, uint8_t& hob) {
    hob = cur;
    cur = value;
  };
  switch (reg) {
    case AtaReg::kFeature: push(feature_, hob_feature_); break;
    case AtaReg::kCount: push(count_, hob_count_); break;
    case AtaReg::kLbaLow: push(lba_low_, hob_lba_low_); break;
    case AtaReg::kLbaMid: push(lba_mid_, hob_lba_mid_); break;
    case AtaReg::kLbaHigh: push(lba_high_, hob_lba_high_); break;
    case AtaReg::kDevice: device_ = value; break;
  }
}

uint8_t IdeDevice::read_register(AtaReg reg, bool hob) const {
  switch (reg) {
    case AtaReg::kFeature: return error_;
    case AtaReg::kCount: return hob ? hob_count_ : count_;
    case AtaReg::kLbaLow: return hob ? hob_lba_low_ : lba_low_;
    case AtaReg::kLbaMid: return hob ? hob_lba_mid_ : lba_mid_;
    case AtaReg::kLbaHigh: return hob ? hob_lba_high_ : lba_high_;
    case AtaReg::kDevice: return device_;
  }
  return 0;
}

void IdeDevice::command(uint8_t code) {
  // A new command ends whatever transfer was in progress.
  pio_ = Pio::kNone;
  dma_pending_ = false;
  intrq_ = false;
  notify();
  error_ = 0;
  execute(code);
}

uint32_t IdeDevice::read_data(unsigned size) {
  if (pio_ != Pio::kIn) return 0;
  uint32_t v = 0;
  const size_t n = std::min<size_t>(size, buffer_.size() - pos_);
  std::memcpy(&v, buffer_.data() + pos_, n);
  pos_ += n;
  if (pos_ >= buffer_.size()) data_in_done();
  return v;
}

unsigned IdeDevice::read_data_string(unsigned size, uint8_t* dst, unsigned count) {
  if (pio_ != Pio::kIn) return 0;
  const size_t left = buffer_.size() - pos_;
  if (left % size != 0) return 0;  // (a read would straddle the block's end)
  const auto n = static_cast<unsigned>(std::min<size_t>(count, left / size));
  std::memcpy(dst, buffer_.data() + pos_, size_t{n} * size);
  pos_ += size_t{n} * size;
  if (pos_ >= buffer_.size()) data_in_done();
  return n;
}

// The last byte of a data-in block was read: DRQ drops, and the command
// goes on (the next block, or its end).
void IdeDevice::data_in_done() {
  pio_ = Pio::kNone;
  status_ &= static_cast<uint8_t>(~kDrq);
  buffer_.clear();
  pos_ = 0;
  next_step({});
}

void IdeDevice::next_step(std::span<const uint8_t> written) {
  const uint8_t then = std::exchange(then_, kThenIdle);
  if (then == kThenIdle) {
    status_ = idle_status();
  } else {
    continue_pio(then, written);
  }
}

void IdeDevice::write_data(unsigned size, uint32_t value) {
  if (pio_ != Pio::kOut) return;
  const size_t n = std::min<size_t>(size, buffer_.size() - pos_);
  std::memcpy(buffer_.data() + pos_, &value, n);
  pos_ += n;
  if (pos_ >= buffer_.size()) {
    pio_ = Pio::kNone;
    status_ &= static_cast<uint8_t>(~kDrq);
    const std::vector<uint8_t> data = std::move(buffer_);
    buffer_.clear();
    pos_ = 0;
    next_step(data);
  }
}

void IdeDevice::reset() {
  pio_ = Pio::kNone;
  buffer_.clear();
  pos_ = 0;
  then_ = kThenIdle;
  dma_pending_ = false;
  intrq_ = false;
  hob_feature_ = hob_count_ = hob_lba_low_ = hob_lba_mid_ = hob_lba_high_ = 0;
  feature_ = 0;
  error_ = 0x01;  // diagnostic passed
  set_signature();
  notify();
}

uint64_t IdeDevice::lba28() const {
  return static_cast<uint64_t>(device_ & 0x0F) << 24 | static_cast<uint64_t>(lba_high_) << 16 |
         static_cast<uint64_t>(lba_mid_) << 8 | lba_low_;
}

uint64_t IdeDevice::lba48() const {
  return static_cast<uint64_t>(hob_lba_high_) << 40 | static_cast<uint64_t>(hob_lba_mid_) << 32 |
         static_cast<uint64_t>(hob_lba_low_) << 24 | static_cast<uint64_t>(lba_high_) << 16 |
         static_cast<uint64_t>(lba_mid_) << 8 | lba_low_;
}

uint32_t IdeDevice::count48() const {
  const uint32_t n = static_cast<uint32_t>(hob_count_) << 8 | count_;
  return n == 0 ? 65536u : n;
}

void IdeDevice::set_lba28(uint64_t lba) {
  lba_low_ = static_cast<uint8_t>(lba);
  lba_mid_ = static_cast<uint8_t>(lba >> 8);
  lba_high_ = static_cast<uint8_t>(lba >> 16);
  device_ = static_cast<uint8_t>((device_ & 0xF0) | ((lba >> 24) & 0x0F));
}

void IdeDevice::set_lba48(uint64_t lba) {
  lba_low_ = static_cast<uint8_t>(lba);
  lba_mid_ = static_cast<uint8_t>(lba >> 8);
  lba_high_ = static_cast<uint8_t>(lba >> 16);
  hob_lba_low_ = static_cast<uint8_t>(lba >> 24);
  hob_lba_mid_ = static_cast<uint8_t>(lba >> 32);
  hob_lba_high_ = static_cast<uint8_t>(lba >> 40);
}

void IdeDevice::complete(uint8_t extra_status) {
  status_ = static_cast<uint8_t>(idle_status() | extra_status);
  raise_irq();
}

void IdeDevice::abort_command(uint8_t error) {
  error_ = error;
  status_ = static_cast<uint8_t>(idle_status() | kErr);
  raise_irq();
}

void IdeDevice::pio_in(std::vector<uint8_t> bytes, uint8_t then, bool irq) {
  buffer_ = std::move(bytes);
  pos_ = 0;
  pio_ = Pio::kIn;
  then_ = then;
  status_ = static_cast<uint8_t>(idle_status() | kDrq);
  if (irq) raise_irq();
}

void IdeDevice::pio_out(size_t size, uint8_t then, bool irq) {
  buffer_.assign(size, 0);
  pos_ = 0;
  pio_ = Pio::kOut;
  then_ = then;
  status_ = static_cast<uint8_t>(idle_status() | kDrq);
  if (irq) raise_irq();
}

void IdeDevice::wait_dma(DmaRequest request) {
  dma_ = std::move(request);
  dma_pending_ = true;
  // DRQ with BSY clear while the bus master moves the data, as the
  // ATA-6 DMA protocol's data phase.
  status_ = static_cast<uint8_t>(idle_status() | kDrq);
  notify();
}

void IdeDevice::dma_done(bool ok) {
  if (!dma_pending_) return;
  dma_pending_ = false;
  status_ &= static_cast<uint8_t>(~kDrq);
  dma_finished(ok);
}

}  // namespace tx86::dev
