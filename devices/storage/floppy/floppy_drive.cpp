#include "devices/storage/floppy/floppy_drive.h"

#include "core/machine/user_error.h"

namespace tx86::dev {

void FloppyDrive::insert(std::unique_ptr<core::DiskImage> image) {
  if (!image) {
    eject();
    return;
  }
  const std::optional<FloppyFormat> format = floppy_format_for_size(image->size());
  if (!format) throw core::UserError(floppy_size_error(image->name(), image->size()));
  image_ = std::move(image);
  format_ = format;
  rotation_ = 0;
  disk_changed_ = true;
}

std::unique_ptr<core::DiskImage> FloppyDrive::eject() {
  format_.reset();
  disk_changed_ = true;
  return std::move(image_);
}

void FloppyDrive::step(bool inward) {
  if (inward) {
    if (cylinder_ < kLastCylinder) ++cylinder_;
  } else if (cylinder_ > 0) {
    --cylinder_;
  }
  if (image_) disk_changed_ = false;
}

bool FloppyDrive::track_readable(uint8_t head, FloppyDataRate rate) const {
  return format_ && rate == format_->rate && cylinder_ < format_->cylinders &&
         head < format_->heads;
}

std::optional<uint64_t> FloppyDrive::sector_offset(uint8_t head, uint8_t r) const {
  if (!format_ || cylinder_ >= format_->cylinders || head >= format_->heads || r == 0 ||
      r > format_->sectors) {
    return std::nullopt;
  }
  const uint64_t lba = (uint64_t{cylinder_} * format_->heads + head) * format_->sectors + (r - 1);
  const uint64_t offset = lba * FloppyFormat::kSectorSize;
  if (offset + FloppyFormat::kSectorSize > image_->size()) return std::nullopt;
  return offset;
}

bool FloppyDrive::read_sector(uint8_t head, uint8_t r,
                              std::span<uint8_t, FloppyFormat::kSectorSize> out) {
  const std::optional<uint64_t> offset = sector_offset(head, r);
  return offset && image_->read(*offset, out);
}

bool FloppyDrive::write_sector(uint8_t head, uint8_t r,
                               std::span<const uint8_t, FloppyFormat::kSectorSize> data) {
  const std::optional<uint64_t> offset = sector_offset(head, r);
  return offset && !image_->read_only() && image_->write(*offset, data);
}

uint8_t FloppyDrive::next_sector_id() {
  const uint8_t sectors = format_ ? format_->sectors : 1;
  rotation_ = static_cast<uint8_t>(rotation_ % sectors + 1);
  return rotation_;
}

void FloppyDrive::save_state(core::StateWriter& w) const {
  w.boolean(image_ != nullptr);
  if (image_) image_->save_state(w);
  w.u8(cylinder_);
  w.u8(rotation_);
  w.boolean(disk_changed_);
}

void FloppyDrive::load_state(core::StateReader& r) {
  const bool had_medium = r.boolean();
  if (had_medium != (image_ != nullptr)) {
    r.fail(had_medium
               ? "the floppy drive held a diskette when the state was saved, and is empty now"
               : "the floppy drive was empty when the state was saved, and holds a diskette now");
  }
  // (the same size, so format_ stands)
  if (image_) image_->load_state(r);
  cylinder_ = r.u8();
  if (cylinder_ > kLastCylinder) r.fail("a bad floppy head position");
  rotation_ = r.u8();
  disk_changed_ = r.boolean();
}

}  // namespace tx86::dev
