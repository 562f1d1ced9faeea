#include "core/decoder/decode_cache.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace tx86::core {
namespace {

// A cached answer stands only for the same bytes in the same code size:
// code rewritten in place, or the same bytes run as 16-bit code, decode
// again, and so does an instruction cut short by the fetch.
TEST(DecodeCache, GivesWhatTheDecoderGivesForTheBytesFetchedNow) {
  DecodeCache cache;
  const std::array<uint8_t, 5> mov_eax{0xB8, 0x44, 0x33, 0x22, 0x11};  // mov eax, 0x11223344
  DecodedInsn a;
  ASSERT_EQ(cache.decode(0x1000, mov_eax, true, a), DecodeStatus::kOk);
  EXPECT_EQ(a.length, 5);
  EXPECT_EQ(a.imm, 0x11223344u);

  DecodedInsn again;
  ASSERT_EQ(cache.decode(0x1000, mov_eax, true, again), DecodeStatus::kOk);
  EXPECT_EQ(again.imm, 0x11223344u);

  const std::array<uint8_t, 5> rewritten{0xB8, 0x78, 0x56, 0x34, 0x12};
  DecodedInsn b;
  ASSERT_EQ(cache.decode(0x1000, rewritten, true, b), DecodeStatus::kOk);
  EXPECT_EQ(b.imm, 0x12345678u);

  DecodedInsn sixteen;  // B8 iw: mov ax, 0x5678
  ASSERT_EQ(cache.decode(0x1000, rewritten, false, sixteen), DecodeStatus::kOk);
  EXPECT_EQ(sixteen.length, 3);
  EXPECT_EQ(sixteen.imm, 0x5678u);

  DecodedInsn cut;
  ASSERT_EQ(cache.decode(0x1000, std::span(rewritten).first(3), true, cut),
            DecodeStatus::kNeedMore);
}

}  // namespace
}  // namespace tx86::core
