#include "devices/storage/floppy/fdc82077.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "devices/storage/floppy/fdc82077_regs.h"

namespace tx86::dev {

using namespace fdc_regs;

namespace {

constexpr unsigned kLowPorts = 6;  // 0x3F0-0x3F5
constexpr uint16_t kDirPort = Fdc82077::kBasePort + kRegDir;
constexpr unsigned kPollingStatuses = 4;  // one per logical drive
constexpr unsigned kRecalibrateSteps = 79;
constexpr uint8_t kConfigReset = kConfigFifoDisable;  // FIFO off, polling on, no implied seek

}  // namespace

// One command: the first byte's code under mask, the parameter bytes
// that follow it, and what runs once they are in (datasheet Table 5-1).
struct Fdc82077::Command {
  uint8_t mask;
  uint8_t code;
  uint8_t params;
  void (Fdc82077::*run)();
};

const Fdc82077::Command* Fdc82077::decode(uint8_t first_byte) {
  static constexpr Command kCommands[] = {
      {0x1F, kCmdReadData, 8, &Fdc82077::cmd_read_data},
      {0x1F, kCmdReadDeleted, 8, &Fdc82077::cmd_read_data},
      {0xBF, kCmdReadTrack, 8, &Fdc82077::cmd_read_track},
      {0x3F, kCmdWriteData, 8, &Fdc82077::cmd_write_data},
      {0x3F, kCmdWriteDeleted, 8, &Fdc82077::cmd_write_data},
      {0x1F, kCmdVerify, 8, &Fdc82077::cmd_verify},
      {0xBF, kCmdFormatTrack, 5, &Fdc82077::cmd_format_track},
      {0xBF, kCmdReadId, 1, &Fdc82077::cmd_read_id},
      {0xFF, kCmdRecalibrate, 1, &Fdc82077::cmd_recalibrate},
      {0xFF, kCmdSeek, 2, &Fdc82077::cmd_seek},
      {0xBF, kCmdRelativeSeek, 2, &Fdc82077::cmd_relative_seek},
      {0xFF, kCmdSenseInterrupt, 0, &Fdc82077::cmd_sense_interrupt},
      {0xFF, kCmdSenseDriveStatus, 1, &Fdc82077::cmd_sense_drive_status},
      {0xFF, kCmdSpecify, 2, &Fdc82077::cmd_specify},
      {0xFF, kCmdVersion, 0, &Fdc82077::cmd_version},
      {0xFF, kCmdDumpreg, 0, &Fdc82077::cmd_dumpreg},
      {0xFF, kCmdConfigure, 3, &Fdc82077::cmd_configure},
      {0x7F, kCmdLock, 0, &Fdc82077::cmd_lock},
      {0xFF, kCmdPerpendicular, 1, &Fdc82077::cmd_perpendicular},
  };
  static constexpr Command kInvalid = {0, 0, 0, &Fdc82077::cmd_invalid};
  for (const Command& c : kCommands) {
    if ((first_byte & c.mask) == c.code) return &c;
  }
  return &kInvalid;
}

Fdc82077::Fdc82077(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq,
                   core::DmaChannel& dma, Options options)
    : io_(io),
      scheduler_(scheduler),
      irq_(irq),
      dma_(dma),
      options_(options),
      execute_timer_(scheduler.add_timer("fdc-execute", [this] { execute(); })),
      reset_timer_(scheduler.add_timer("fdc-reset", [this] {
        new_interrupt();
        polling_statuses_ = kPollingStatuses;
        polling_int_ = true;
        update_irq();
      })) {
  if (options_.drives > kMaxDrives) throw std::invalid_argument("fdc82077: at most 4 drives");
  for (unsigned u = 0; u < kMaxDrives; ++u) {
    seek_timers_[u] =
        scheduler.add_timer(fmt::format("fdc-seek{}", u), [this, u] { finish_seek(u); });
  }
  io.register_ports(kBasePort, kLowPorts, this, core::kIoWidth8, "fdc82077");
  io.register_ports(kDirPort, 1, this, core::kIoWidth8, "fdc82077-dir");
  reset();
}

Fdc82077::~Fdc82077() {
  scheduler_.disarm(execute_timer_);
  scheduler_.disarm(reset_timer_);
  for (core::TimerId id : seek_timers_) scheduler_.disarm(id);
  io_.unregister_ports(kBasePort, kLowPorts);
  io_.unregister_ports(kDirPort, 1);
}

void Fdc82077::reset() {
  lock_ = false;  // only a hardware reset clears LOCK
  rate_ = FloppyDataRate::k250Kbps;
  tdr_ = 0;
  pcn_ = {};
  perpendicular_ = 0;
  last_eot_ = 0;
  enter_reset();
  for (FloppyDrive& d : drives_) d.power_on();
  dor_ = kDorNotReset | kDorDmaGate;
  to_command_phase();
  update_irq();
}

FloppyDrive& Fdc82077::drive(unsigned unit) {
  if (!present(unit)) throw std::out_of_range("fdc82077: no drive " + std::to_string(unit));
  return drives_[unit];
}

void Fdc82077::insert(unsigned unit, std::unique_ptr<core::DiskImage> image) {
  drive(unit).insert(std::move(image));
}

std::unique_ptr<core::DiskImage> Fdc82077::eject(unsigned unit) {
  return drive(unit).eject();
}

uint32_t Fdc82077::io_read(uint16_t port, unsigned) {
  switch (port - kBasePort) {
    case kRegDor: return dor_;
    case kRegTdr: return tdr_;
    case kRegMsr: return main_status();
    case kRegFifo: return read_fifo();
    case kRegDir: return read_dir();
    default: return 0xFF;  // SRA and SRB are PS/2-mode registers, not decoded in AT mode
  }
}

void Fdc82077::io_write(uint16_t port, unsigned, uint32_t value) {
  const auto byte = static_cast<uint8_t>(value);
  switch (port - kBasePort) {
    case kRegDor: write_dor(byte); break;
    case kRegTdr: tdr_ = byte & 0x03; break;
    case kRegDsr: write_dsr(byte); break;
    case kRegFifo: write_fifo(byte); break;
    case kRegCcr: rate_ = static_cast<FloppyDataRate>(byte & kDsrRateMask); break;
    default: break;
  }
}

uint8_t Fdc82077::main_status() const {
  switch (phase_) {
    case Phase::kReset: return 0;
    case Phase::kCommand: return kMsrRqm | (cmd_pos_ > 0 ? kMsrCommandBusy : 0) | busy_;
    case Phase::kResult: return kMsrRqm | kMsrDio | kMsrCommandBusy | busy_;
    case Phase::kExecution: break;
  }
  uint8_t msr = kMsrCommandBusy | busy_;
  if (t_.pio) {
    msr |= kMsrNonDma | kMsrRqm;
    if (t_.op == Op::kRead || t_.op == Op::kReadTrack) msr |= kMsrDio;
  }
  return msr;
}

bool Fdc82077::interrupt_pending() const {
  const bool seek_end =
      std::any_of(seek_end_.begin(), seek_end_.end(), [](const auto& s) { return s.has_value(); });
  return polling_int_ || seek_end || result_int_ || pio_int_;
}

void Fdc82077::update_irq() {
  irq_.set(interrupt_pending() && (dor_ & kDorDmaGate) != 0);
}

void Fdc82077::new_interrupt() {
  polling_statuses_ = 0;
  polling_int_ = false;
}

void Fdc82077::write_dor(uint8_t value) {
  const uint8_t old = dor_;
  dor_ = value;
  if ((value & kDorNotReset) == 0) {
    if ((old & kDorNotReset) != 0) enter_reset();
  } else if ((old & kDorNotReset) == 0) {
    leave_reset();
  }
  update_irq();
}

void Fdc82077::write_dsr(uint8_t value) {
  // DSR is write-only; its rate bits are the same latch CCR writes.
  rate_ = static_cast<FloppyDataRate>(value & kDsrRateMask);
  // Power-down (bit 6) only stops the oscillator; the next access wakes
  // the chip, so it has no visible effect here.
  if ((value & kDsrSoftwareReset) != 0 && phase_ != Phase::kReset) {
    enter_reset();
    leave_reset();  // self-clearing
    update_irq();
  }
}

uint8_t Fdc82077::read_dir() const {
  // DSKCHG comes from the drive that DOR selects, and the chip asserts a
  // drive select only with that drive's motor enable (datasheet, DOR).
  // Bits 6-0 are not driven in AT mode.
  const unsigned unit = dor_ & kDorDriveMask;
  const bool selected = (dor_ & (kDorMotor0 << unit)) != 0;
  if (!present(unit) || !selected) return 0;
  return drives_[unit].disk_changed() ? kDirDiskChange : 0;
}

// The chip's software reset (DOR nRESET low, or DSR bit 7): every phase,
// timer and interrupt is cleared. LOCK keeps the FIFO settings and the
// precompensation track; the data rate and the heads' positions stay.
void Fdc82077::enter_reset() {
  scheduler_.disarm(execute_timer_);
  scheduler_.disarm(reset_timer_);
  for (core::TimerId id : seek_timers_) scheduler_.disarm(id);
  phase_ = Phase::kReset;
  cmd_pos_ = 0;
  result_pos_ = result_len_ = 0;
  t_ = Transfer{};
  busy_ = 0;
  specify_ = {};
  config_ = lock_ ? static_cast<uint8_t>((config_ & (kConfigFifoDisable | kConfigThresholdMask)))
                  : kConfigReset;
  if (!lock_) pretrk_ = 0;
  perpendicular_ &= 0x3C;  // GAP and WGATE clear, the drive bits stay
  polling_statuses_ = 0;
  polling_int_ = false;
  seek_end_.fill(std::nullopt);
  result_int_ = false;
  pio_int_ = false;
}

// Polling after reset finds every drive "not ready" at first and raises
// INT, to be answered by four SENSE INTERRUPT STATUS (datasheet 7.4).
void Fdc82077::leave_reset() {
  to_command_phase();
  scheduler_.arm(reset_timer_, scheduler_.now() + kResetTime);
}

void Fdc82077::to_command_phase() {
  phase_ = Phase::kCommand;
  cmd_pos_ = 0;
  command_ = nullptr;
}

void Fdc82077::to_result_phase(std::initializer_list<uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), result_.begin());
  result_len_ = static_cast<unsigned>(bytes.size());
  result_pos_ = 0;
  phase_ = Phase::kResult;
}

