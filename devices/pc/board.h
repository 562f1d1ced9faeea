// The PC board: the one place that knows every chip, builds them, and wires
// their ports, IRQs and memory ranges into a Machine (PLATFORM.md): an
// i440FX + PIIX3 PC with the 8259 pair, 8254, MC146818, 8237s, 8042 with
// PS/2 devices, 16550A UARTs, a PCI std VGA, QEMU's fw_cfg and the debug
// ports.
#pragma once

#include <array>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/io/char_backend.h"
#include "core/io/char_sink.h"
#include "core/irq/irq_line.h"
#include "core/machine/machine.h"
#include "devices/debug/debug_exit.h"
#include "devices/rtc/cmos_layout.h"
#include "devices/video/vga_render.h"

namespace tx86::dev {

class DebugConsole;
class Fdc82077;
class FwCfg;
class I8042;
class Ps2Keyboard;
class Ps2Mouse;
class I440fx;
class IsaDma;
class PciHost;
class Pic8259Pair;
class Piix3Ide;
class Piix3Isa;
class Pit8254;
class PortB;
class PostCode;
class ResetControl;
class CoprocessorError;
class Rtc;
class StdVga;
class Uart16550;

// A drive and the image in it.
struct DriveConfig {
  enum class Kind : uint8_t { kNone, kDisk, kCdrom };
  Kind kind = Kind::kNone;
  std::filesystem::path file;  // empty for a CD-ROM drive with no disc
  bool read_only = false;
};

struct BoardConfig {
  core::CharSink* debugcon = nullptr;  // where debug-console bytes go, or nowhere
  DebugExitMode exit_mode = DebugExitMode::kQemu;
  std::vector<uint8_t> vga_bios;  // the std VGA's option ROM
  // The lines of COM1 and COM2; a UART exists only where a line is given.
  std::array<core::CharBackend*, 2> serial{};
  // QEMU -boot: order of a/b (floppy), c (disk), d (CD-ROM), n (network).
  std::string boot_order = "cad";
  bool boot_menu = false;
  // How long SeaBIOS waits before retrying a failed boot (etc/boot-fail-wait).
  std::optional<uint32_t> boot_fail_wait_ms;
  // SeaBIOS mirrors its screen text to COM1 (fw_cfg etc/sercon-port), as
  // with QEMU's -nographic.
  bool serial_console = false;
  // The RTC's time at power-on, in Unix seconds (UTC).
  std::time_t rtc_start = 946684800;  // 2000-01-01 00:00:00
  // CMOS RAM kept in a file between runs (--cmos): loaded if it exists, saved
  // when the board goes away.
  std::optional<std::filesystem::path> cmos_file;
  // IDE drives: primary master, primary slave, secondary master,
  // secondary slave.
  std::array<DriveConfig, 4> ide{};
  // Floppy drives A: and B: (kind kDisk with a file, or kNone).
  std::array<DriveConfig, 2> floppy{};
  // Every image opened with writes going to a throw-away overlay.
  bool snapshot = false;
};

class Board final : public core::StatePart {
 public:
  Board(core::Machine& machine, const BoardConfig& config);
  ~Board() override;
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  // Power-on state of every device (the machine runs it on each reset).
  void reset();
  // The VGA text screen (see dev::text_screen).
  std::string screen_text() const;
  // The VGA picture at guest time `now` (the cursor and blinking follow a
  // 60 Hz frame count); valid until the next call.
  const Frame& frame(core::GuestTime now) const;
  // Goes up whenever frame() returns a different picture.
  uint64_t frame_version() const;
  // Writes the CMOS file now (also done on destruction).
  void save_cmos();
  // Puts the VGA in text mode 3, with the VGA BIOS's font, as the BIOS
  // would have (for a kernel started without one).
  void vga_text_mode();

  // Medium changes, as the monitor's `change` and `eject` make them. The
  // drive is named as in QEMU ("floppy0", "floppy1", "ide1-cd0") or as the
  // command line names it ("fda", "fdb", "cdrom": the first CD-ROM drive).
  // Throw core::UserError for an unknown drive or one of another kind, an
  // image that does not fit it, and a disc the guest locked in (unless
  // force).
  void change_medium(const std::string& drive, const std::filesystem::path& file, bool snapshot);
  void eject_medium(const std::string& drive, bool force);

  // Save states: the IRQ lines' levels. (The devices are parts of their
  // own, registered with the machine in register_state_parts.)
  void save_state(core::StateWriter& w) const override;
  void load_state(core::StateReader& r) override;

  // Input devices, for the frontends.
  Ps2Keyboard& keyboard() { return *keyboard_; }
  Ps2Mouse& mouse() { return *mouse_; }
  Piix3Ide& ide() { return *ide_; }
  Fdc82077& fdc() { return *fdc_; }

 private:
  void build_fw_cfg(core::Machine& machine, const BoardConfig& config);
  // Opens the IDE drives' images (a bad one is a UserError) and attaches
  // the drives.
  void attach_ide_drives(const BoardConfig& config);
  std::array<AtaTranslation, 4> ata_translation();
  // Opens the floppy images and inserts them; returns the CMOS drive types.
  std::array<FloppyType, 2> insert_floppies(const BoardConfig& config);
  void register_state_parts(core::Machine& machine);

  BoardConfig config_;
  core::Cpu& cpu_;
  std::array<core::IrqLine, 16> irq_;
  std::unique_ptr<DebugConsole> debugcon_;
  std::unique_ptr<PostCode> post_code_;
  std::unique_ptr<DebugExit> debug_exit_;
  std::unique_ptr<Pic8259Pair> pic_;
  std::unique_ptr<Pit8254> pit_;
  std::unique_ptr<PortB> port_b_;
  std::unique_ptr<Rtc> rtc_;
  std::unique_ptr<IsaDma> dma_;
  std::unique_ptr<ResetControl> reset_control_;
  std::unique_ptr<CoprocessorError> fpu_error_;
  std::unique_ptr<Ps2Keyboard> keyboard_;
  std::unique_ptr<Ps2Mouse> mouse_;
  std::unique_ptr<I8042> kbc_;
  std::unique_ptr<PciHost> pci_;
  std::unique_ptr<I440fx> i440fx_;
  std::unique_ptr<Piix3Isa> piix3_;
  std::unique_ptr<Piix3Ide> ide_;
  std::unique_ptr<Fdc82077> fdc_;
  std::unique_ptr<StdVga> vga_;
  std::array<std::unique_ptr<Uart16550>, 2> uart_;
  std::unique_ptr<FwCfg> fw_cfg_;
};

}  // namespace tx86::dev
