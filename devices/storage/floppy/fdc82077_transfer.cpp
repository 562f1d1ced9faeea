// The 82077AA's data commands: READ DATA / READ DELETED DATA, READ TRACK,
// WRITE DATA / WRITE DELETED DATA, VERIFY, FORMAT TRACK and READ ID, in
// DMA and non-DMA mode (see fdc82077.h for the model).
#include "devices/storage/floppy/fdc82077.h"
#include "devices/storage/floppy/fdc82077_regs.h"

namespace tx86::dev {

using namespace fdc_regs;

namespace {

constexpr uint8_t kVerifySectorCount = 0x80;  // VERIFY byte 1: EC, count from DTL/SC

}  // namespace

void Fdc82077::cmd_read_data() {
  start_transfer(Op::kRead);
}

void Fdc82077::cmd_read_track() {
  start_transfer(Op::kReadTrack);
}

void Fdc82077::cmd_write_data() {
  start_transfer(Op::kWrite);
}

void Fdc82077::cmd_verify() {
  start_transfer(Op::kVerify);
}

void Fdc82077::cmd_format_track() {
  start_transfer(Op::kFormat);
}

void Fdc82077::cmd_read_id() {
  start_transfer(Op::kReadId);
}

// Latches the parameters and leaves the execution to a timer. With
// implied seek enabled (CONFIGURE EIS) the head first steps to C.
void Fdc82077::start_transfer(Op op) {
  t_ = Transfer{};
  t_.op = op;
  t_.unit = cmd_[1] & 0x03;
  t_.head = (cmd_[1] >> 2) & 0x01;
  t_.mfm = (cmd_[0] & kCmdMfm) != 0;
  core::GuestTime delay = kCommandTime;
  if (op == Op::kFormat) {
    t_.n = cmd_[2];
    t_.count = cmd_[3];
    t_.filler = cmd_[5];
    last_eot_ = cmd_[3];
  } else if (op != Op::kReadId) {
    t_.c = cmd_[2];
    t_.h = cmd_[3];
    t_.r = cmd_[4];
    t_.n = cmd_[5];
    t_.eot = cmd_[6];
    last_eot_ = t_.eot;
    t_.multi_track = (cmd_[0] & kCmdMultiTrack) != 0 && op != Op::kReadTrack;
    t_.physical = 1;
    if (op == Op::kVerify && (cmd_[1] & kVerifySectorCount) != 0) {
      t_.count_limited = true;
      t_.count = cmd_[8];
    }
    if ((config_ & kConfigImpliedSeek) != 0 && t_.c != pcn_[t_.unit]) {
      delay += step_to(t_.unit, t_.c) * kStepTime;
      t_.st0 |= kSt0SeekEnd;
    }
  }
  scheduler_.arm(execute_timer_, scheduler_.now() + delay);
}

void Fdc82077::execute() {
  switch (t_.op) {
    case Op::kReadId: read_id(); return;
    case Op::kVerify: run_verify(); return;
    case Op::kFormat:
      if (!check_format()) return end_transfer();
      break;
    case Op::kWrite:
      if (present(t_.unit) && drives_[t_.unit].has_medium() && drives_[t_.unit].write_protected()) {
        fail(kSt1NotWritable, 0);
        return end_transfer();
      }
      [[fallthrough]];
    case Op::kRead:
    case Op::kReadTrack:
      if (!locate_next()) return end_transfer();
      break;
  }
  if (!dma_mode()) return start_pio();
  if (t_.op == Op::kFormat) return run_format_dma();
  run_dma();
}

// The track under the head holds sector IDs only with a medium in a
// drive, MFM recording and the medium's data rate; otherwise the chip
// finds no address mark. An empty drive gives no index pulses either, so
// the real chip never ends the command; this one reports MA at once.
bool Fdc82077::track_readable() {
  if (present(t_.unit) && t_.mfm && drives_[t_.unit].track_readable(t_.head, rate_)) return true;
  return fail(kSt1MissingAddressMark, 0);
}

// Finds the sector whose ID is t's C/H/R/N on the track under the head.
bool Fdc82077::locate_sector() {
  if (!track_readable()) return false;
  const FloppyDrive& d = drives_[t_.unit];
  if (t_.c != d.cylinder()) {
    t_.st2 |= kSt2WrongCylinder;
  } else if (t_.h == t_.head && t_.n == FloppyFormat::kSizeCode && t_.r >= 1 &&
             t_.r <= d.format()->sectors) {
    return true;
  }
  return fail(kSt1NoData, 0);
}

// READ TRACK reads the sectors in track order whatever their IDs; an ID
// that differs from C/H/R/N only sets ND (datasheet 5.1.3).
bool Fdc82077::locate_next() {
  if (t_.op != Op::kReadTrack) return locate_sector();
  if (!track_readable()) return false;
  const FloppyDrive& d = drives_[t_.unit];
  if (t_.physical > d.format()->sectors) return fail(kSt1MissingAddressMark, 0);
  if (t_.c != d.cylinder() || t_.h != t_.head || t_.r != t_.physical ||
      t_.n != FloppyFormat::kSizeCode) {
    t_.st1 |= kSt1NoData;
  }
  return true;
}

uint8_t Fdc82077::sector_number() const {
  return t_.op == Op::kReadTrack ? t_.physical : t_.r;
}

// The result phase's ID after a sector (datasheet Table 5-6): R+1 inside
// the track; after EOT, R=1 and either the other side (MT on side 0, H's
// LSB complemented) or the next cylinder. Returns false when the command
// has no sector left.
bool Fdc82077::next_sector() {
  drives_[t_.unit].passed_sector(sector_number());
  if (t_.op == Op::kReadTrack) {
    ++t_.r;
    return t_.physical++ < t_.eot;
  }
  if (t_.r != t_.eot) {
    ++t_.r;
    return true;
  }
  t_.r = 1;
  if (t_.multi_track) {
    t_.h ^= 1;
    if (t_.head == 0) {
      t_.head = 1;
      return true;
    }
  }
  ++t_.c;
  return false;
}

bool Fdc82077::fail(uint8_t st1, uint8_t st2) {
  t_.st0 |= kSt0Abnormal;
  t_.st1 |= st1;
  t_.st2 |= st2;
  return false;
}

// One sector between the medium and the DMA channel. DRQ reaches the
// 8237 only through DOR's gate; a channel that takes or gives less than
// a sector without reaching terminal count leaves the FIFO to overrun.
bool Fdc82077::dma_sector(bool& terminal_count) {
  FloppyDrive& d = drives_[t_.unit];
  const bool gate = (dor_ & kDorDmaGate) != 0;
  std::array<uint8_t, kSectorSize> buffer{};
  size_t moved = 0;
  if (t_.op == Op::kWrite) {
    if (gate) moved = dma_.transfer_from_memory(buffer);
    terminal_count = gate && dma_.terminal_count();
    if (moved < kSectorSize && !terminal_count) return fail(kSt1Overrun, 0);
    // TC inside the sector: the rest of the data field is written as zeros.
    if (!d.write_sector(t_.head, sector_number(), buffer)) {
      return fail(kSt1DataError, kSt2DataErrorInField);
    }
    return true;
  }
  if (!d.read_sector(t_.head, sector_number(), buffer)) {
    return fail(kSt1DataError, kSt2DataErrorInField);
  }
  if (gate) moved = dma_.transfer_to_memory(buffer);
  terminal_count = gate && dma_.terminal_count();
  if (moved < kSectorSize && !terminal_count) return fail(kSt1Overrun, 0);
  return true;
}

// Terminal count ends a transfer normally; running out of sectors
// without it is the abnormal end of cylinder.
void Fdc82077::run_dma() {
  for (;;) {
    bool terminal_count = false;
    if (!dma_sector(terminal_count)) break;
    const bool more = next_sector();
    if (terminal_count) break;
    if (!more) {
      fail(kSt1EndOfCylinder, 0);
      break;
    }
    if (!locate_next()) break;
  }
  end_transfer();
}

// VERIFY reads and checks sectors without moving data. It ends normally
// at EOT, or after SC sectors with EC set (datasheet 5.1.7).
void Fdc82077::run_verify() {
  if (!locate_sector()) return end_transfer();
  FloppyDrive& d = drives_[t_.unit];
  for (;;) {
    std::array<uint8_t, kSectorSize> buffer{};
    if (!d.read_sector(t_.head, t_.r, buffer)) {
      fail(kSt1DataError, kSt2DataErrorInField);
      break;
    }
    const bool more = next_sector();
    if (t_.count_limited && (t_.count == 0 || --t_.count == 0)) break;
    if (!more) {
      if (t_.count_limited) fail(kSt1EndOfCylinder, 0);
      break;
    }
    if (!locate_sector()) break;
  }
  end_transfer();
}

// FORMAT TRACK can only rewrite the layout the image has: on a track of
// the medium, at its data rate, 512-byte sectors whose IDs name this
// cylinder and side and a sector of the track. Anything else ends the
// command abnormally.
bool Fdc82077::check_format() {
  if (!present(t_.unit) || !drives_[t_.unit].has_medium()) return fail(kSt1MissingAddressMark, 0);
  const FloppyDrive& d = drives_[t_.unit];
  if (d.write_protected()) return fail(kSt1NotWritable, 0);
  if (!t_.mfm || t_.n != FloppyFormat::kSizeCode || !d.track_readable(t_.head, rate_)) {
    return fail(0, 0);
  }
  return true;
}

bool Fdc82077::format_sector(std::span<const uint8_t, kFormatIdBytes> id) {
  FloppyDrive& d = drives_[t_.unit];
  t_.c = id[0];
  t_.h = id[1];
  t_.r = id[2];
  t_.n = id[3];
  if (t_.c != d.cylinder() || t_.h != t_.head || t_.n != FloppyFormat::kSizeCode) return fail(0, 0);
  std::array<uint8_t, kSectorSize> data;
  data.fill(t_.filler);
  // false for a sector number beyond the track, or a host write error
  return d.write_sector(t_.head, t_.r, data) || fail(0, 0);
}

void Fdc82077::run_format_dma() {
  const bool gate = (dor_ & kDorDmaGate) != 0;
  while (t_.count > 0) {
    std::array<uint8_t, kFormatIdBytes> id{};
    const size_t moved = gate ? dma_.transfer_from_memory(id) : 0;
    const bool terminal_count = gate && dma_.terminal_count();
    if (moved < id.size()) {
      if (!terminal_count) fail(kSt1Overrun, 0);
      break;
    }
    if (!format_sector(id)) break;
    --t_.count;
    if (terminal_count) break;
  }
  end_transfer();
}

void Fdc82077::read_id() {
  if (track_readable()) {
    FloppyDrive& d = drives_[t_.unit];
    t_.c = d.cylinder();
    t_.r = d.next_sector_id();
    t_.n = FloppyFormat::kSizeCode;
  } else {
    t_.c = pcn_[t_.unit];
  }
  t_.h = t_.head;
  end_transfer();
}

// Non-DMA: the first sector's bytes (or room for them) are ready; the
// host moves them through the FIFO.
void Fdc82077::start_pio() {
  t_.pio = true;
  t_.pos = 0;
  t_.length = t_.op == Op::kFormat ? kFormatIdBytes : kSectorSize;
  if (t_.op == Op::kRead || t_.op == Op::kReadTrack) {
    if (!drives_[t_.unit].read_sector(t_.head, sector_number(), t_.buffer)) {
      fail(kSt1DataError, kSt2DataErrorInField);
      return end_transfer();
    }
  }
  pio_int_ = true;
  update_irq();
}

uint8_t Fdc82077::pio_read() {
  const uint8_t value = t_.buffer[t_.pos++];
  if (t_.pos == t_.length) pio_unit_done();
  return value;
}

void Fdc82077::pio_write(uint8_t value) {
  t_.buffer[t_.pos++] = value;
  if (t_.pos == t_.length) pio_unit_done();
}

// The FIFO has moved a whole sector (or FORMAT ID): INT falls, and rises
// again when the next one is ready. With no TC in non-DMA mode, only EOT
// (or FORMAT's SC) ends the transfer.
void Fdc82077::pio_unit_done() {
  pio_int_ = false;
  update_irq();
  FloppyDrive& d = drives_[t_.unit];
  if (t_.op == Op::kFormat) {
    if (!format_sector(
            std::span<const uint8_t, kFormatIdBytes>(t_.buffer.data(), kFormatIdBytes)) ||
        --t_.count == 0) {
      return end_transfer();
    }
  } else {
    if (t_.op == Op::kWrite && !d.write_sector(t_.head, sector_number(), t_.buffer)) {
      fail(kSt1DataError, kSt2DataErrorInField);
      return end_transfer();
    }
    if (!next_sector()) {
      fail(kSt1EndOfCylinder, 0);
      return end_transfer();
    }
    if (!locate_next()) return end_transfer();
    if (t_.op != Op::kWrite && !d.read_sector(t_.head, sector_number(), t_.buffer)) {
      fail(kSt1DataError, kSt2DataErrorInField);
      return end_transfer();
    }
  }
  t_.pos = 0;
  pio_int_ = true;
  update_irq();
}

void Fdc82077::end_transfer() {
  t_.pio = false;
  pio_int_ = false;
  const auto st0 = static_cast<uint8_t>(t_.st0 | t_.head << 2 | t_.unit);
  to_result_phase({st0, t_.st1, t_.st2, t_.c, t_.h, t_.r, t_.n});
  new_interrupt();
  result_int_ = true;
  update_irq();
}

}  // namespace tx86::dev
