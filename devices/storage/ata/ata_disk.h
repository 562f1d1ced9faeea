// An ATA hard disk (ATA/ATAPI-6 general feature set, 48-bit addressing,
// multiple mode, DMA): PIO and DMA reads and writes of a raw image,
// IDENTIFY DEVICE with a CHS geometry consistent with its LBA size, FLUSH
// CACHE reaching the host's disk, and the housekeeping commands BIOSes and
// drivers send.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/storage/disk_image.h"
#include "devices/storage/ata/ide_device.h"

namespace tx86::dev {

struct ChsGeometry {
  uint32_t cylinders = 0;
  uint32_t heads = 0;
  uint32_t sectors = 0;
};

// The default geometry of a disk of `sectors` sectors: 16 heads and 63
// sectors per track, as many cylinders as fit (at most 16383), as QEMU
// and the ATA spec's IDENTIFY words 1/3/6 do for disks above 504 MiB.
ChsGeometry default_geometry(uint64_t sectors);

class AtaDisk final : public IdeDevice {
 public:
  static constexpr unsigned kMaxMultiple = 16;

  AtaDisk(std::unique_ptr<core::DiskImage> image, std::string serial);

  uint64_t sectors() const { return sectors_; }
  const ChsGeometry& geometry() const { return geometry_; }
  core::DiskImage& image() { return *image_; }

  void power_on() override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 protected:
  void set_signature() override;
  void execute(uint8_t code) override;
  void dma_finished(bool ok) override;
  void continue_pio(uint8_t then, std::span<const uint8_t> written) override;

 private:
  // Steps after a PIO block.
  static constexpr uint8_t kThenReadOn = 1;      // the next block, or the end
  static constexpr uint8_t kThenWriteBlock = 2;  // the block goes to the image

  // A read or write in progress: next sector, sectors left, sectors per
  // DRQ block.
  struct Transfer {
    uint64_t lba = 0;
    uint32_t left = 0;
    uint32_t block = 1;
    bool lba48 = false;
  };

  std::vector<uint8_t> identify_data() const;
  // The command's starting sector (LBA28/48 or CHS), or nullopt when the
  // CHS address is invalid.
  std::optional<uint64_t> start_sector(bool ext) const;
  bool in_range(uint64_t lba, uint32_t count) const {
    return lba <= sectors_ && count <= sectors_ - lba;
  }
  void start_read(bool ext, bool multiple);
  void start_write(bool ext, bool multiple);
  void start_dma(bool ext, bool write);
  void start_verify(bool ext);
  void read_block();
  void write_block(std::span<const uint8_t> data);
  bool write_through(uint64_t lba, std::span<const uint8_t> data);
  // Where a failed transfer stopped, in the task file.
  void report_position(uint64_t lba);
  void set_features();
  void initialize_params();
  void flush_cache();

  std::unique_ptr<core::DiskImage> image_;
  std::string serial_;
  uint64_t sectors_ = 0;
  ChsGeometry geometry_;       // the default, IDENTIFY words 1/3/6
  ChsGeometry current_;        // INITIALIZE DEVICE PARAMETERS' translation
  unsigned multiple_ = 0;      // sectors per block in multiple mode, 0: off
  uint8_t transfer_mode_ = 0;  // SET FEATURES 03h value: PIO default
  bool write_cache_ = true;
  Transfer xfer_;
};

}  // namespace tx86::dev
