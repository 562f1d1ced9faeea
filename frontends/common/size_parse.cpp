#include "frontends/common/size_parse.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

namespace tx86::fe {

std::optional<uint64_t> parse_size(std::string_view text) {
  size_t i = 0;
  double value = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    value = value * 10 + (text[i] - '0');
    digits = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value += (text[i] - '0') * scale;
      scale /= 10;
      digits = true;
      ++i;
    }
  }
  if (!digits) return std::nullopt;

  std::string unit;
  for (; i < text.size(); ++i)
    unit.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
  double multiplier = 0;
  if (unit.empty() || unit == "M" || unit == "MB" || unit == "MIB") {
    multiplier = 1024.0 * 1024.0;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    multiplier = 1024.0;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    multiplier = 1024.0 * 1024.0 * 1024.0;
  } else if (unit == "B") {
    multiplier = 1.0;
  } else {
    return std::nullopt;
  }
  const double bytes = value * multiplier;
  if (!std::isfinite(bytes) || bytes >= 18446744073709551616.0 || bytes != std::floor(bytes)) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(bytes);
}

std::optional<uint32_t> parse_hex32(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  if (text.empty() || text.size() > 8) return std::nullopt;
  uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace tx86::fe
