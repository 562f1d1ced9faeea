#include "frontends/gdb/gdb_packet.h"

namespace tx86::fe::gdb {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kDigits[] = "0123456789abcdef";

}  // namespace

void PacketReader::feed(std::span<const uint8_t> bytes) {
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::optional<PacketReader::Event> PacketReader::next() {
  for (;;) {
    if (buffer_.empty()) return std::nullopt;
    const char c = buffer_[0];
    if (c == '\x03') {
      buffer_.erase(0, 1);
      return Event{Event::Kind::kInterrupt, {}};
    }
    if (c != '$') {
      buffer_.erase(0, 1);  // an ack, or noise
      continue;
    }
    const size_t hash = buffer_.find('#');
    if (hash == std::string::npos || buffer_.size() < hash + 3) return std::nullopt;
    const std::string_view body(buffer_.data() + 1, hash - 1);
    uint8_t sum = 0;
    for (const char b : body) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(b));
    const int hi = hex_digit(buffer_[hash + 1]);
    const int lo = hex_digit(buffer_[hash + 2]);
    Event e{Event::Kind::kPacket, {}};
    if (hi < 0 || lo < 0 || ((hi << 4) | lo) != sum) {
      e.kind = Event::Kind::kBadChecksum;
    } else {
      e.payload.reserve(body.size());
      for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '}' && i + 1 < body.size()) {
          e.payload.push_back(static_cast<char>(body[++i] ^ 0x20));
        } else {
          e.payload.push_back(body[i]);
        }
      }
    }
    buffer_.erase(0, hash + 3);
    return e;
  }
}

std::string frame_packet(std::string_view payload) {
  std::string out = "$";
  uint8_t sum = 0;
  auto put = [&](char c) {
    out.push_back(c);
    sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  };
  for (const char c : payload) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      put('}');
      put(static_cast<char>(c ^ 0x20));
    } else {
      put(c);
    }
  }
  out.push_back('#');
  out.push_back(kDigits[sum >> 4]);
  out.push_back(kDigits[sum & 15]);
  return out;
}

std::string to_hex(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string to_hex(std::string_view text) {
  return to_hex(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]);
    const int lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return true;
}

std::optional<uint64_t> parse_hex_number(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (const char c : text) {
    const int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace tx86::fe::gdb
