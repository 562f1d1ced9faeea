#include "devices/pc/board.h"

#include <spdlog/spdlog.h>

#include "core/machine/user_error.h"

#include "devices/chipset/coprocessor_error.h"
#include "devices/chipset/i440fx.h"
#include "devices/chipset/pci_host.h"
#include "devices/chipset/piix3.h"
#include "devices/chipset/reset_control.h"
#include "devices/debug/debug_console.h"
#include "devices/debug/post_code.h"
#include "devices/dma/isa_dma.h"
#include "devices/firmware/fw_cfg.h"
#include "devices/input/i8042.h"
#include "devices/input/ps2_keyboard.h"
#include "devices/input/ps2_mouse.h"
#include "devices/pic/pic8259_pair.h"
#include "devices/rtc/cmos_layout.h"
#include "devices/rtc/rtc.h"
#include "devices/serial/uart16550.h"
#include "devices/storage/ata/ata_disk.h"
#include "devices/storage/ata/atapi_cdrom.h"
#include "devices/storage/ata/piix3_ide.h"
#include "devices/storage/floppy/fdc82077.h"
#include "devices/timer/pit8254.h"
#include "devices/timer/port_b.h"
#include "devices/video/std_vga.h"
#include "devices/video/vga_text_mode.h"

namespace tx86::dev {

namespace {
// PLATFORM.md A.2 / A.6.
constexpr unsigned kIrqPit = 0;
constexpr unsigned kIrqFloppy = 6;
constexpr unsigned kDmaFloppy = 2;
constexpr unsigned kIrqKeyboard = 1;
constexpr unsigned kIrqCom2 = 3;
constexpr unsigned kIrqCom1 = 4;
constexpr unsigned kIrqRtc = 8;
constexpr unsigned kIrqMouse = 12;
constexpr unsigned kIrqFpu = 13;
constexpr unsigned kIrqIdePrimary = 14;
constexpr unsigned kIrqIdeSecondary = 15;
// An I/O cycle on the ISA bus: 8 clocks of 8.33 MHz, about the microsecond
// that Linux's io_delay (an OUT to port 80h) and its PIT calibration assume.
constexpr core::GuestTime kIsaIoCycleNs = 1000;
}  // namespace

Board::Board(core::Machine& machine, const BoardConfig& config)
    : config_(config), cpu_(machine.cpu()) {
  core::IoBus& io = machine.io();
  core::Scheduler& sched = machine.scheduler();

  pic_ = std::make_unique<Pic8259Pair>(io);
  for (unsigned n = 0; n < irq_.size(); ++n) {
    irq_[n].connect([this, n](bool level) { pic_->set_irq(n, level); });
  }
  machine.cpu().set_interrupt_source(pic_.get());

  debugcon_ = std::make_unique<DebugConsole>(io, config.debugcon);
  post_code_ = std::make_unique<PostCode>(io);
  debug_exit_ = std::make_unique<DebugExit>(io, machine, config.exit_mode);
  pit_ = std::make_unique<Pit8254>(io, sched, irq_[kIrqPit]);
  pit_->set_bus_cycle(kIsaIoCycleNs);
  port_b_ = std::make_unique<PortB>(io, *pit_);
  rtc_ = std::make_unique<Rtc>(io, sched, irq_[kIrqRtc], config.rtc_start);
  dma_ = std::make_unique<IsaDma>(io, machine.memory());
  fdc_ = std::make_unique<Fdc82077>(io, sched, irq_[kIrqFloppy], dma_->channel(kDmaFloppy));
  reset_control_ = std::make_unique<ResetControl>(io, machine);
  fpu_error_ =
      std::make_unique<CoprocessorError>(io, irq_[kIrqFpu], [this] { cpu_.assert_ignne(); });
  cpu_.set_ferr_handler([this] { fpu_error_->ferr(); });
  keyboard_ = std::make_unique<Ps2Keyboard>(sched);
  mouse_ = std::make_unique<Ps2Mouse>(sched);
  kbc_ = std::make_unique<I8042>(io, machine, irq_[kIrqKeyboard], irq_[kIrqMouse], *keyboard_,
                                 *mouse_);

  // COM2-COM4 stay absent unless given a line, so the firmware's probes
  // read 0xFF there (PLATFORM.md A.2).
  if (config.serial[0] != nullptr) {
    uart_[0] = std::make_unique<Uart16550>(io, sched, irq_[kIrqCom1], config.serial[0],
                                           Uart16550::kCom1Port);
  }
  if (config.serial[1] != nullptr) {
    uart_[1] = std::make_unique<Uart16550>(io, sched, irq_[kIrqCom2], config.serial[1],
                                           Uart16550::kCom2Port);
  }

  pci_ = std::make_unique<PciHost>(
      io, PciHost::ByteRegister{[this] { return reset_control_->read_cf9(); },
                                [this](uint8_t v) { reset_control_->write_cf9(v); }});
  i440fx_ = std::make_unique<I440fx>(machine.memory());
  piix3_ = std::make_unique<Piix3Isa>();
  ide_ = std::make_unique<Piix3Ide>(io, machine.memory(), irq_[kIrqIdePrimary],
                                    irq_[kIrqIdeSecondary]);
  attach_ide_drives(config);
  vga_ = std::make_unique<StdVga>(io, machine.memory(), sched, config.vga_bios);
  pci_->attach(0, 0, i440fx_.get());
  pci_->attach(1, 0, piix3_.get());
  pci_->attach(1, 1, ide_.get());
  pci_->attach(2, 0, vga_.get());

  CmosLayout cmos;
  cmos.ram_below_4g = machine.config().ram_bytes;
  cmos.ps2_mouse = true;
  cmos.boot_order = config.boot_order;
  cmos.ata_translation = ata_translation();
  const std::array<FloppyType, 2> floppies = insert_floppies(config);
  cmos.floppy_a = floppies[0];
  cmos.floppy_b = floppies[1];
  apply_cmos_layout(*rtc_, cmos);
  if (config.cmos_file && std::filesystem::exists(*config.cmos_file)) rtc_->load(*config.cmos_file);

  build_fw_cfg(machine, config);
  machine.add_reset_hook([this] { reset(); });
  register_state_parts(machine);
}

void Board::register_state_parts(core::Machine& machine) {
  machine.add_state_part("irq-lines", 1, this);
  machine.add_state_part("pic", 1, pic_.get());
  machine.add_state_part("pit", 2, pit_.get());
  machine.add_state_part("port-b", 1, port_b_.get());
  machine.add_state_part("rtc", 1, rtc_.get());
  machine.add_state_part("dma", 2, dma_.get());
  machine.add_state_part("reset-control", 1, reset_control_.get());
  machine.add_state_part("post-code", 1, post_code_.get());
  machine.add_state_part("debugcon", 1, debugcon_.get());
  machine.add_state_part("keyboard", 1, keyboard_.get());
  machine.add_state_part("mouse", 1, mouse_.get());
  machine.add_state_part("kbc", 1, kbc_.get());
  if (uart_[0]) machine.add_state_part("com1", 1, uart_[0].get());
  if (uart_[1]) machine.add_state_part("com2", 1, uart_[1].get());
  machine.add_state_part("fw-cfg", 1, fw_cfg_.get());
  machine.add_state_part("i440fx", 1, i440fx_.get());
  machine.add_state_part("ide", 1, ide_.get());
  machine.add_state_part("fdc", 1, fdc_.get());
  machine.add_state_part("vga", 1, vga_.get());
  // Last: loading the configuration spaces maps the BARs of the devices
  // above as they were.
  machine.add_state_part("pci", 1, pci_.get());
}

void Board::save_state(core::StateWriter& w) const {
  for (const core::IrqLine& line : irq_) w.boolean(line.level());
}

void Board::load_state(core::StateReader& r) {
  for (core::IrqLine& line : irq_) line.restore_level(r.boolean());
}

Board::~Board() {
  cpu_.set_ferr_handler(nullptr);
  try {
    save_cmos();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
  }
}

void Board::vga_text_mode() {
  const std::span<const uint8_t> font = find_vga_font_8x16(vga_->rom());
  if (font.empty()) spdlog::warn("the VGA BIOS image has no 8x16 font: the text screen shows none");
  set_vga_text_mode_3(*vga_, font);
}

void Board::save_cmos() {
  if (config_.cmos_file) rtc_->save(*config_.cmos_file);
}

void Board::reset() {
  pic_->reset();
  pit_->reset();
  port_b_->reset();
  rtc_->reset();
  dma_->reset();
  fdc_->reset();
  reset_control_->reset();
  fpu_error_->reset();
  keyboard_->reset();
  mouse_->reset();
  kbc_->reset();
  for (auto& uart : uart_) {
    if (uart) uart->reset();
  }
  pci_->reset();
  i440fx_->reset();
  piix3_->reset();
  ide_->reset();
  vga_->reset();
  fw_cfg_->reset();
}

void Board::attach_ide_drives(const BoardConfig& config) {
  for (unsigned i = 0; i < config.ide.size(); ++i) {
    const DriveConfig& d = config.ide[i];
    if (d.kind == DriveConfig::Kind::kNone) continue;
    const std::string serial = "TX86-" + std::to_string(i);
    IdeChannel& channel = ide_->channel(i / 2);
    if (d.kind == DriveConfig::Kind::kDisk) {
      auto image = core::DiskImage::open(d.file, {d.read_only, config.snapshot});
      if (image->size() % core::DiskImage::kSectorSize != 0) {
        throw core::UserError("hard disk image " + d.file.string() + " has " +
                              std::to_string(image->size()) +
                              " bytes, not a whole number of 512-byte sectors");
      }
      channel.attach(i % 2, std::make_unique<AtaDisk>(std::move(image), serial));
    } else {
      std::unique_ptr<core::DiskImage> disc;
      if (!d.file.empty()) {
        disc = core::DiskImage::open(d.file, {true, false});
        if (disc->size() % AtapiCdrom::kBlockSize != 0) {
          throw core::UserError("CD-ROM image " + d.file.string() + " has " +
                                std::to_string(disc->size()) +
                                " bytes, not a whole number of 2048-byte blocks");
        }
      }
      channel.attach(i % 2, std::make_unique<AtapiCdrom>(std::move(disc), serial));
    }
  }
}

namespace {

std::optional<unsigned> floppy_unit(const std::string& drive) {
  if (drive == "floppy0" || drive == "fda") return 0;
  if (drive == "floppy1" || drive == "fdb") return 1;
  return std::nullopt;
}

// The CD-ROM drive `drive` names: ide<channel>-cd<slot>, or "cdrom" for the
// first one.
AtapiCdrom* cdrom_drive(Piix3Ide& ide, const std::string& drive) {
  for (unsigned ch = 0; ch < 2; ++ch) {
    for (unsigned slot = 0; slot < 2; ++slot) {
      auto* cd = dynamic_cast<AtapiCdrom*>(ide.channel(ch).device(slot));
      if (cd == nullptr) continue;
      const std::string name = "ide" + std::to_string(ch) + "-cd" + std::to_string(slot);
      if (drive == name || drive == "cdrom") return cd;
    }
  }
  return nullptr;
}

std::unique_ptr<core::DiskImage> open_disc(const std::filesystem::path& file) {
  auto disc = core::DiskImage::open(file, {true, false});
  if (disc->size() % AtapiCdrom::kBlockSize != 0) {
    throw core::UserError("CD-ROM image " + file.string() + " has " + std::to_string(disc->size()) +
                          " bytes, not a whole number of 2048-byte blocks");
  }
  return disc;
}

}  // namespace

void Board::change_medium(const std::string& drive, const std::filesystem::path& file,
                          bool snapshot) {
  if (const std::optional<unsigned> unit = floppy_unit(drive)) {
    fdc_->insert(*unit, core::DiskImage::open(file, {false, snapshot}));
    return;
  }
  if (AtapiCdrom* cd = cdrom_drive(*ide_, drive)) {
    std::unique_ptr<core::DiskImage> disc = open_disc(file);
    if (cd->has_medium() && !cd->eject()) {
      throw core::UserError("the guest has locked the disc in " + drive);
    }
    cd->insert(std::move(disc));
    return;
  }
  throw core::UserError("no drive '" + drive + "' that takes media (floppy0, floppy1, ide1-cd0)");
}

void Board::eject_medium(const std::string& drive, bool force) {
  if (const std::optional<unsigned> unit = floppy_unit(drive)) {
    fdc_->eject(*unit);
    return;
  }
  if (AtapiCdrom* cd = cdrom_drive(*ide_, drive)) {
    if (!cd->eject(force)) {
      throw core::UserError("the guest has locked the disc in " + drive + " (eject -f forces it)");
    }
    return;
  }
  throw core::UserError("no drive '" + drive + "' that takes media (floppy0, floppy1, ide1-cd0)");
}

std::array<FloppyType, 2> Board::insert_floppies(const BoardConfig& config) {
  std::array<FloppyType, 2> types{};
  for (unsigned unit = 0; unit < config.floppy.size(); ++unit) {
    const DriveConfig& d = config.floppy[unit];
    if (d.kind == DriveConfig::Kind::kNone) continue;
    fdc_->insert(unit, core::DiskImage::open(d.file, {d.read_only, config.snapshot}));
    // The drive is the kind that takes this medium, as QEMU's "auto" drive
    // type picks it.
    types[unit] = static_cast<FloppyType>(fdc_->drive(unit).format()->cmos_type);
  }
  return types;
}

// What QEMU puts in CMOS 0x39 for its "auto" translation: none when the
// disk's geometry fits the BIOS's CHS limits, LARGE while the cylinders
// can be folded into heads, LBA beyond.
std::array<AtaTranslation, 4> Board::ata_translation() {
  std::array<AtaTranslation, 4> t{};
  for (unsigned i = 0; i < 4; ++i) {
    auto* disk = dynamic_cast<AtaDisk*>(ide_->channel(i / 2).device(i % 2));
    if (disk == nullptr) continue;
    const ChsGeometry& g = disk->geometry();
    if (g.cylinders <= 1024 && g.heads <= 16 && g.sectors <= 63) {
      t[i] = AtaTranslation::kNone;
    } else if (static_cast<uint64_t>(g.cylinders) * g.heads <= 131072) {
      t[i] = AtaTranslation::kLarge;
    } else {
      t[i] = AtaTranslation::kLba;
    }
  }
  return t;
}

const Frame& Board::frame(core::GuestTime now) const {
  return vga_->frame(now / 16'666'667);
}

uint64_t Board::frame_version() const {
  return vga_->frame_version();
}

std::string Board::screen_text() const {
  return text_screen(vga_->registers(), vga_->vram());
}

// The minimal fw_cfg of PLATFORM.md A.4: RAM size and e820, CPU count, the
// boot menu off, boot-fail wait, and the serial console port.
void Board::build_fw_cfg(core::Machine& machine, const BoardConfig& config) {
  fw_cfg_ = std::make_unique<FwCfg>(machine.io());
  const uint64_t ram = machine.config().ram_bytes;
  fw_cfg_->add_u64(FwCfg::kKeyRamSize, ram);
  fw_cfg_->add_u16(FwCfg::kKeyNoGraphic, config.serial_console ? 1 : 0);
  fw_cfg_->add_u16(FwCfg::kKeyNbCpus, 1);
  fw_cfg_->add_u16(FwCfg::kKeyMaxCpus, 1);
  fw_cfg_->add_u16(FwCfg::kKeyBootMenu, config.boot_menu ? 1 : 0);

  // etc/e820: {u64 address, u64 length, u32 type}; SeaBIOS adds the
  // reserved areas (EBDA, BIOS) itself.
  std::vector<uint8_t> e820 = le_bytes(0, 8);
  for (uint8_t b : le_bytes(ram, 8)) e820.push_back(b);
  for (uint8_t b : le_bytes(1, 4)) e820.push_back(b);
  fw_cfg_->add_file("etc/e820", std::move(e820));
  fw_cfg_->add_file("etc/show-boot-menu", le_bytes(config.boot_menu ? 1 : 0, 2));
  if (config.boot_fail_wait_ms) {
    fw_cfg_->add_file("etc/boot-fail-wait", le_bytes(*config.boot_fail_wait_ms, 4));
  }
  if (config.serial_console) fw_cfg_->add_file("etc/sercon-port", le_bytes(0x3F8, 2));
}

}  // namespace tx86::dev
