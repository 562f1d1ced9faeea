#include "jit/backend/x64/small_vector.h"

#include <gtest/gtest.h>

#include <vector>

namespace tx86::jit::x64 {
namespace {

std::vector<int> contents(const SmallVector<int, 3>& v) {
  return std::vector<int>(v.begin(), v.end());
}

TEST(SmallVector, KeepsEveryValueInOrderPastItsInlineCapacity) {
  SmallVector<int, 3> v;
  EXPECT_TRUE(v.empty());
  for (int i = 1; i <= 7; ++i) {
    v.push_back(i);
    EXPECT_EQ(v.size(), static_cast<size_t>(i));
  }
  EXPECT_EQ(contents(v), (std::vector<int>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(SmallVector, CopiesAreIndependentInlineAndOnTheHeap) {
  SmallVector<int, 3> small;
  small.push_back(1);
  SmallVector<int, 3> big;
  for (int i = 0; i < 5; ++i) big.push_back(i);
  SmallVector<int, 3> small_copy = small;
  SmallVector<int, 3> big_copy = big;
  small.push_back(9);
  big.push_back(9);
  EXPECT_EQ(contents(small_copy), (std::vector<int>{1}));
  EXPECT_EQ(contents(big_copy), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(SmallVector, EraseIfAndClearWorkInBothForms) {
  SmallVector<int, 3> v;
  for (int i = 0; i < 3; ++i) v.push_back(i);
  v.erase_if([](int x) { return x == 1; });
  EXPECT_EQ(contents(v), (std::vector<int>{0, 2}));
  for (int i = 3; i < 6; ++i) v.push_back(i);
  v.erase_if([](int x) { return x % 2 == 0; });
  EXPECT_EQ(contents(v), (std::vector<int>{3, 5}));
  v.push_back(7);
  EXPECT_EQ(contents(v), (std::vector<int>{3, 5, 7}));
  v.clear();
  EXPECT_TRUE(v.empty());
  v.push_back(8);
  EXPECT_EQ(contents(v), (std::vector<int>{8}));
}

}  // namespace
}  // namespace tx86::jit::x64
