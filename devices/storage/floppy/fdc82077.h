// An Intel 82077AA floppy disk controller in PC-AT mode (datasheet
// 290166): DOR 0x3F2, TDR 0x3F3, MSR/DSR 0x3F4, FIFO 0x3F5 and DIR/CCR
// 0x3F7 (0x3F6 is the hard-disk controller's), INT on IRQ 6 and DRQ on
// ISA DMA channel 2, with up to four FloppyDrives on its cable.
//
// Design:
// - A command runs in the chip's three phases. Bytes written to the FIFO
//   fill the command; simple commands answer at once, while data
//   commands, READ ID and seeks take guest time: a Scheduler timer ends
//   their execution phase, so the result phase and its interrupt never
//   come from inside the port write that issued the command.
// - In DMA mode the whole transfer happens when that timer fires, one
//   sector at a time through the DmaChannel. A transfer ends at terminal
//   count (normal termination) or after the EOT sector of the last side
//   (abnormal, ST1 EN: the 8272A rule that the DMA count, not EOT, ends a
//   good transfer). A channel that refuses data is an overrun (ST1 OR),
//   as the chip's FIFO would overflow.
// - In non-DMA mode (SPECIFY ND) the host moves each byte through the
//   FIFO. The FIFO is modelled as one sector deep: INT rises when a
//   sector's bytes are ready (or room for them is), falls when the host
//   has moved them, and rises again for the next sector, so an
//   edge-triggered PIC sees one request per sector. Without TC such a
//   transfer always ends at EOT with ST1 EN, which drivers expect.
// - Sector IDs are not stored: the track under the head holds IDs
//   (cylinder, side, 1..sectors, N=2) when the medium has that track and
//   the data rate matches its recording; a command's C/H/R/N must match
//   one. A raw image cannot hold any other layout, so FORMAT TRACK only
//   accepts the standard one.
// - A save state holds the registers, the phase, the command and result
//   bytes, the transfer in progress and each drive; the timers are the
//   scheduler's to save (fdc82077_state.cpp).
// Not modelled: the SCAN commands, READ DELETED/WRITE DELETED data marks
// (no image stores them; they act as READ/WRITE DATA), perpendicular
// recording (PERPENDICULAR MODE is stored for DUMPREG only), power-down,
// the FIFO threshold and step/head-load timings.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>

#include "core/io/dma_channel.h"
#include "core/io/io_bus.h"
#include "core/irq/irq_line.h"
#include "core/sched/scheduler.h"
#include "core/state/state_part.h"
#include "core/storage/disk_image.h"
#include "devices/storage/floppy/floppy_drive.h"
#include "devices/storage/floppy/floppy_format.h"

namespace tx86::dev {

class Fdc82077 final : public core::IoHandler, public core::StatePart {
 public:
  static constexpr uint16_t kBasePort = 0x3F0;
  static constexpr unsigned kIrq = 6;
  static constexpr unsigned kDmaChannel = 2;
  static constexpr unsigned kMaxDrives = 4;
  static constexpr unsigned kSectorSize = FloppyFormat::kSectorSize;

  // Guest time from the last command byte to the result phase of a data
  // command or READ ID, and to the end of a seek that does not move.
  static constexpr core::GuestTime kCommandTime = 200'000;  // 200 µs
  // Each cylinder a seek crosses (shorter than a drive's 3 ms step: the
  // guest only waits for the interrupt).
  static constexpr core::GuestTime kStepTime = 20'000;
  // From the end of a reset to the polling interrupt.
  static constexpr core::GuestTime kResetTime = 250'000;

  enum class Phase : uint8_t { kReset, kCommand, kExecution, kResult };

  struct Options {
    unsigned drives = 2;  // units 0..drives-1 are on the cable
  };

  // Registers ports 0x3F0-0x3F5 and 0x3F7. irq is the INT output (IRQ 6),
  // dma the DRQ/DACK channel (2). All must outlive the controller, which
  // unregisters its ports and disarms its timers when destroyed.
  Fdc82077(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq, core::DmaChannel& dma,
           Options options);
  Fdc82077(core::IoBus& io, core::Scheduler& scheduler, core::IrqLine& irq, core::DmaChannel& dma)
      : Fdc82077(io, scheduler, irq, dma, Options{}) {}
  ~Fdc82077() override;
  Fdc82077(const Fdc82077&) = delete;
  Fdc82077& operator=(const Fdc82077&) = delete;

  // Machine reset: the hardware-reset state, except that DOR reads 0x0C
  // (out of reset, INT and DRQ enabled) with no interrupt pending, as a
  // PC's POST leaves it. SeaBIOS relies on that: it only ORs nRESET into
  // DOR, which from 0x00 would leave INT gated off. Media stay inserted.
  void reset();

  // Drive unit (0..drives-1); throws std::out_of_range for another unit.
  FloppyDrive& drive(unsigned unit);
  // Medium changes, as a user does them at run time. insert() throws
  // core::UserError for an image of no floppy size.
  void insert(unsigned unit, std::unique_ptr<core::DiskImage> image);
  std::unique_ptr<core::DiskImage> eject(unsigned unit);

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

  // State for tests and the monitor; reading it changes nothing.
  Phase phase() const { return phase_; }
  uint8_t main_status() const;
  uint8_t present_cylinder(unsigned unit) const { return pcn_.at(unit); }  // PCN
  FloppyDataRate data_rate() const { return rate_; }
  bool dma_mode() const { return (specify_[1] & 0x01) == 0; }
  bool interrupt_pending() const;

