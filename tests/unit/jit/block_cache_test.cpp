#include "jit/runtime/block_cache.h"

#include <gtest/gtest.h>

namespace tx86::jit {
namespace {

TEST(BlockCacheLines, MaskCoversEveryLineOfTheRange) {
  EXPECT_EQ(BlockCache::line_mask(0x1000, 0), 0u);
  EXPECT_EQ(BlockCache::line_mask(0x1000, 1), 1u);
  EXPECT_EQ(BlockCache::line_mask(0x103F, 1), 1u) << "last byte of line 0";
  EXPECT_EQ(BlockCache::line_mask(0x103F, 2), 3u) << "across lines 0 and 1";
  EXPECT_EQ(BlockCache::line_mask(0x1040, 64), 2u);
  EXPECT_EQ(BlockCache::line_mask(0x1041, 64), 6u);
  EXPECT_EQ(BlockCache::line_mask(0x1FC0, 64), 1ull << 63);
  EXPECT_EQ(BlockCache::line_mask(0x1FFF, 4), 1ull << 63) << "past the page: its last line";
  EXPECT_EQ(BlockCache::line_mask(0x1000, 4096), ~0ull);
  EXPECT_EQ(BlockCache::line_mask(0x5080, 0x100), 0xFull << 2)
      << "only the offset in the page counts";
}

}  // namespace
}  // namespace tx86::jit
