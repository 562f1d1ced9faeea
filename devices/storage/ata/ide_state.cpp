// Save states of the IDE controller: Piix3Ide saves its channels in order;
// a channel saves its registers, its bus master and its two slots, each
// in a section named for the slot ("ide1/master"), so that a failure names
// the drive; a device saves the task file and the transfer in progress,
// and what its kind adds in a section of the kind ("disk", "cdrom"), so a
// state loaded into a machine with another kind of drive there fails.
//
// Interrupt lines are not touched: the channel's line level is the
// board's to restore, and the devices' requests are plain fields here.
#include "devices/storage/ata/ata_disk.h"
#include "devices/storage/ata/atapi_cdrom.h"
#include "devices/storage/ata/bus_master.h"
#include "devices/storage/ata/ide_channel.h"
#include "devices/storage/ata/ide_device.h"
#include "devices/storage/ata/piix3_ide.h"

namespace tx86::dev {

void Piix3Ide::save_state(core::StateWriter& w) const {
  for (const auto& c : channels_) c->save_state(w);
}

void Piix3Ide::load_state(core::StateReader& r) {
  for (auto& c : channels_) c->load_state(r);
}

void IdeChannel::save_state(core::StateWriter& w) const {
  w.begin(name_, 1);
  w.u8(static_cast<uint8_t>(selected_));
  w.u8(control_);
  w.boolean(request_);
  bus_master_.save_state(w);
  for (unsigned i = 0; i < slots_.size(); ++i) {
    w.begin(i == 0 ? "master" : "slave", 1);
    w.boolean(slots_[i].present);
    slots_[i].device->save_state(w);
    w.end();
  }
  w.end();
}

void IdeChannel::load_state(core::StateReader& r) {
  r.begin(name_, 1);
  selected_ = r.u8();
  if (selected_ > 1) r.fail("a bad IDE channel state");
  control_ = r.u8();
  request_ = r.boolean();
  bus_master_.load_state(r);
  for (unsigned i = 0; i < slots_.size(); ++i) {
    r.begin(i == 0 ? "master" : "slave", 1);
    const bool present = r.boolean();
    if (present != slots_[i].present) {
      r.fail(present ? "a drive was attached here when the state was saved, and none is now"
                     : "no drive was attached here when the state was saved, and one is now");
    }
    slots_[i].device->load_state(r);
    r.end();
  }
  r.end();
}

void BusMaster::save_state(core::StateWriter& w) const {
  w.u8(command_);
  w.u8(status_);
  w.u32(prd_);
}

void BusMaster::load_state(core::StateReader& r) {
  command_ = r.u8();
  status_ = r.u8();
  prd_ = r.u32();
}

void IdeDevice::save_state(core::StateWriter& w) const {
  for (const uint8_t v : {feature_, count_, lba_low_, lba_mid_, lba_high_, hob_feature_, hob_count_,
                          hob_lba_low_, hob_lba_mid_, hob_lba_high_, device_, status_, error_}) {
    w.u8(v);
  }
  w.boolean(intrq_);
  w.u8(static_cast<uint8_t>(pio_));
  w.bytes(buffer_);
  w.u64(pos_);
  w.u8(then_);
  w.boolean(dma_pending_);
  w.boolean(dma_.to_memory);
  w.bytes(dma_.data);
}

void IdeDevice::load_state(core::StateReader& r) {
  for (uint8_t* v :
       {&feature_, &count_, &lba_low_, &lba_mid_, &lba_high_, &hob_feature_, &hob_count_,
        &hob_lba_low_, &hob_lba_mid_, &hob_lba_high_, &device_, &status_, &error_}) {
    *v = r.u8();
  }
  intrq_ = r.boolean();
  const uint8_t pio = r.u8();
  if (pio > static_cast<uint8_t>(Pio::kOut)) r.fail("a bad IDE transfer state");
  pio_ = static_cast<Pio>(pio);
  buffer_ = r.bytes();
  pos_ = r.u64();
  if (pos_ > buffer_.size()) r.fail("a bad IDE transfer state");
  then_ = r.u8();
  dma_pending_ = r.boolean();
  dma_.to_memory = r.boolean();
  dma_.data = r.bytes();
}

void AtaDisk::save_state(core::StateWriter& w) const {
  w.begin("disk", 1);
  IdeDevice::save_state(w);
  image_->save_state(w);
  w.pod(current_);
  w.u32(multiple_);
  w.u8(transfer_mode_);
  w.boolean(write_cache_);
  w.u64(xfer_.lba);
  w.u32(xfer_.left);
  w.u32(xfer_.block);
  w.boolean(xfer_.lba48);
  w.end();
}

void AtaDisk::load_state(core::StateReader& r) {
  r.begin("disk", 1);
  IdeDevice::load_state(r);
  if (pio_then() > kThenWriteBlock) r.fail("a bad disk transfer state");
  image_->load_state(r);
  r.pod(current_);
  if (current_.heads == 0 || current_.sectors == 0) r.fail("a bad disk geometry");
  multiple_ = r.u32();
  if (multiple_ > kMaxMultiple || (multiple_ & (multiple_ - 1)) != 0)
    r.fail("a bad multiple-mode block size");
  transfer_mode_ = r.u8();
  write_cache_ = r.boolean();
  xfer_.lba = r.u64();
  xfer_.left = r.u32();
  xfer_.block = r.u32();
  if (xfer_.block == 0) r.fail("a bad disk transfer state");
  xfer_.lba48 = r.boolean();
  r.end();
}

// The disc is the user's, not the guest's: a state loads only with the
// same disc in the drive (or none), as the command line put it there.
void AtapiCdrom::save_state(core::StateWriter& w) const {
  w.begin("cdrom", 1);
  IdeDevice::save_state(w);
  w.boolean(medium_ != nullptr);
  if (medium_) medium_->save_state(w);
  w.pod(sense_);
  for (const bool b : {media_changed_, media_event_, locked_, dma_, checked_}) w.boolean(b);
  w.u8(transfer_mode_);
  w.bytes(reply_);
  w.u64(sent_);
  w.end();
}

void AtapiCdrom::load_state(core::StateReader& r) {
  r.begin("cdrom", 1);
  IdeDevice::load_state(r);
  if (pio_then() > kThenGood) r.fail("a bad CD-ROM transfer state");
  const bool had_medium = r.boolean();
  if (had_medium != (medium_ != nullptr)) {
    r.fail(had_medium
               ? "the CD-ROM drive held a disc when the state was saved, and is empty now"
               : "the CD-ROM drive was empty when the state was saved, and holds a disc now");
  }
  if (medium_) medium_->load_state(r);
  r.pod(sense_);
  for (bool* b : {&media_changed_, &media_event_, &locked_, &dma_, &checked_}) *b = r.boolean();
  transfer_mode_ = r.u8();
  reply_ = r.bytes();
  sent_ = r.u64();
  if (sent_ > reply_.size()) r.fail("a bad CD-ROM transfer state");
  r.end();
}

}  // namespace tx86::dev
