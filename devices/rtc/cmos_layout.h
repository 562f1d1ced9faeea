// The CMOS RAM contents a PC BIOS expects, filled the way QEMU's pc
// machine does (PLATFORM.md A.3): memory sizes, floppy types, the
// equipment byte, the boot order, the CPU count and the standard checksum.
// The century (0x32) is the clock's: Rtc sets it from its start time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "devices/rtc/rtc.h"

namespace tx86::dev {

// CMOS 0x10 drive type codes (one nibble per drive).
enum class FloppyType : uint8_t {
  kNone = 0,
  k360K = 1,
  k1_2M = 2,
  k720K = 3,
  k1_44M = 4,
  k2_88M = 5,
};

// CMOS 0x39 translation codes, as QEMU and SeaBIOS use them.
enum class AtaTranslation : uint8_t {
  kNone = 0,
  kLba = 1,
  kLarge = 2,
  kRechs = 3,
};

struct CmosLayout {
  uint64_t ram_below_4g = 128ull << 20;  // bytes
  uint64_t ram_above_4g = 0;
  FloppyType floppy_a = FloppyType::kNone;
  FloppyType floppy_b = FloppyType::kNone;
  bool fpu = false;  // equipment bit 1
  bool ps2_mouse = true;
  // QEMU's -boot order: up to three of a/b (floppy), c (hard disk),
  // d (CD-ROM), n (network), first choice first. Empty: SeaBIOS then uses
  // discovery order.
  std::string boot_order = "c";
  // Floppy boot-signature (0x55AA) check; 0x38 bit 0 = 1 turns it off.
  bool floppy_signature_check = true;
  unsigned cpus = 1;
  // 0x39: the BIOS's CHS translation of each IDE disk (primary master,
  // primary slave, secondary master, secondary slave), 2 bits each.
  std::array<AtaTranslation, 4> ata_translation{};
};

// Boot device nibble for one QEMU boot letter; throws core::UserError.
uint8_t cmos_boot_device(char letter);

// Writes the layout into the RTC's RAM, then the checksum over 0x10-0x2D
// at 0x2E (high byte) and 0x2F (low byte). Throws core::UserError for a
// bad boot order or CPU count.
void apply_cmos_layout(Rtc& rtc, const CmosLayout& layout);

// Recomputes the 0x2E/0x2F checksum (after the board edits 0x10-0x2D).
void update_cmos_checksum(Rtc& rtc);

}  // namespace tx86::dev
