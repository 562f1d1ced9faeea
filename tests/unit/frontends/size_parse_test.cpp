#include "frontends/common/size_parse.h"

#include <gtest/gtest.h>

namespace tx86::fe {
namespace {

TEST(SizeParse, NumbersWithoutSuffixAreMebibytesLikeQemu) {
  EXPECT_EQ(parse_size("128"), 128ull << 20);
  EXPECT_EQ(parse_size("1"), 1ull << 20);
}

TEST(SizeParse, BinarySuffixesInAnyCase) {
  EXPECT_EQ(parse_size("64M"), 64ull << 20);
  EXPECT_EQ(parse_size("64mib"), 64ull << 20);
  EXPECT_EQ(parse_size("1G"), 1ull << 30);
  EXPECT_EQ(parse_size("1.5G"), 3ull << 29);
  EXPECT_EQ(parse_size("65536K"), 64ull << 20);
  EXPECT_EQ(parse_size("4096B"), 4096u);
}

TEST(SizeParse, MalformedSizesAreRejected) {
  EXPECT_FALSE(parse_size(""));
  EXPECT_FALSE(parse_size("M"));
  EXPECT_FALSE(parse_size("12X"));
  EXPECT_FALSE(parse_size("-5M"));
  EXPECT_FALSE(parse_size("1.3B"));  // not a whole number of bytes
  EXPECT_FALSE(parse_size("99999999999999999999G"));
}

TEST(ParseHex32, TakesHexWithOrWithoutThePrefixUpTo32Bits) {
  EXPECT_EQ(parse_hex32("c1000000"), 0xC1000000u);
  EXPECT_EQ(parse_hex32("0xFFFFFFF0"), 0xFFFFFFF0u);
  EXPECT_EQ(parse_hex32("0X10"), 0x10u);
  EXPECT_EQ(parse_hex32("0"), 0u);
  EXPECT_FALSE(parse_hex32(""));
  EXPECT_FALSE(parse_hex32("0x"));
  EXPECT_FALSE(parse_hex32("zz"));
  EXPECT_FALSE(parse_hex32("12g"));
  EXPECT_FALSE(parse_hex32("100000000"));  // 33 bits
  EXPECT_FALSE(parse_hex32("-1"));
}

}  // namespace
}  // namespace tx86::fe
