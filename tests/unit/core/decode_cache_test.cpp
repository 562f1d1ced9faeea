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

// lookup() answers as decode() does, from the cache entry itself; a
// failure leaves the pointer alone, and the translator's decode() still
// gets the length of an invalid instruction.
TEST(DecodeCache, LookupPointsIntoTheCacheAndAgreesWithDecode) {
  DecodeCache cache;
  const std::array<uint8_t, 5> mov_eax{0xB8, 0x44, 0x33, 0x22, 0x11};
  const DecodedInsn* p = nullptr;
  ASSERT_EQ(cache.lookup(0x2000, mov_eax, true, p), DecodeStatus::kOk);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->length, 5);
  EXPECT_EQ(p->imm, 0x11223344u);
  const DecodedInsn* again = nullptr;
  ASSERT_EQ(cache.lookup(0x2000, mov_eax, true, again), DecodeStatus::kOk);
  EXPECT_EQ(again, p);  // the same entry, not decoded again

  const std::array<uint8_t, 2> invalid{0x0F, 0x0A};  // no instruction
  const DecodedInsn* none = nullptr;
  DecodedInsn d;
  const DecodeStatus st = cache.decode(0x3000, invalid, true, d);
  EXPECT_EQ(cache.lookup(0x3000, invalid, true, none), st);
  EXPECT_EQ(st, DecodeStatus::kInvalid);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(d.length, 2);
  const std::array<uint8_t, 3> cut{0xB8, 0x44, 0x33};
  EXPECT_EQ(cache.lookup(0x2000, cut, true, none), DecodeStatus::kNeedMore);
  EXPECT_EQ(none, nullptr);
}

// Full 15-byte fetches (the interpreter's usual case) compare only the
// instruction's own bytes: what follows it may differ, its last byte not.
TEST(DecodeCache, AFullFetchComparesTheInstructionsBytesOnly) {
  DecodeCache cache;
  // 66 C7 84 88 78 56 34 12 BB AA: mov word [eax+ecx*4+0x12345678], 0xAABB (10 bytes)
  std::array<uint8_t, 15> fetch{0x66, 0xC7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12,
                                0xBB, 0xAA, 0x90, 0x90, 0x90, 0x90, 0x90};
  DecodedInsn a;
  ASSERT_EQ(cache.decode(0x2000, fetch, true, a), DecodeStatus::kOk);
  ASSERT_EQ(a.length, 10);
  EXPECT_EQ(a.imm, 0xAABBu);
  fetch[12] = 0xCC;  // after the instruction
  DecodedInsn b;
  ASSERT_EQ(cache.decode(0x2000, fetch, true, b), DecodeStatus::kOk);
  EXPECT_EQ(b.imm, 0xAABBu);
  fetch[9] = 0x11;  // its last byte
  DecodedInsn c;
  ASSERT_EQ(cache.decode(0x2000, fetch, true, c), DecodeStatus::kOk);
  EXPECT_EQ(c.imm, 0x11BBu);
  // A 15-byte instruction: fourteen prefixes then NOP... (15 bytes: 14 x 66, 90)
  std::array<uint8_t, 15> longest{};
  longest.fill(0x66);
  longest[14] = 0x90;
  DecodedInsn d;
  ASSERT_EQ(cache.decode(0x3000, longest, true, d), DecodeStatus::kOk);
  EXPECT_EQ(d.length, 15);
  longest[14] = 0x40;  // inc ax
  DecodedInsn e;
  ASSERT_EQ(cache.decode(0x3000, longest, true, e), DecodeStatus::kOk);
  EXPECT_NE(e.mnemonic, d.mnemonic);
}

}  // namespace
}  // namespace tx86::core