void Fdc82077::write_fifo(uint8_t value) {
  if (phase_ == Phase::kExecution) {
    if (t_.pio && t_.op != Op::kRead && t_.op != Op::kReadTrack) pio_write(value);
    return;
  }
  if (phase_ != Phase::kCommand) return;  // no RQM, or DIO says read
  if (cmd_pos_ == 0) {
    command_ = decode(value);
    cmd_len_ = 1u + command_->params;
  }
  cmd_[cmd_pos_++] = value;
  if (cmd_pos_ < cmd_len_) return;
  phase_ = Phase::kExecution;
  (this->*command_->run)();
}

uint8_t Fdc82077::read_fifo() {
  if (phase_ == Phase::kExecution) {
    if (t_.pio && (t_.op == Op::kRead || t_.op == Op::kReadTrack)) return pio_read();
    return 0;
  }
  if (phase_ != Phase::kResult) return 0;
  const uint8_t value = result_[result_pos_++];
  // Reading the first result byte clears the interrupt of the result phase.
  if (result_int_) {
    result_int_ = false;
    update_irq();
  }
  if (result_pos_ == result_len_) to_command_phase();
  return value;
}

void Fdc82077::cmd_specify() {
  specify_ = {cmd_[1], cmd_[2]};
  to_command_phase();
}

