// Which image goes in which drive, from --hda ... --hdd, --cdrom, --fda,
// --fdb and QEMU-style --drive file=...,if=ide|floppy,index=N,
// media=disk|cdrom,readonly=on|off,format=raw.
#pragma once

#include <array>
#include <optional>
#include <string>

namespace tx86::fe {

struct DriveSpec {
  enum class Interface : uint8_t { kIde, kFloppy };
  std::string file;  // empty: a CD-ROM drive with no disc
  Interface interface = Interface::kIde;
  std::optional<unsigned> index;
  bool cdrom = false;
  bool read_only = false;
};

struct DriveTable {
  // Primary master, primary slave, secondary master, secondary slave.
  std::array<std::optional<DriveSpec>, 4> ide;
  std::array<std::optional<DriveSpec>, 2> floppy;
};

// One --drive value. Throws core::UserError naming the bad part.
DriveSpec parse_drive(const std::string& text);

// Puts a drive at its index, or at the first free one of its interface;
// throws core::UserError when the place is taken or out of range. `what`
// names the option for the message.
void place_drive(DriveTable& table, DriveSpec spec, const std::string& what);

}  // namespace tx86::fe
