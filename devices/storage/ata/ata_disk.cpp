#include "devices/storage/ata/ata_disk.h"

#include <algorithm>

#include "devices/storage/ata/identify_words.h"

namespace tx86::dev {

using namespace ata;

namespace {
constexpr uint32_t kSector = core::DiskImage::kSectorSize;
constexpr uint64_t kLba28Limit = 0x0FFFFFFF;
}  // namespace

ChsGeometry default_geometry(uint64_t sectors) {
  ChsGeometry g{0, 16, 63};
  g.cylinders = static_cast<uint32_t>(std::clamp<uint64_t>(sectors / (16 * 63), 1, 16383));
  return g;
}

AtaDisk::AtaDisk(std::unique_ptr<core::DiskImage> image, std::string serial)
    : image_(std::move(image)), serial_(std::move(serial)) {
  sectors_ = image_->size() / kSector;
  geometry_ = default_geometry(sectors_);
  power_on();
}

void AtaDisk::power_on() {
  current_ = geometry_;
  multiple_ = 0;
  transfer_mode_ = 0;
  write_cache_ = true;
  reset();
}

void AtaDisk::set_signature() {
  count_ = 1;
  lba_low_ = 1;
  lba_mid_ = 0;
  lba_high_ = 0;
  device_ = 0;
  status_ = kDrdy | kDsc;
}

std::vector<uint8_t> AtaDisk::identify_data() const {
  IdentifyWords w;
  w.set(0, 0x0040);  // fixed device
  w.set(1, static_cast<uint16_t>(geometry_.cylinders));
  w.set(3, static_cast<uint16_t>(geometry_.heads));
  w.set(6, static_cast<uint16_t>(geometry_.sectors));
  w.set_string(10, 10, serial_);
  w.set_string(23, 4, "1.0");
  w.set_string(27, 20, "TX86 HARDDISK");
  w.set(47, 0x8000 | kMaxMultiple);
  w.set(48, 0x0001);  // 32-bit PIO through the data port
  w.set(49, 0x0F00);  // IORDY, IORDY may be disabled, LBA, DMA
  w.set(50, 0x4000);
  w.set(51, 0x0200);
  w.set(53, 0x0007);  // words 54-58, 64-70 and 88 are valid
  w.set(54, static_cast<uint16_t>(current_.cylinders));
  w.set(55, static_cast<uint16_t>(current_.heads));
  w.set(56, static_cast<uint16_t>(current_.sectors));
  w.set32(57, current_.cylinders * current_.heads * current_.sectors);
  if (multiple_ != 0) w.set(59, static_cast<uint16_t>(0x0100 | multiple_));
  w.set32(60, static_cast<uint32_t>(std::min(sectors_, kLba28Limit)));
  w.set_dma_modes(transfer_mode_);
  w.set(64, 0x0003);  // PIO modes 3 and 4
  for (unsigned i = 65; i <= 68; ++i) w.set(i, 120);
  w.set(80, 0x007E);  // ATA-1 to ATA-6
  w.set(82, 0x4020);  // NOP, write cache
  w.set(83, 0x7400);  // FLUSH CACHE EXT, FLUSH CACHE, 48-bit addresses
  w.set(84, 0x4000);
  w.set(85, static_cast<uint16_t>(0x4000 | (write_cache_ ? 0x20 : 0)));
  w.set(86, 0x3400);
  w.set(87, 0x4000);
  w.set(93, 0x4001);
  w.set64(100, sectors_);
  return w.bytes();
}

void AtaDisk::execute(uint8_t code) {
  if ((code & 0xF0) == cmd::kRecalibrate || (code & 0xF0) == cmd::kSeek) {
    complete();
    return;
  }
  switch (code) {
    case cmd::kIdentify: pio_in(identify_data(), kThenIdle); break;
    case cmd::kReadSectors:
    case cmd::kReadSectorsNoRetry: start_read(false, false); break;
    case cmd::kReadSectorsExt: start_read(true, false); break;
    case cmd::kReadMultiple: start_read(false, true); break;
    case cmd::kReadMultipleExt: start_read(true, true); break;
    case cmd::kWriteSectors:
    case cmd::kWriteSectorsNoRetry: start_write(false, false); break;
    case cmd::kWriteSectorsExt: start_write(true, false); break;
    case cmd::kWriteMultiple: start_write(false, true); break;
    case cmd::kWriteMultipleExt: start_write(true, true); break;
    case cmd::kReadDma:
    case cmd::kReadDmaNoRetry: start_dma(false, false); break;
    case cmd::kReadDmaExt: start_dma(true, false); break;
    case cmd::kWriteDma:
    case cmd::kWriteDmaNoRetry: start_dma(false, true); break;
    case cmd::kWriteDmaExt: start_dma(true, true); break;
    case cmd::kReadVerify:
    case cmd::kReadVerifyNoRetry: start_verify(false); break;
    case cmd::kReadVerifyExt: start_verify(true); break;
    case cmd::kSetMultiple:
      // Powers of two up to the maximum; 0 turns multiple mode off.
      if (count_ > kMaxMultiple || (count_ & (count_ - 1)) != 0) {
        abort_command();
      } else {
        multiple_ = count_;
        complete();
      }
      break;
    case cmd::kInitializeParams: initialize_params(); break;
    case cmd::kExecuteDiagnostic:
      reset();
      raise_irq();
      break;
    case cmd::kFlushCache:
    case cmd::kFlushCacheExt: flush_cache(); break;
    case cmd::kSetFeatures: set_features(); break;
    case cmd::kCheckPowerMode:
      count_ = 0xFF;  // active or idle
      complete();
      break;
    case cmd::kStandbyImmediate:
    case cmd::kIdleImmediate:
    case cmd::kStandby:
    case cmd::kIdle:
    case cmd::kSleep: complete(); break;
    case cmd::kReadNativeMax:
      set_lba28(std::min(sectors_, kLba28Limit + 1) - 1);
      complete();
      break;
    case cmd::kReadNativeMaxExt:
      set_lba48(sectors_ - 1);
      complete();
      break;
    default: abort_command(); break;  // NOP, PACKET, IDENTIFY PACKET, DEVICE RESET, ...
  }
}

std::optional<uint64_t> AtaDisk::start_sector(bool ext) const {
  if (ext) return lba48();
  if (device_ & kLba) return lba28();
  const uint32_t cylinder = static_cast<uint32_t>(lba_high_) << 8 | lba_mid_;
  const uint32_t head = device_ & 0x0F;
  const uint32_t sector = lba_low_;
  if (sector == 0 || sector > current_.sectors || head >= current_.heads) return std::nullopt;
  return (static_cast<uint64_t>(cylinder) * current_.heads + head) * current_.sectors + sector - 1;
}

void AtaDisk::report_position(uint64_t lba) {
  if (xfer_.lba48) {
    set_lba48(lba);
  } else if (device_ & kLba) {
    set_lba28(lba);
  } else {
    const uint64_t per_cylinder = static_cast<uint64_t>(current_.heads) * current_.sectors;
    const uint64_t cylinder = lba / per_cylinder;
    lba_mid_ = static_cast<uint8_t>(cylinder);
    lba_high_ = static_cast<uint8_t>(cylinder >> 8);
    device_ = static_cast<uint8_t>((device_ & 0xF0) | ((lba % per_cylinder) / current_.sectors));
    lba_low_ = static_cast<uint8_t>(lba % current_.sectors + 1);
  }
}

void AtaDisk::start_read(bool ext, bool multiple) {
  if (multiple && multiple_ == 0) return abort_command();
  const uint32_t count = ext ? count48() : count28();
  const std::optional<uint64_t> lba = start_sector(ext);
  if (!lba || !in_range(*lba, count)) return abort_command(kIdnf);
  xfer_ = Transfer{*lba, count, multiple ? multiple_ : 1u, ext};
  read_block();
}

void AtaDisk::read_block() {
  const uint32_t n = std::min(xfer_.block, xfer_.left);
  std::vector<uint8_t> data(static_cast<size_t>(n) * kSector);
  if (!image_->read(xfer_.lba * kSector, data)) {
    report_position(xfer_.lba);
    return abort_command(kUnc);
  }
  report_position(xfer_.lba + n - 1);
  xfer_.lba += n;
  xfer_.left -= n;
  // The last block ends the command, with no interrupt after it.
  pio_in(std::move(data), xfer_.left > 0 ? kThenReadOn : kThenIdle);
}

void AtaDisk::continue_pio(uint8_t then, std::span<const uint8_t> written) {
  switch (then) {
    case kThenReadOn: read_block(); break;
    case kThenWriteBlock: write_block(written); break;
    default: break;
  }
}

void AtaDisk::start_write(bool ext, bool multiple) {
  if (multiple && multiple_ == 0) return abort_command();
  if (image_->read_only()) return abort_command();
  const uint32_t count = ext ? count48() : count28();
  const std::optional<uint64_t> lba = start_sector(ext);
  if (!lba || !in_range(*lba, count)) return abort_command(kIdnf);
  xfer_ = Transfer{*lba, count, multiple ? multiple_ : 1u, ext};
  // The first block is asked for without an interrupt (ATA-6 9.8, PIO
  // data-out).
  pio_out(static_cast<size_t>(std::min(xfer_.block, xfer_.left)) * kSector, kThenWriteBlock, false);
}

void AtaDisk::write_block(std::span<const uint8_t> data) {
  const auto n = static_cast<uint32_t>(data.size() / kSector);
  if (!write_through(xfer_.lba, data)) {
    report_position(xfer_.lba);
    return abort_command();
  }
  report_position(xfer_.lba + n - 1);
  xfer_.lba += n;
  xfer_.left -= n;
  if (xfer_.left == 0) return complete();
  pio_out(static_cast<size_t>(std::min(xfer_.block, xfer_.left)) * kSector, kThenWriteBlock, true);
}

void AtaDisk::start_dma(bool ext, bool write) {
  const uint32_t count = ext ? count48() : count28();
  const std::optional<uint64_t> lba = start_sector(ext);
  if (!lba || !in_range(*lba, count)) return abort_command(kIdnf);
  if (write && image_->read_only()) return abort_command();
  xfer_ = Transfer{*lba, count, count, ext};
  DmaRequest request;
  request.to_memory = !write;
  request.data.resize(static_cast<size_t>(count) * kSector);
  if (!write && !image_->read(*lba * kSector, request.data)) {
    report_position(*lba);
    return abort_command(kUnc);
  }
  wait_dma(std::move(request));
}

void AtaDisk::dma_finished(bool ok) {
  if (!ok) return abort_command();
  const DmaRequest& done = dma_data();
  if (!done.to_memory && !write_through(xfer_.lba, done.data)) {
    report_position(xfer_.lba);
    return abort_command();
  }
  report_position(xfer_.lba + xfer_.left - 1);
  complete();
}

// With the write cache off (SET FEATURES 82h) a write is on the host's
// disk before the command completes.
bool AtaDisk::write_through(uint64_t lba, std::span<const uint8_t> data) {
  return image_->write(lba * kSector, data) && (write_cache_ || image_->flush());
}

void AtaDisk::start_verify(bool ext) {
  const uint32_t count = ext ? count48() : count28();
  const std::optional<uint64_t> lba = start_sector(ext);
  if (!lba || !in_range(*lba, count)) return abort_command(kIdnf);
  xfer_.lba48 = ext;
  report_position(*lba + count - 1);
  complete();
}

void AtaDisk::initialize_params() {
  const uint32_t heads = (device_ & 0x0F) + 1u;
  const uint32_t sectors = count_;
  if (sectors == 0) return abort_command();
  current_ =
      ChsGeometry{static_cast<uint32_t>(std::min<uint64_t>(sectors_ / (heads * sectors), 65535)),
                  heads, sectors};
  complete();
}

void AtaDisk::flush_cache() {
  if (!image_->flush()) return abort_command();
  complete();
}

void AtaDisk::set_features() {
  switch (feature_) {
    case 0x03: {  // set transfer mode: PIO default/flow control, MWDMA 0-2, UDMA 0-5
      const uint8_t mode = count_;
      const bool ok = mode <= 0x01 || (mode >= 0x08 && mode <= 0x0C) ||
                      (mode >= 0x20 && mode <= 0x22) || (mode >= 0x40 && mode <= 0x45);
      if (!ok) return abort_command();
      transfer_mode_ = mode;
      return complete();
    }
    case 0x02: write_cache_ = true; return complete();
    case 0x82: write_cache_ = false; return complete();
    case 0x55:  // read look-ahead off/on, reverting to power-on defaults off/on
    case 0xAA:
    case 0x66:
    case 0xCC: return complete();
    default: return abort_command();
  }
}

}  // namespace tx86::dev
