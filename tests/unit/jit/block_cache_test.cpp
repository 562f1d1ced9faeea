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
namespace {

// A jump cache whose empty slots lead to `miss`.
std::unique_ptr<JumpCache> cache_missing_to(const uint8_t* miss) {
  auto cache = std::make_unique<JumpCache>();
  cache->set_miss(miss);
  return cache;
}

// An address in another page that takes lin's slot.
uint32_t same_slot_as(uint32_t lin) {
  for (uint32_t page = 1; page < (1u << 20); ++page) {
    const uint32_t other = lin ^ (page << 12);
    if (JumpCache::index(other) == JumpCache::index(lin)) return other;
  }
  ADD_FAILURE() << "no other page's address takes the slot of " << lin;
  return lin;
}

}  // namespace

// An INVLPG makes the entries of its page stale and leaves every other
// page's alone, whatever their slots (a hashed page filter used to make
// the whole table stale when a page shared its bit).
TEST(JumpCachePages, APageFlushMakesOnlyThatPagesEntriesStale) {
  static const uint8_t miss = 0, a = 0, b = 0, c = 0;
  auto cache = cache_missing_to(&miss);
  cache->insert(0x1234, 0x00401234, 7, 0xFFFFFFFF, &a, &a, true, 0x401234);
  cache->insert(0x1FF0, 0x00401FF0, 7, 0xFFFFFFFF, &b, &b, true, 0x401FF0);
  cache->insert(0x2000, 0x00402000, 7, 0xFFFFFFFF, &c, &c, true, 0x402000);
  // Pages elsewhere: nothing changes.
  for (uint32_t page = 0; page < 4096; ++page) cache->make_page_stale(0x10000000 + (page << 12));
  cache->make_page_stale(0x00400000);
  EXPECT_EQ(cache->find(0x1234, 0x00401234, 7, 0xFFFFFFFF), &a);
  EXPECT_EQ(cache->find(0x2000, 0x00402000, 7, 0xFFFFFFFF), &c);
  cache->make_page_stale(0x00401000);
  EXPECT_EQ(cache->find(0x1234, 0x00401234, 7, 0xFFFFFFFF), nullptr);
  EXPECT_EQ(cache->find(0x1FF0, 0x00401FF0, 7, 0xFFFFFFFF), nullptr);
  EXPECT_EQ(cache->targets()[JumpCache::index(0x00401234)], &miss);
  EXPECT_EQ(cache->stale_phys(0x1234, 0x00401234, 7, 0xFFFFFFFF), 0x401234u);
  EXPECT_EQ(cache->find(0x2000, 0x00402000, 7, 0xFFFFFFFF), &c);
  // A revived entry goes stale with its page's next flush again.
  EXPECT_EQ(cache->revive(0x00401234), &a);
  EXPECT_EQ(cache->find(0x1234, 0x00401234, 7, 0xFFFFFFFF), &a);
  cache->make_page_stale(0x00401ABC);
  EXPECT_EQ(cache->find(0x1234, 0x00401234, 7, 0xFFFFFFFF), nullptr);
  // A slot another page took since: that page's flush takes it, not the
  // first page's.
  const uint32_t same_slot = same_slot_as(0x00402000);
  cache->insert(same_slot, same_slot, 7, 0xFFFFFFFF, &a, &a, true, 0x777000);
  cache->make_page_stale(0x00402000);
  EXPECT_EQ(cache->find(same_slot, same_slot, 7, 0xFFFFFFFF), &a);
  cache->make_page_stale(same_slot);
  EXPECT_EQ(cache->find(same_slot, same_slot, 7, 0xFFFFFFFF), nullptr);
  cache->clear();
  EXPECT_EQ(cache->find(0x2000, 0x00402000, 7, 0xFFFFFFFF), nullptr);
}

// A page's slots filled again and again, with CR3 loads between (the
// entries of a process that keeps coming back): a flush of the page still
// reaches each of its entries.
TEST(JumpCachePages, RefilledPagesStillGoStaleWhole) {
  static const uint8_t miss = 0, code = 0;
  auto cache = cache_missing_to(&miss);
  auto each_entry = [](auto fn) {
    for (uint32_t off = 0; off < 4096; off += 16) fn(0x08048000 + off);
  };
  auto fill = [&](uint32_t lin) {
    cache->insert(lin, lin, 0x37, 0xFFFFFFFF, &code, &code, false, lin);
  };
  for (int round = 0; round < 50; ++round) {
    each_entry(fill);
    cache->clear_non_global();  // (stale: revived or filled again)
  }
  each_entry(fill);
  cache->make_page_stale(0x08048000);
  int left = 0;
  each_entry([&](uint32_t lin) { left += cache->find(lin, lin, 0x37, 0xFFFFFFFF) != nullptr; });
  EXPECT_EQ(left, 0);
}

TEST(JumpCachePages, ClearingNonGlobalEntriesKeepsTheGlobalOnesAndLeavesTheOthersStale) {
  static const uint8_t miss = 0, kernel = 0, user = 0;
  auto cache = cache_missing_to(&miss);
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
  const uint32_t same_slot = same_slot_as(0xC1000010);
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
  auto cache = cache_missing_to(&miss);
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