void Fdc82077::cmd_sense_drive_status() {
  const unsigned unit = cmd_[1] & 0x03;
  const uint8_t head = cmd_[1] & kSt3Head;
  uint8_t st3 = static_cast<uint8_t>(kSt3Always | head | unit);
  if (present(unit)) {
    if (drives_[unit].write_protected()) st3 |= kSt3WriteProtect;
    if (drives_[unit].track0()) st3 |= kSt3Track0;
  }
  to_result_phase({st3});
}

void Fdc82077::cmd_recalibrate() {
  start_seek(cmd_[1] & 0x03, 0, true);
}

void Fdc82077::cmd_seek() {
  start_seek(cmd_[1] & 0x03, cmd_[2], false);
}

void Fdc82077::cmd_relative_seek() {
  const unsigned unit = cmd_[1] & 0x03;
  const bool inward = (cmd_[0] & 0x40) != 0;
  const int target = pcn_[unit] + (inward ? cmd_[2] : -cmd_[2]);
  start_seek(unit, static_cast<unsigned>(std::clamp(target, 0, 255)), false);
}

unsigned Fdc82077::step_to(unsigned unit, unsigned target) {
  FloppyDrive* d = present(unit) ? &drives_[unit] : nullptr;
  const bool inward = target > pcn_[unit];
  unsigned steps = 0;
  for (; pcn_[unit] != target; ++steps) {
    if (d != nullptr) d->step(inward);
    pcn_[unit] = static_cast<uint8_t>(inward ? pcn_[unit] + 1 : pcn_[unit] - 1);
  }
  return steps;
}

