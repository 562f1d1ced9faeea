#include "core/mem/zeroed_array.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>

namespace tx86::core {
namespace {

struct alignas(64) Wide {
  uint32_t a;
  uint8_t bytes[60];
};

TEST(ZeroedArray, StartsAsZerosAndKeepsWhatIsWritten) {
  ZeroedArray<uint8_t> v(16u << 20);
  ASSERT_EQ(v.size(), 16u << 20);
  EXPECT_TRUE(std::all_of(v.begin(), v.begin() + 4096, [](uint8_t b) { return b == 0; }));
  EXPECT_EQ(v[(16u << 20) - 1], 0);
  v[12345] = 0xAB;
  const std::span<const uint8_t> s = std::as_const(v);
  EXPECT_EQ(s[12345], 0xAB);
  EXPECT_EQ(s.size(), v.size());
}

TEST(ZeroedArray, ElementsAreAlignedAsTheirType) {
  ZeroedArray<Wide> w(1000);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.data()) % alignof(Wide), 0u);
  EXPECT_EQ(w[999].a, 0u);
  w[999].a = 7;
  EXPECT_EQ(w[999].a, 7u);
}

TEST(ZeroedArray, AMoveHandsTheMemoryOver) {
  ZeroedArray<uint32_t> a(100);
  a[5] = 42;
  ZeroedArray<uint32_t> b(std::move(a));
  EXPECT_EQ(b.size(), 100u);
  EXPECT_EQ(b[5], 42u);
  ZeroedArray<uint32_t> c(1);
  c = std::move(b);
  EXPECT_EQ(c[5], 42u);
  EXPECT_EQ(c.size(), 100u);
}

}  // namespace
}  // namespace tx86::core