 private:
  enum class Op : uint8_t { kRead, kReadTrack, kWrite, kVerify, kFormat, kReadId };
  static constexpr unsigned kFormatIdBytes = 4;  // C, H, R, N of each sector FORMAT TRACK lays down

  // The data command in its execution phase, and the ID of the sector it
  // transfers next.
  struct Transfer {
    Op op = Op::kRead;
    uint8_t unit = 0;
    uint8_t head = 0;  // the side selected (HDS), which MT may advance
    uint8_t c = 0, h = 0, r = 0, n = 0;
    uint8_t eot = 0;
    uint8_t count = 0;  // VERIFY with EC, FORMAT: sectors still to go
    uint8_t filler = 0;
    uint8_t physical = 0;  // READ TRACK: the next sector in track order
    bool multi_track = false;
    bool mfm = false;
    bool count_limited = false;  // VERIFY EC
    uint8_t st0 = 0, st1 = 0, st2 = 0;
    // Non-DMA: the FIFO's bytes of the current sector (or FORMAT ID).
    bool pio = false;
    std::array<uint8_t, kSectorSize> buffer{};
    size_t pos = 0;
    size_t length = 0;
  };

  struct Command;
  static const Command* decode(uint8_t first_byte);

  // Registers and phases (fdc82077.cpp).
  void write_dor(uint8_t value);
  void write_dsr(uint8_t value);
  uint8_t read_dir() const;
  void write_fifo(uint8_t value);
  uint8_t read_fifo();
  void enter_reset();
  void leave_reset();
  void to_command_phase();
  void to_result_phase(std::initializer_list<uint8_t> bytes);
  bool present(unsigned unit) const { return unit < options_.drives; }
  void update_irq();
  // A new interrupt condition discards the polling statuses a reset left.
  void new_interrupt();

  // Commands without a data phase.
  void cmd_specify();
  void cmd_sense_drive_status();
  void cmd_recalibrate();
  void cmd_seek();
  void cmd_relative_seek();
  void cmd_sense_interrupt();
  void cmd_version();
  void cmd_dumpreg();
  void cmd_configure();
  void cmd_lock();
  void cmd_perpendicular();
  void cmd_invalid();
  // Steps unit's head until the PCN is target; returns the step count.
  unsigned step_to(unsigned unit, unsigned target);
  void start_seek(unsigned unit, unsigned target, bool recalibrate);
  void finish_seek(unsigned unit);

  // Data commands (fdc82077_transfer.cpp).
  void cmd_read_data();
  void cmd_read_track();
  void cmd_write_data();
  void cmd_verify();
  void cmd_format_track();
  void cmd_read_id();
  void start_transfer(Op op);
  void execute();
  void read_id();
  void run_dma();
  void run_verify();
  void run_format_dma();
  void start_pio();
  uint8_t pio_read();
  void pio_write(uint8_t value);
  void pio_unit_done();
  // Each sets t_'s error bits and returns false when the sector (or
  // track) is not there.
  bool track_readable();
  bool locate_sector();
  bool locate_next();
  bool check_format();
  // Adds an abnormal termination's status bits; returns false.
  bool fail(uint8_t st1, uint8_t st2);
  uint8_t sector_number() const;
  // Moves one sector between the medium and the DMA channel.
  bool dma_sector(bool& terminal_count);
  bool format_sector(std::span<const uint8_t, kFormatIdBytes> id);
  bool next_sector();
  void end_transfer();

  // fdc82077_state.cpp
  void save_transfer(core::StateWriter& w) const;
  void load_transfer(core::StateReader& r);

  core::IoBus& io_;
  core::Scheduler& scheduler_;
  core::IrqLine& irq_;
  core::DmaChannel& dma_;
  Options options_;
  core::TimerId execute_timer_;
  core::TimerId reset_timer_;
  std::array<core::TimerId, kMaxDrives> seek_timers_{};
  std::array<FloppyDrive, kMaxDrives> drives_;

  uint8_t dor_ = 0;
  uint8_t tdr_ = 0;
  FloppyDataRate rate_ = FloppyDataRate::k250Kbps;
  Phase phase_ = Phase::kCommand;

  std::array<uint8_t, 9> cmd_{};
  unsigned cmd_pos_ = 0;
  unsigned cmd_len_ = 0;
  const Command* command_ = nullptr;
  std::array<uint8_t, 10> result_{};
  unsigned result_pos_ = 0;
  unsigned result_len_ = 0;
  Transfer t_;

  // Registers the commands set.
  std::array<uint8_t, 2> specify_{};  // SRT|HUT, HLT|ND
  uint8_t config_ = 0;                // CONFIGURE byte 2: EIS EFIFO POLL FIFOTHR
  uint8_t pretrk_ = 0;
  uint8_t perpendicular_ = 0;  // D3-D0 << 2 | GAP << 1 | WGATE
  bool lock_ = false;
  uint8_t last_eot_ = 0;  // DUMPREG's SC/EOT
  std::array<uint8_t, kMaxDrives> pcn_{};
  uint8_t busy_ = 0;  // MSR drive-busy bits: drives seeking

  // Interrupt conditions; INT is their OR, gated by DOR DMA gate.
  unsigned polling_statuses_ = 0;  // reset: SENSE INTERRUPT results left
  bool polling_int_ = false;
  std::array<std::optional<uint8_t>, kMaxDrives> seek_end_;  // ST0 for SENSE INTERRUPT
  std::array<uint8_t, kMaxDrives> seek_status_{};            // ST0 once the seek ends
  bool result_int_ = false;
  bool pio_int_ = false;
};

}  // namespace tx86::dev
