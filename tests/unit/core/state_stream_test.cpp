#include "core/state/state_stream.h"

#include <gtest/gtest.h>

#include <array>

namespace tx86::core {
namespace {

// (No padding: pod() takes only structs whose every byte is a field.)
struct Pair {
  uint32_t a;
  uint16_t b;
  uint16_t c;
};

std::vector<uint8_t> sample() {
  StateWriter w;
  w.begin("outer", 3);
  w.u8(0xAB);
  w.u16(0x1234);
  w.u32(0xDEADBEEF);
  w.u64(0x0123456789ABCDEFull);
  w.i64(-5);
  w.boolean(true);
  w.str("hello");
  const std::array<uint8_t, 3> block = {1, 2, 3};
  w.bytes(block);
  w.begin("inner", 1);
  w.pod(Pair{7, 8, 9});
  w.end();
  w.end();
  return w.data();
}

TEST(StateStream, ReadsBackWhatWasWritten) {
  const std::vector<uint8_t> data = sample();
  StateReader r(data);
  r.begin("outer", 3);
  EXPECT_EQ(r.u8(), 0xABu);
  EXPECT_EQ(r.u16(), 0x1234u);
  EXPECT_EQ(r.u32(), 0xDEADBEEFu);
  EXPECT_EQ(r.u64(), 0x0123456789ABCDEFull);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_TRUE(r.boolean());
  EXPECT_EQ(r.str(), "hello");
  std::array<uint8_t, 3> block{};
  r.bytes_into(block);
  EXPECT_EQ(block, (std::array<uint8_t, 3>{1, 2, 3}));
  r.begin("inner", 1);
  Pair p{};
  r.pod(p);
  EXPECT_EQ(p.a, 7u);
  EXPECT_EQ(p.b, 8u);
  EXPECT_EQ(p.c, 9u);
  r.end();
  r.end();
  EXPECT_TRUE(r.at_end());
}

TEST(StateStream, ASectionOfAnotherNameOrVersionIsRefused) {
  const std::vector<uint8_t> data = sample();
  StateReader a(data);
  EXPECT_THROW(a.begin("other", 3), StateError);
  StateReader b(data);
  try {
    b.begin("outer", 4);
    FAIL() << "no error";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("'outer' at version 3, not 4"), std::string::npos)
        << e.what();
  }
}

// Reads sample()'s outer section up to its inner one.
void read_outer_fields(StateReader& r) {
  r.begin("outer", 3);
  r.u8();
  r.u16();
  r.u32();
  r.u64();
  r.i64();
  r.boolean();
  r.str();
}

// Reads what sample() wrote.
void read_sample(StateReader& r) {
  read_outer_fields(r);
  std::array<uint8_t, 3> block{};
  r.bytes_into(block);
  r.begin("inner", 1);
  Pair p{};
  r.pod(p);
  r.end();
  r.end();
}

TEST(StateStream, EveryTruncationIsAnErrorNotACrash) {
  const std::vector<uint8_t> data = sample();
  for (size_t n = 0; n < data.size(); ++n) {
    StateReader r(std::span<const uint8_t>(data.data(), n));
    EXPECT_THROW(read_sample(r), StateError) << "cut at " << n;
  }
  StateReader whole(data);
  EXPECT_NO_THROW(read_sample(whole));
}

TEST(StateStream, APartThatReadsTooLittleOrTooMuchIsCaught) {
  const std::vector<uint8_t> data = sample();
  StateReader r(data);
  r.begin("outer", 3);
  r.u8();
  EXPECT_THROW(r.end(), StateError);  // the rest of the section is unread
  StateReader s(data);
  read_outer_fields(s);
  std::array<uint8_t, 3> block{};
  s.bytes_into(block);
  s.begin("inner", 1);
  s.u64();                            // 8 of its 12 bytes
  EXPECT_THROW(s.u64(), StateError);  // past the inner section's end
}

TEST(StateStream, ABlockOrStructureOfAnotherSizeIsRefused) {
  const std::vector<uint8_t> data = sample();
  StateReader r(data);
  read_outer_fields(r);
  std::array<uint8_t, 4> wrong{};
  EXPECT_THROW(r.bytes_into(wrong), StateError);
  StateWriter w;
  w.pod(uint32_t{1});
  StateReader q(w.data());
  uint64_t big = 0;
  EXPECT_THROW(q.pod(big), StateError);
}

TEST(StateStream, ABooleanOtherThanZeroOrOneIsRefused) {
  StateWriter w;
  w.u8(2);
  StateReader r(w.data());
  EXPECT_THROW(r.boolean(), StateError);
}

}  // namespace
}  // namespace tx86::core
