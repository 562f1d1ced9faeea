// An ATAPI CD-ROM drive (ATA/ATAPI-6 PACKET feature set, section 8.21 and
// the "Packet protocol"; MMC-3 for the commands the packets carry): the
// PACKET transport over PIO or bus-master DMA, IDENTIFY PACKET DEVICE, and
// a removable ISO 9660 medium read in 2048-byte blocks, which the guest
// or the user may eject and insert.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/disk_image.h"
#include "devices/storage/ata/ide_device.h"

namespace tx86::dev {

class AtapiCdrom final : public IdeDevice {
 public:
  static constexpr uint32_t kBlockSize = 2048;

  AtapiCdrom(std::unique_ptr<core::DiskImage> medium, std::string serial);

  // The user changes the disc: the guest sees UNIT ATTENTION next.
  // Returns false when the guest locked the tray (PREVENT MEDIUM REMOVAL)
  // and force is not set.
  bool eject(bool force = false);
  void insert(std::unique_ptr<core::DiskImage> medium);
  bool has_medium() const { return medium_ != nullptr; }
  bool locked() const { return locked_; }

  void power_on() override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

 protected:
  void set_signature() override;
  uint8_t idle_status() const override { return ata::kDrdy; }
  void execute(uint8_t code) override;
  void dma_finished(bool ok) override;
  void continue_pio(uint8_t then, std::span<const uint8_t> written) override;

 private:
  // Steps after a PIO block.
  static constexpr uint8_t kThenPacket = 1;    // the packet is in: run it
  static constexpr uint8_t kThenSendMore = 2;  // the next piece of the reply, or the status
  static constexpr uint8_t kThenGood = 3;      // data from the host taken

  struct Sense {
    uint8_t key = 0;
    uint8_t asc = 0;
    uint8_t ascq = 0;
  };
  using Packet = std::array<uint8_t, 12>;

  std::vector<uint8_t> identify_data() const;
  void packet(std::span<const uint8_t> bytes);

  // Outcomes of a packet command.
  void reply(std::vector<uint8_t> data, size_t allocation);
  void receive(size_t length);  // data from the host, discarded (MODE SELECT)
  void good();
  void check_condition(uint8_t key, uint8_t asc, uint8_t ascq = 0);
  void finish_status();
  void send_chunk();

  // mmc_commands.cpp
  void run_command(const Packet& p);
  bool medium_ready(const Packet& p);
  void read_blocks(uint64_t lba, uint64_t count);
  void read_toc(const Packet& p);
  void mode_sense(const Packet& p, bool ten);
  void get_configuration(const Packet& p);
  void get_event_status(const Packet& p);
  void start_stop(const Packet& p);
  uint32_t blocks() const { return static_cast<uint32_t>(medium_->size() / kBlockSize); }

  std::unique_ptr<core::DiskImage> medium_;
  std::string serial_;
  Sense sense_;
  bool media_changed_ = false;  // UNIT ATTENTION pending
  bool media_event_ = false;    // GET EVENT STATUS NOTIFICATION: new medium
  bool locked_ = false;
  uint8_t transfer_mode_ = 0;
  bool dma_ = false;            // this packet's data goes by DMA
  std::vector<uint8_t> reply_;  // PIO data still to send
  size_t sent_ = 0;
  bool checked_ = false;  // the command ended in CHECK CONDITION
};

}  // namespace tx86::dev