// The head steps at once (so DSKCHG clears with the first pulse); the
// drive stays busy and the interrupt waits for the time the steps take.
// RECALIBRATE gives up after 79 steps without TRK0 (datasheet 5.2.2); a
// drive that is not there never shows TRK0. The head bit of ST0 is
// always 0 after a seek (datasheet 5.2.3).
void Fdc82077::start_seek(unsigned unit, unsigned target, bool recalibrate) {
  to_command_phase();
  uint8_t st0 = static_cast<uint8_t>(kSt0SeekEnd | unit);
  unsigned steps = 0;
  if (recalibrate) {
    FloppyDrive* d = present(unit) ? &drives_[unit] : nullptr;
    for (; steps < kRecalibrateSteps && (d == nullptr || !d->track0()); ++steps) {
      if (d != nullptr) d->step(false);
    }
    if (d == nullptr || !d->track0()) st0 |= kSt0Abnormal | kSt0EquipmentCheck;
    pcn_[unit] = 0;
  } else {
    steps = step_to(unit, target);
  }
  seek_end_[unit].reset();
  seek_status_[unit] = st0;
  busy_ |= static_cast<uint8_t>(kMsrDriveBusy0 << unit);
  scheduler_.arm(seek_timers_[unit], scheduler_.now() + kCommandTime + steps * kStepTime);
}

void Fdc82077::finish_seek(unsigned unit) {
  busy_ &= static_cast<uint8_t>(~(kMsrDriveBusy0 << unit));
  new_interrupt();
  seek_end_[unit] = seek_status_[unit];
  update_irq();
}

// After a reset the polling statuses come first, one per drive; then the
// end of each seek, lowest drive first (datasheet 5.2.4, Table 5-9).
void Fdc82077::cmd_sense_interrupt() {
  if (polling_statuses_ > 0) {
    const unsigned unit = kPollingStatuses - polling_statuses_--;
    polling_int_ = false;
    update_irq();
    to_result_phase({static_cast<uint8_t>(kSt0ReadyChange | unit), pcn_[unit]});
    return;
  }
  for (unsigned unit = 0; unit < kMaxDrives; ++unit) {
    if (!seek_end_[unit]) continue;
    const uint8_t st0 = *seek_end_[unit];
    seek_end_[unit].reset();
    update_irq();
    to_result_phase({st0, pcn_[unit]});
    return;
  }
  to_result_phase({kSt0Invalid});
}

void Fdc82077::cmd_version() {
  to_result_phase({kVersion82077});
}

void Fdc82077::cmd_dumpreg() {
  to_result_phase({pcn_[0], pcn_[1], pcn_[2], pcn_[3], specify_[0], specify_[1], last_eot_,
                   static_cast<uint8_t>((lock_ ? 0x80 : 0) | perpendicular_), config_, pretrk_});
}

void Fdc82077::cmd_configure() {
  config_ = cmd_[2] & 0x7F;
  pretrk_ = cmd_[3];
  to_command_phase();
}

void Fdc82077::cmd_lock() {
  lock_ = (cmd_[0] & 0x80) != 0;
  to_result_phase({static_cast<uint8_t>(lock_ ? 0x10 : 0x00)});
}

// OW (bit 7) guards the drive bits; GAP and WGATE are always written.
void Fdc82077::cmd_perpendicular() {
  const uint8_t v = cmd_[1];
  const uint8_t drives = (v & 0x80) != 0 ? (v & 0x3C) : (perpendicular_ & 0x3C);
  perpendicular_ = static_cast<uint8_t>(drives | (v & 0x03));
  to_command_phase();
}

void Fdc82077::cmd_invalid() {
  spdlog::debug("fdc82077: invalid command 0x{:02x}", cmd_[0]);
  to_result_phase({kSt0Invalid});
}

}  // namespace tx86::dev
