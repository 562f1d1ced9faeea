// One diskette drive on the controller's cable: a head that steps between
// cylinders, an optional medium, and the drive's status lines (track 0,
// write protect, disk change).
//
// The medium is a raw image whose size names its format (floppy_format.h);
// sectors are addressed by the track under the head and the sector ID the
// controller looks for, and every image access is checked against the
// format, so no guest-chosen cylinder, head or sector reaches past the
// image.
//
// Disk change (DSKCHG) follows the drive interface: it is active from
// power-on and after the medium is removed or inserted, and a step pulse
// with a medium in the drive clears it (82077AA datasheet, DIR bit 7).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "core/state/state_stream.h"
#include "core/storage/disk_image.h"
#include "devices/storage/floppy/floppy_format.h"

namespace tx86::dev {

class FloppyDrive {
 public:
  // A head steps past the last cylinder of an 80-track medium to about
  // this one before the stop.
  static constexpr uint8_t kLastCylinder = 83;

  FloppyDrive() = default;
  FloppyDrive(const FloppyDrive&) = delete;
  FloppyDrive& operator=(const FloppyDrive&) = delete;

  // Inserts a medium, replacing (and dropping) any other. Throws
  // core::UserError when the image's size is no floppy format.
  void insert(std::unique_ptr<core::DiskImage> image);
  // Removes the medium and hands it back (null when there was none).
  std::unique_ptr<core::DiskImage> eject();

  bool has_medium() const { return image_ != nullptr; }
  // The inserted image (null when empty), for the monitor and tests.
  core::DiskImage* image() const { return image_.get(); }
  // The inserted medium's format (nothing when empty).
  const std::optional<FloppyFormat>& format() const { return format_; }
  // The write-protect sensor: a read-only image, or no medium at all (an
  // empty drive sees no write-enable tab).
  bool write_protected() const { return image_ == nullptr || image_->read_only(); }
  bool disk_changed() const { return disk_changed_; }
  bool track0() const { return cylinder_ == 0; }
  uint8_t cylinder() const { return cylinder_; }

  // One step pulse in (toward higher cylinders) or out. The head stops at
  // cylinder 0 and at kLastCylinder.
  void step(bool inward);

  // Whether the track under the head on this side holds sector IDs: it
  // exists on the medium and was recorded at this data rate.
  bool track_readable(uint8_t head, FloppyDataRate rate) const;

  // Sector r (1-based) of the track under the head. false when the track
  // or sector is not on the medium or the host I/O fails.
  bool read_sector(uint8_t head, uint8_t r, std::span<uint8_t, FloppyFormat::kSectorSize> out);
  bool write_sector(uint8_t head, uint8_t r,
                    std::span<const uint8_t, FloppyFormat::kSectorSize> data);

  // The sector ID that passes under the head next (READ ID), advancing
  // one sector per call as the disk turns.
  uint8_t next_sector_id();
  // A transfer of sector r leaves the head just past it.
  void passed_sector(uint8_t r) { rotation_ = r; }

  // Power-on: head position is kept (the drive is not moved), the disk
  // change line is active again.
  void power_on() { disk_changed_ = true; }

  // Save states: the head, the disk-change line and the medium's state. The
  // medium itself is the user's: a state loads only with the same one in
  // the drive (or none).
  void save_state(core::StateWriter& w) const;
  void load_state(core::StateReader& r);

 private:
  std::optional<uint64_t> sector_offset(uint8_t head, uint8_t r) const;

  std::unique_ptr<core::DiskImage> image_;
  std::optional<FloppyFormat> format_;
  uint8_t cylinder_ = 0;
  uint8_t rotation_ = 0;  // the last sector ID that passed under the head
  bool disk_changed_ = true;
};

}  // namespace tx86::dev
