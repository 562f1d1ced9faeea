#include "devices/rtc/cmos_layout.h"

#include <algorithm>
#include <array>

#include "core/machine/user_error.h"

namespace tx86::dev {

namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t k64KiB = 64 * kKiB;
constexpr uint64_t kBaseMemoryKiB = 640;

// Layout indexes (IBM AT CMOS map plus the QEMU/SeaBIOS extensions).
constexpr unsigned kFloppyTypes = 0x10;
constexpr unsigned kEquipment = 0x14;
constexpr unsigned kAtaTranslation = 0x39;
constexpr unsigned kBaseMemory = 0x15;      // 0x15/0x16, KiB
constexpr unsigned kExtendedMemory = 0x17;  // 0x17/0x18, KiB above 1 MiB
constexpr unsigned kChecksumFirst = 0x10;
constexpr unsigned kChecksumLast = 0x2D;
constexpr unsigned kChecksum = 0x2E;         // 0x2E high, 0x2F low
constexpr unsigned kExtendedMemory2 = 0x30;  // 0x30/0x31, copy of 0x17/0x18
constexpr unsigned kMemoryAbove16M = 0x34;   // 0x34/0x35, 64 KiB units
constexpr unsigned kBootOrder3 = 0x38;       // bits 7-4 third device, bit 0 no sig check
constexpr unsigned kBootOrder12 = 0x3D;      // low nibble first, high second
constexpr unsigned kMemoryAbove4G = 0x5B;    // 0x5B-0x5D, 64 KiB units
constexpr unsigned kCpuCountMinus1 = 0x5F;

constexpr uint8_t kEquipFloppy = 0x01;
constexpr uint8_t kEquipFpu = 0x02;
constexpr uint8_t kEquipMouse = 0x04;

void set16(Rtc& rtc, unsigned index, uint64_t value) {
  rtc.set_cmos(index, static_cast<uint8_t>(value));
  rtc.set_cmos(index + 1, static_cast<uint8_t>(value >> 8));
}

}  // namespace

uint8_t cmos_boot_device(char letter) {
  switch (letter) {
    case 'a':
    case 'b': return 1;  // floppy
    case 'c': return 2;  // hard disk
    case 'd': return 3;  // CD-ROM
    case 'n': return 4;  // network (BEV)
    default:
      throw core::UserError(std::string("invalid boot device '") + letter +
                            "' (expected a, b, c, d or n)");
  }
}

void apply_cmos_layout(Rtc& rtc, const CmosLayout& layout) {
  if (layout.boot_order.size() > 3) {
    throw core::UserError("boot order '" + layout.boot_order +
                          "' names more than three devices (CMOS holds three)");
  }
  if (layout.cpus < 1 || layout.cpus > 256) throw core::UserError("CPU count must be 1-256");

  const uint8_t floppy_types = static_cast<uint8_t>(static_cast<uint8_t>(layout.floppy_a) << 4 |
                                                    static_cast<uint8_t>(layout.floppy_b));
  rtc.set_cmos(kFloppyTypes, floppy_types);

  // Equipment byte: bit 0 floppies present with bits 7-6 = count - 1;
  // display bits 5-4 = 00 (EGA/VGA).
  const unsigned floppies = (layout.floppy_a != FloppyType::kNone ? 1u : 0u) +
                            (layout.floppy_b != FloppyType::kNone ? 1u : 0u);
  uint8_t equipment = 0;
  if (floppies > 0) equipment |= static_cast<uint8_t>(kEquipFloppy | (floppies - 1) << 6);
  if (layout.fpu) equipment |= kEquipFpu;
  if (layout.ps2_mouse) equipment |= kEquipMouse;
  rtc.set_cmos(kEquipment, equipment);

  const uint64_t ram = layout.ram_below_4g;
  set16(rtc, kBaseMemory, std::min(ram / kKiB, kBaseMemoryKiB));
  const uint64_t extended_kib = ram > kMiB ? std::min<uint64_t>((ram - kMiB) / kKiB, 0xFFFF) : 0;
  set16(rtc, kExtendedMemory, extended_kib);
  set16(rtc, kExtendedMemory2, extended_kib);
  const uint64_t above_16m =
      ram > 16 * kMiB ? std::min<uint64_t>((ram - 16 * kMiB) / k64KiB, 0xFFFF) : 0;
  set16(rtc, kMemoryAbove16M, above_16m);
  const uint64_t above_4g = layout.ram_above_4g / k64KiB;
  set16(rtc, kMemoryAbove4G, above_4g);
  rtc.set_cmos(kMemoryAbove4G + 2, static_cast<uint8_t>(above_4g >> 16));

  std::array<uint8_t, 3> nibbles{};
  for (size_t i = 0; i < layout.boot_order.size(); ++i) {
    nibbles[i] = cmos_boot_device(layout.boot_order[i]);
  }
  rtc.set_cmos(kBootOrder12, static_cast<uint8_t>(nibbles[1] << 4 | nibbles[0]));
  rtc.set_cmos(kBootOrder3,
               static_cast<uint8_t>(nibbles[2] << 4 | (layout.floppy_signature_check ? 0 : 1)));

  uint8_t translation = 0;
  for (unsigned i = 0; i < 4; ++i) {
    translation |= static_cast<uint8_t>(static_cast<uint8_t>(layout.ata_translation[i]) << (2 * i));
  }
  rtc.set_cmos(kAtaTranslation, translation);

  rtc.set_cmos(kCpuCountMinus1, static_cast<uint8_t>(layout.cpus - 1));
  update_cmos_checksum(rtc);
}

void update_cmos_checksum(Rtc& rtc) {
  unsigned sum = 0;
  for (unsigned i = kChecksumFirst; i <= kChecksumLast; ++i) sum += rtc.cmos(i);
  rtc.set_cmos(kChecksum, static_cast<uint8_t>(sum >> 8));
  rtc.set_cmos(kChecksum + 1, static_cast<uint8_t>(sum));
}

}  // namespace tx86::dev
