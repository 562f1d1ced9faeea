#include "frontends/gdb/gdb_packet.h"

#include <gtest/gtest.h>

namespace tx86::fe::gdb {
namespace {

using Kind = PacketReader::Event::Kind;

void feed(PacketReader& r, std::string_view s) {
  r.feed({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(GdbPacket, FramesWithTheChecksumAndEscapesTheSpecialBytes) {
  EXPECT_EQ(frame_packet("OK"), "$OK#9a");
  EXPECT_EQ(frame_packet(""), "$#00");
  // '#', '$', '}' and '*' become '}' and the byte XOR 0x20.
  EXPECT_EQ(frame_packet("a#b"), std::string("$a}\x03"
                                             "b#43"));
}

TEST(GdbPacket, ReadsPacketsAcksInterruptsAndPartialInput) {
  PacketReader r;
  feed(r, "+$g#67+\x03$m10");
  auto e = r.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, Kind::kPacket);
  EXPECT_EQ(e->payload, "g");
  e = r.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, Kind::kInterrupt);
  EXPECT_FALSE(r.next());  // "$m10" is not complete
  feed(r, "0,4#");
  EXPECT_FALSE(r.next());  // nor without its checksum
  feed(r, "5e");
  e = r.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, Kind::kPacket);
  EXPECT_EQ(e->payload, "m100,4");
  EXPECT_FALSE(r.next());
}

TEST(GdbPacket, ABadChecksumIsReportedAndSkipped) {
  PacketReader r;
  feed(r, "$g#00$?#3f");
  auto e = r.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, Kind::kBadChecksum);
  e = r.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->payload, "?");
}

TEST(GdbPacket, UnescapesBinaryPayloads) {
  PacketReader r;
  const std::string framed = frame_packet(std::string("X0,3:") + '}' + '#' + '*');
  feed(r, framed);
  const auto e = r.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, Kind::kPacket);
  EXPECT_EQ(e->payload, std::string("X0,3:}#*"));
}

TEST(GdbPacket, HexBothWays) {
  const uint8_t bytes[] = {0x00, 0xAB, 0x7F};
  EXPECT_EQ(to_hex(bytes), "00ab7f");
  std::string out;
  ASSERT_TRUE(from_hex("00Ab7f", out));
  EXPECT_EQ(out, std::string("\x00\xab\x7f", 3));
  EXPECT_FALSE(from_hex("abc", out));
  EXPECT_FALSE(from_hex("zz", out));
  EXPECT_EQ(parse_hex_number("1f"), std::optional<uint64_t>(0x1F));
  EXPECT_EQ(parse_hex_number(""), std::nullopt);
  EXPECT_EQ(parse_hex_number("12345678123456789"), std::nullopt);
  EXPECT_EQ(parse_hex_number("x1"), std::nullopt);
}

}  // namespace
}  // namespace tx86::fe::gdb
