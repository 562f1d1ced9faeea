// Parsers for option values with a structure of their own, spelled as QEMU
// spells them: -boot and -rtc.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace tx86::fe {

struct BootOptions {
  std::string order = "cad";  // QEMU's default
  bool menu = false;
  std::optional<uint32_t> reboot_timeout_ms;
};

// "cd", or a list such as "order=c,menu=off,reboot-timeout=1000". Throws
// core::UserError naming the bad part.
BootOptions parse_boot(const std::string& text);

// "utc" (the host clock now), "localtime", or a date "2024-05-01" /
// "2024-05-01T12:30:00" (UTC); optionally written "base=...". Returns Unix
// seconds. Throws core::UserError for anything else.
std::time_t parse_rtc_base(const std::string& text);

}  // namespace tx86::fe
