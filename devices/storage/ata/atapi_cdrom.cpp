#include "devices/storage/ata/atapi_cdrom.h"

#include <algorithm>

#include "devices/storage/ata/identify_words.h"

namespace tx86::dev {

using namespace ata;

AtapiCdrom::AtapiCdrom(std::unique_ptr<core::DiskImage> medium, std::string serial)
    : medium_(std::move(medium)), serial_(std::move(serial)) {
  power_on();
}

void AtapiCdrom::power_on() {
  locked_ = false;
  transfer_mode_ = 0;
  sense_ = {};
  // A disc present at power-on is reported as a change too, as drives do
  // after a reset; drivers expect that UNIT ATTENTION.
  media_changed_ = medium_ != nullptr;
  media_event_ = medium_ != nullptr;
  reset();
}

// The ATAPI signature (ATA-6 9.12): 01h 01h 14h EBh.
void AtapiCdrom::set_signature() {
  count_ = 1;
  lba_low_ = 1;
  lba_mid_ = 0x14;
  lba_high_ = 0xEB;
  device_ = static_cast<uint8_t>(device_ & kDev);
  status_ = 0;
  reply_.clear();
}

bool AtapiCdrom::eject(bool force) {
  if (locked_ && !force) return false;
  medium_.reset();
  media_changed_ = true;
  media_event_ = false;
  locked_ = false;
  return true;
}

void AtapiCdrom::insert(std::unique_ptr<core::DiskImage> medium) {
  medium_ = std::move(medium);
  media_changed_ = true;
  media_event_ = true;
}

std::vector<uint8_t> AtapiCdrom::identify_data() const {
  IdentifyWords w;
  w.set(0, 0x85C0);  // ATAPI, CD-ROM (05h), removable, DRQ within 50 us, 12-byte packets
  w.set_string(10, 10, serial_);
  w.set_string(23, 4, "1.0");
  w.set_string(27, 20, "TX86 CD-ROM");
  w.set(49, 0x0F00);  // IORDY, LBA, DMA
  w.set(53, 0x0006);  // words 64-70 and 88 are valid
  w.set_dma_modes(transfer_mode_);
  w.set(64, 0x0003);
  for (unsigned i = 65; i <= 68; ++i) w.set(i, 120);
  w.set(80, 0x007E);
  w.set(82, 0x4010);  // NOP, PACKET
  w.set(83, 0x4000);
  w.set(84, 0x4000);
  w.set(85, 0x4010);
  w.set(87, 0x4000);
  return w.bytes();
}

void AtapiCdrom::execute(uint8_t code) {
  switch (code) {
    case cmd::kPacket:
      dma_ = (feature_ & 0x01) != 0;
      count_ = kCoD;  // interrupt reason: the device wants the packet
      // The packet is asked for without an interrupt (DRQ within 50 us).
      pio_out(12, kThenPacket, false);
      break;
    case cmd::kIdentifyPacket: pio_in(identify_data(), kThenIdle); break;
    case cmd::kIdentify:
      // ATAPI devices abort it with their signature in place, which is
      // how hosts tell them from disks.
      set_signature();
      abort_command();
      break;
    case cmd::kDeviceReset:
      reset();  // (no interrupt)
      break;
    case cmd::kExecuteDiagnostic:
      reset();
      raise_irq();
      break;
    case cmd::kSetFeatures:
      if (feature_ == 0x03) transfer_mode_ = count_;
      complete();
      break;
    case cmd::kCheckPowerMode:
      count_ = 0xFF;
      complete();
      break;
    case cmd::kStandbyImmediate:
    case cmd::kIdleImmediate:
    case cmd::kStandby:
    case cmd::kIdle:
    case cmd::kSleep: complete(); break;
    default: abort_command(); break;
  }
}

void AtapiCdrom::packet(std::span<const uint8_t> bytes) {
  Packet p{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), p.size()), p.begin());
  checked_ = false;
  reply_.clear();
  sent_ = 0;
  run_command(p);
}

// Data for the host, cut to the command's allocation length.
void AtapiCdrom::reply(std::vector<uint8_t> data, size_t allocation) {
  if (data.size() > allocation) data.resize(allocation);
  if (data.empty()) return good();
  if (dma_) {
    DmaRequest r;
    r.to_memory = true;
    r.data = std::move(data);
    count_ = kIo;
    wait_dma(std::move(r));
    return;
  }
  reply_ = std::move(data);
  sent_ = 0;
  send_chunk();
}

// PIO data goes in pieces of at most the byte count the host put in the
// LBA mid/high registers (even, and 0 read as the largest).
void AtapiCdrom::send_chunk() {
  uint32_t limit = static_cast<uint32_t>(lba_high_) << 8 | lba_mid_;
  if (limit == 0 || limit > 0xFFFE) limit = 0xFFFE;
  const size_t left = reply_.size() - sent_;
  size_t n = std::min<size_t>(left, limit);
  if (n < left) n &= ~size_t{1};
  if (n == 0) n = std::min<size_t>(left, 2);
  std::vector<uint8_t> chunk(reply_.begin() + static_cast<std::ptrdiff_t>(sent_),
                             reply_.begin() + static_cast<std::ptrdiff_t>(sent_ + n));
  sent_ += n;
  lba_mid_ = static_cast<uint8_t>(n);
  lba_high_ = static_cast<uint8_t>(n >> 8);
  count_ = kIo;
  pio_in(std::move(chunk), kThenSendMore);
}

void AtapiCdrom::continue_pio(uint8_t then, std::span<const uint8_t> written) {
  switch (then) {
    case kThenPacket: packet(written); break;
    case kThenSendMore:
      if (sent_ < reply_.size()) {
        send_chunk();
      } else {
        reply_.clear();
        good();
      }
      break;
    case kThenGood: good(); break;
    default: break;
  }
}

void AtapiCdrom::receive(size_t length) {
  if (length == 0) return good();
  lba_mid_ = static_cast<uint8_t>(length);
  lba_high_ = static_cast<uint8_t>(length >> 8);
  count_ = 0;  // data from the host
  pio_out(length, kThenGood, true);
}

void AtapiCdrom::good() {
  sense_ = {};
  finish_status();
}

void AtapiCdrom::check_condition(uint8_t key, uint8_t asc, uint8_t ascq) {
  sense_ = Sense{key, asc, ascq};
  checked_ = true;
  finish_status();
}

// The status phase: interrupt reason I/O and C/D, CHECK (ERR) with the
// sense key in the error register's high nibble.
void AtapiCdrom::finish_status() {
  count_ = kIo | kCoD;
  if (checked_) {
    error_ = static_cast<uint8_t>(sense_.key << 4 | (sense_.key == 5 ? kAbrt : 0));
    status_ = static_cast<uint8_t>(idle_status() | kErr);
  } else {
    error_ = 0;
    status_ = idle_status();
  }
  raise_irq();
}

void AtapiCdrom::dma_finished(bool ok) {
  if (!ok) return check_condition(0x0B, 0x00);  // ABORTED COMMAND
  good();
}

}  // namespace tx86::dev
