#include "core/state/state_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/state/state_stream.h"

namespace tx86::core {
namespace {

class StateFile : public ::testing::Test {
 protected:
  StateFile() {
    dir_ = std::filesystem::temp_directory_path() /
           ("tx86-state-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  ~StateFile() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path path(const char* name) const { return dir_ / name; }
  std::vector<uint8_t> bytes_of(const std::filesystem::path& p) const {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  }
  void write(const std::filesystem::path& p, const std::vector<uint8_t>& b) const {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
  std::string error_of(const std::filesystem::path& p, const char* version = "1.0") const {
    try {
      read_state_file(p, version);
    } catch (const StateError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
};

std::vector<uint8_t> a_state() {
  std::vector<uint8_t> s(100000);
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i * 7 / 13);
  return s;
}

TEST_F(StateFile, RoundTripsCompressed) {
  write_state_file(path("a.state"), a_state(), "1.0");
  EXPECT_LT(std::filesystem::file_size(path("a.state")), 100000u);
  EXPECT_EQ(read_state_file(path("a.state"), "1.0"), a_state());
  EXPECT_FALSE(std::filesystem::exists(path("a.state.tmp")));
}

TEST_F(StateFile, AStateFromAnotherVersionIsRefusedSayingSo) {
  write_state_file(path("a.state"), a_state(), "1.0");
  EXPECT_NE(error_of(path("a.state"), "1.1").find("was saved by tx86 1.0; this is tx86 1.1"),
            std::string::npos);
}

TEST_F(StateFile, AFileThatIsNotAStateIsRefused) {
  write(path("x"), {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  EXPECT_NE(error_of(path("x")).find("is not a tx86 save state"), std::string::npos);
  write(path("empty"), {});
  EXPECT_NE(error_of(path("empty")).find("is not a tx86 save state"), std::string::npos);
  EXPECT_NE(error_of(path("missing")).find("cannot read the save state"), std::string::npos);
}

TEST_F(StateFile, EveryTruncationAndACorruptByteAreRefused) {
  write_state_file(path("a.state"), a_state(), "1.0");
  const std::vector<uint8_t> good = bytes_of(path("a.state"));
  for (size_t n = 0; n < good.size(); n += std::max<size_t>(1, good.size() / 97)) {
    write(path("cut"),
          std::vector<uint8_t>(good.begin(), good.begin() + static_cast<ptrdiff_t>(n)));
    EXPECT_NE(error_of(path("cut")), "no error") << "cut at " << n;
  }
  std::vector<uint8_t> bad = good;
  bad[bad.size() / 2] ^= 0x40;  // in the compressed data: the checksum catches it
  write(path("bad"), bad);
  EXPECT_NE(error_of(path("bad")).find("is corrupt"), std::string::npos) << error_of(path("bad"));
}

}  // namespace
}  // namespace tx86::core
