// Save states of disk images: in snapshot mode the guest's writes (the
// overlay) come back in a new image of the same file; otherwise the state
// only checks that the image is the same size.
#include <gtest/gtest.h>

#include "core/state/state_stream.h"
#include "core/storage/disk_image.h"

namespace tx86::core {
namespace {

constexpr uint64_t kSize = 64 * 512 + 100;  // a last sector that is not whole

std::vector<uint8_t> base_bytes(uint64_t size = kSize) {
  std::vector<uint8_t> v(size);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 7 + i / 512);
  return v;
}

std::vector<uint8_t> save(const DiskImage& image) {
  StateWriter w;
  image.save_state(w);
  return w.data();
}

void load(DiskImage& image, std::span<const uint8_t> state) {
  StateReader r(state);
  image.load_state(r);
  if (!r.at_end()) r.fail("more");
}

std::vector<uint8_t> contents(DiskImage& image) {
  std::vector<uint8_t> v(image.size());
  EXPECT_TRUE(image.read(0, v));
  return v;
}

TEST(DiskImageStateTest, SnapshotWritesSurviveASaveAndLoad) {
  auto image = DiskImage::in_memory(base_bytes(), {.snapshot = true});
  ASSERT_TRUE(image->write(3 * 512, std::vector<uint8_t>(512, 0xA5)));
  ASSERT_TRUE(image->write(7 * 512 + 50, std::vector<uint8_t>(100, 0x3C)));  // part of a sector
  ASSERT_TRUE(image->write(64 * 512, std::vector<uint8_t>(100, 0x77)));      // the short last one
  const std::vector<uint8_t> state = save(*image);
  EXPECT_LT(state.size(), 4 * 512u) << "the written sectors only";

  auto fresh = DiskImage::in_memory(base_bytes(), {.snapshot = true});
  ASSERT_TRUE(fresh->write(9 * 512, std::vector<uint8_t>(512, 0xEE)));  // not in the state
  load(*fresh, state);
  EXPECT_EQ(save(*fresh), state);
  const std::vector<uint8_t> got = contents(*fresh);
  EXPECT_EQ(got, contents(*image));
  std::vector<uint8_t> want = base_bytes();
  std::fill_n(want.begin() + 3 * 512, 512, 0xA5);
  std::fill_n(want.begin() + 7 * 512 + 50, 100, 0x3C);
  std::fill_n(want.begin() + 64 * 512, 100, 0x77);
  EXPECT_EQ(got, want);
  EXPECT_EQ(fresh->memory(), base_bytes()) << "the base is never written";
}

TEST(DiskImageStateTest, AnImageOfAnotherSizeOrModeIsRefused) {
  auto snapshot = DiskImage::in_memory(base_bytes(), {.snapshot = true});
  ASSERT_TRUE(snapshot->write(0, std::vector<uint8_t>(512, 1)));
  const std::vector<uint8_t> state = save(*snapshot);
  auto smaller = DiskImage::in_memory(base_bytes(kSize - 512), {.snapshot = true});
  EXPECT_THROW(load(*smaller, state), StateError);
  auto direct = DiskImage::in_memory(base_bytes(), {});
  EXPECT_THROW(load(*direct, state), StateError) << "not in snapshot mode";

  const std::vector<uint8_t> plain = save(*direct);
  EXPECT_EQ(plain.size(), 8u + 1 + 1) << "the size and the flags only";
  auto bigger = DiskImage::in_memory(base_bytes(kSize + 512), {});
  EXPECT_THROW(load(*bigger, plain), StateError);
  auto read_only = DiskImage::in_memory(base_bytes(), {.read_only = true});
  EXPECT_THROW(load(*read_only, plain), StateError);
  EXPECT_NO_THROW(load(*DiskImage::in_memory(base_bytes(), {}), plain));
  for (size_t cut = 0; cut < state.size(); ++cut) {
    auto again = DiskImage::in_memory(base_bytes(), {.snapshot = true});
    EXPECT_THROW(load(*again, std::span(state).first(cut)), StateError) << cut;
  }
}

}  // namespace
}  // namespace tx86::core
