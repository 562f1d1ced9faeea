// The framing of GDB's remote serial protocol: packets "$payload#cs" with a
// two-digit hex checksum, acknowledged with '+' (or '-' for a resend) until
// QStartNoAckMode, and a bare 0x03 byte for "interrupt" (Ctrl+C), which
// may come at any time. Payloads escape '#', '$', '}' and '*' as '}' and
// the byte XOR 0x20. ("Overview" and "Packets" in GDB's manual, appendix E.)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tx86::fe::gdb {

// Splits a byte stream from gdb into packets.
class PacketReader {
 public:
  struct Event {
    enum class Kind : uint8_t { kPacket, kInterrupt, kBadChecksum } kind;
    std::string payload;  // kPacket: unescaped
  };

  void feed(std::span<const uint8_t> bytes);
  // The next complete event in what was fed, if any. Acks ('+', '-') and
  // noise between packets are skipped.
  std::optional<Event> next();

 private:
  std::string buffer_;
};

// "$payload#cs", escaped.
std::string frame_packet(std::string_view payload);

// Hex as the protocol writes it: lowercase, two digits per byte in memory
// order.
std::string to_hex(std::span<const uint8_t> bytes);
std::string to_hex(std::string_view text);
// false on an odd length or a non-hex digit.
bool from_hex(std::string_view hex, std::string& out);
// A hex number ("1f", up to 64 bits); nullopt when empty, too long or not hex.
std::optional<uint64_t> parse_hex_number(std::string_view text);

}  // namespace tx86::fe::gdb
