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

}  // namespace
}  // namespace tx86::fe
