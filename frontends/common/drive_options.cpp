#include "frontends/common/drive_options.h"

#include <sstream>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

bool on_off(const std::string& key, const std::string& v) {
  if (v == "on") return true;
  if (v == "off") return false;
  throw core::UserError("--drive: " + key + "='" + v + "' must be on or off");
}

}  // namespace

DriveSpec parse_drive(const std::string& text) {
  DriveSpec d;
  bool have_file = false;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) throw core::UserError("--drive: '" + item + "' is not key=value");
    const std::string key = item.substr(0, eq);
    const std::string v = item.substr(eq + 1);
    if (key == "file") {
      d.file = v;
      have_file = true;
    } else if (key == "if") {
      if (v == "ide") {
        d.interface = DriveSpec::Interface::kIde;
      } else if (v == "floppy") {
        d.interface = DriveSpec::Interface::kFloppy;
      } else {
        throw core::UserError("--drive: if='" + v + "' must be ide or floppy");
      }
    } else if (key == "index") {
      if (v.empty() || v.size() > 2 || v.find_first_not_of("0123456789") != std::string::npos) {
        throw core::UserError("--drive: index='" + v + "' is not a drive number");
      }
      d.index = static_cast<unsigned>(std::stoul(v));
    } else if (key == "media") {
      if (v != "disk" && v != "cdrom") {
        throw core::UserError("--drive: media='" + v + "' must be disk or cdrom");
      }
      d.cdrom = v == "cdrom";
    } else if (key == "readonly") {
      d.read_only = on_off(key, v);
    } else if (key == "format") {
      if (v != "raw")
        throw core::UserError("--drive: format='" + v + "': only raw images are supported");
    } else {
      throw core::UserError("--drive: unknown key '" + key +
                            "' (file, if, index, media, readonly, format)");
    }
  }
  if (!have_file && !d.cdrom) throw core::UserError("--drive: '" + text + "' has no file=");
  if (d.file.empty() && !d.cdrom) throw core::UserError("--drive: file= is empty");
  if (d.cdrom && d.interface == DriveSpec::Interface::kFloppy) {
    throw core::UserError("--drive: media=cdrom needs if=ide");
  }
  return d;
}

void place_drive(DriveTable& table, DriveSpec spec, const std::string& what) {
  const bool ide = spec.interface == DriveSpec::Interface::kIde;
  const size_t slots = ide ? table.ide.size() : table.floppy.size();
  auto slot = [&](size_t i) -> std::optional<DriveSpec>& {
    return ide ? table.ide[i] : table.floppy[i];
  };
  if (!spec.index) {
    for (size_t i = 0; i < slots; ++i) {
      if (!slot(i)) {
        spec.index = static_cast<unsigned>(i);
        break;
      }
    }
    if (!spec.index) {
      throw core::UserError(what + ": every " + (ide ? "IDE" : "floppy") + " drive is taken");
    }
  }
  if (*spec.index >= slots) {
    throw core::UserError(what + ": index " + std::to_string(*spec.index) + " is out of range (" +
                          (ide ? "IDE: 0-3" : "floppy: 0-1") + ")");
  }
  if (slot(*spec.index)) {
    throw core::UserError(what + ": " + (ide ? "IDE" : "floppy") + " drive " +
                          std::to_string(*spec.index) + " is already given");
  }
  slot(*spec.index) = std::move(spec);
}

}  // namespace tx86::fe
