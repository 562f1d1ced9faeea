#include "jit/runtime/block_cache.h"
#include "jit/runtime/jump_cache.h"

#include <gtest/gtest.h>

#include <memory>

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
TEST(JumpCachePages, AnInsertedPageIsHeldUntilTheCacheIsCleared) {
  static const uint8_t miss = 0, code = 0;
  auto cache = std::make_unique<JumpCache>();
  cache->set_miss(&miss);
  EXPECT_FALSE(cache->may_hold_page(0x00401000));
  cache->insert(0x1234, 0x00401234, 7, 0xFFFFFFFF, &code, &code, false, 0x401234);
  EXPECT_TRUE(cache->may_hold_page(0x00401000));
  EXPECT_TRUE(cache->may_hold_page(0x00401FFF));
  // Pages that share no bit with it are not held.
  int held = 0;
  for (uint32_t page = 0; page < 64; ++page)
    held += cache->may_hold_page(0x10000000 + (page << 12));
  EXPECT_LT(held, 4);
  EXPECT_EQ(cache->find(0x1234, 0x00401234, 7, 0xFFFFFFFF), &code);
  cache->clear();
  EXPECT_FALSE(cache->may_hold_page(0x00401000));
  EXPECT_EQ(cache->find(0x1234, 0x00401234, 7, 0xFFFFFFFF), nullptr);
}

TEST(JumpCachePages, ClearingNonGlobalEntriesKeepsTheGlobalOnesAndLeavesTheOthersStale) {
  static const uint8_t miss = 0, kernel = 0, user = 0;
  auto cache = std::make_unique<JumpCache>();
  cache->set_miss(&miss);
  cache->insert(0xC1000010, 0xC1000010, 7, 0xFFFFFFFF, &kernel, &kernel, true, 0x1000010);
  cache->insert(0x08048000, 0x08048000, 0x37, 0xFFFFFFFF, &user, &user, false, 0x2345000);
  cache->clear_non_global();
  EXPECT_EQ(cache->find(0xC1000010, 0xC1000010, 7, 0xFFFFFFFF), &kernel);
  EXPECT_EQ(cache->find(0x08048000, 0x08048000, 0x37, 0xFFFFFFFF), nullptr);
  EXPECT_EQ(cache->targets()[JumpCache::index(0x08048000)], &miss);
  // Stale: the dispatcher may revive it when the page maps to 0x2345000 still.
  EXPECT_EQ(cache->stale_phys(0x08048000, 0x08048000, 0x37, 0xFFFFFFFF), 0x2345000u);
  EXPECT_EQ(cache->stale_phys(0x08048000, 0x08048000, 0x27, 0xFFFFFFFF), std::nullopt);
  EXPECT_EQ(cache->revive(0x08048000), &user);
  EXPECT_EQ(cache->find(0x08048000, 0x08048000, 0x37, 0xFFFFFFFF), &user);
  EXPECT_EQ(cache->targets()[JumpCache::index(0x08048000)], &user);
  EXPECT_EQ(cache->stale_phys(0x08048000, 0x08048000, 0x37, 0xFFFFFFFF), std::nullopt);
  // A non-global entry that took a global one's slot goes too.
  const uint32_t same_slot = 0xC1000010 ^ (1u << (JumpCache::kBits + 12));  // (index ignores it)
  ASSERT_EQ(JumpCache::index(same_slot), JumpCache::index(0xC1000010));
  cache->insert(same_slot, same_slot, 7, 0xFFFFFFFF, &user, &user, false, 0x3000010);
  cache->clear_non_global();
  EXPECT_EQ(cache->find(0xC1000010, 0xC1000010, 7, 0xFFFFFFFF), nullptr);
  EXPECT_EQ(cache->find(same_slot, same_slot, 7, 0xFFFFFFFF), nullptr);
  cache->clear();
  EXPECT_EQ(cache->find(0xC1000010, 0xC1000010, 7, 0xFFFFFFFF), nullptr);
}

// Inserts pile repeats into the list of filled slots; it is rebuilt with
// each slot once, and a clear still reaches every entry.
TEST(JumpCachePages, ManyInsertsStillClearEverySlot) {
  static const uint8_t miss = 0, code = 0;
  auto cache = std::make_unique<JumpCache>();
  cache->set_miss(&miss);
  const uint32_t slots = 1u << JumpCache::kBits;
  for (uint32_t n = 0; n < 5 * slots; ++n) {
    const uint32_t lin = 0x08000000 + (n % (slots + 7)) * 4;
    cache->insert(lin, lin, 0x37, 0xFFFFFFFF, &code, &code, false, lin);
  }
  const uint32_t last = 0x08000000 + ((5 * slots - 1) % (slots + 7)) * 4;
  EXPECT_EQ(cache->find(last, last, 0x37, 0xFFFFFFFF), &code);
  cache->make_stale();
  EXPECT_EQ(cache->find(last, last, 0x37, 0xFFFFFFFF), nullptr);
  EXPECT_EQ(cache->stale_phys(last, last, 0x37, 0xFFFFFFFF), last);
  cache->clear();
  int left = 0;
  for (uint32_t i = 0; i < slots; ++i) left += cache->targets()[i] != &miss;
  EXPECT_EQ(left, 0);
  EXPECT_EQ(cache->stale_phys(last, last, 0x37, 0xFFFFFFFF), std::nullopt);
}

}  // namespace tx86::jit
