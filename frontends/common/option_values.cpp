#include "frontends/common/option_values.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

void check_order(const std::string& order) {
  if (order.empty() || order.size() > 3 || order.find_first_not_of("abcdn") != std::string::npos) {
    throw core::UserError("--boot: order '" + order +
                          "' must be up to three of a, b (floppy), c (disk), d (CD-ROM), n");
  }
}

bool parse_on_off(const std::string& key, const std::string& v) {
  if (v == "on") return true;
  if (v == "off") return false;
  throw core::UserError("--boot: " + key + "='" + v + "' must be on or off");
}

}  // namespace

BootOptions parse_boot(const std::string& text) {
  BootOptions b;
  if (text.find('=') == std::string::npos) {
    check_order(text);
    b.order = text;
    return b;
  }
  for (const std::string& item : split(text, ',')) {
    const size_t eq = item.find('=');
    const std::string key = item.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "order") {
      check_order(value);
      b.order = value;
    } else if (key == "menu") {
      b.menu = parse_on_off(key, value);
    } else if (key == "reboot-timeout") {
      char* end = nullptr;
      errno = 0;
      const long ms = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno != 0 || ms < 0 || ms > 0xFFFF) {
        throw core::UserError("--boot: reboot-timeout='" + value +
                              "' must be milliseconds from 0 to 65535");
      }
      b.reboot_timeout_ms = static_cast<uint32_t>(ms);
    } else {
      throw core::UserError("--boot: unknown setting '" + key +
                            "' (known: order, menu, reboot-timeout)");
    }
  }
  return b;
}

std::time_t parse_rtc_base(const std::string& text) {
  std::string v = text;
  if (v.rfind("base=", 0) == 0) v = v.substr(5);
  const std::time_t now = std::time(nullptr);
  if (v == "utc") return now;
  if (v == "localtime") {
    std::tm local{};
    localtime_r(&now, &local);
    return now + local.tm_gmtoff;
  }
  std::tm t{};
  const char* end = strptime(v.c_str(), "%Y-%m-%dT%H:%M:%S", &t);
  if (end == nullptr || *end != '\0') {
    t = std::tm{};
    end = strptime(v.c_str(), "%Y-%m-%d", &t);
  }
  if (end == nullptr || *end != '\0' || t.tm_year < 0) {
    throw core::UserError("--rtc: '" + text +
                          "' is not utc, localtime or a date like 2024-05-01T12:30:00");
  }
  return timegm(&t);
}

}  // namespace tx86::fe
