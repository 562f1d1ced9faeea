#include <gtest/gtest.h>

#include <string>

#include "core/io/io_bus.h"
#include "devices/debug/debug_console.h"
#include "devices/debug/debug_exit.h"
#include "devices/debug/post_code.h"

namespace tx86::dev {
namespace {

class StringSink : public core::CharSink {
 public:
  void write(std::span<const uint8_t> bytes) override { text.append(bytes.begin(), bytes.end()); }
  std::string text;
};

class ExitRecorder : public core::MachineControl {
 public:
  void request_exit(int status) override { exits.push_back(status); }
  void request_reset() override { ++resets; }
  void request_power_off() override {}
  void set_a20(bool) override {}
  bool a20() const override { return true; }
  std::vector<int> exits;
  int resets = 0;
};

TEST(DebugConsole, BothPortsWriteToTheSinkAndReadAsE9) {
  core::IoBus io;
  StringSink sink;
  DebugConsole con(io, &sink);
  for (char c : std::string("Hi\n")) io.write8(0xE9, static_cast<uint8_t>(c));
  io.write8(0x402, '!');
  EXPECT_EQ(sink.text, "Hi\n!");
  EXPECT_EQ(io.read8(0xE9), 0xE9);
  EXPECT_EQ(io.read8(0x402), 0xE9);  // SeaBIOS's detection
}

TEST(DebugConsole, WorksWithoutASink) {
  core::IoBus io;
  DebugConsole con(io, nullptr);
  io.write8(0xE9, 'x');
  EXPECT_EQ(io.read8(0x402), 0xE9);
}

TEST(DebugExit, QemuModeExitsWithValueShiftedAndOred) {
  core::IoBus io;
  ExitRecorder m;
  DebugExit dev(io, m, DebugExitMode::kQemu);
  io.write8(0xF4, 0);
  io.write8(0xF4, 0x10);
  io.write32(0xF4, 0x7F);
  EXPECT_EQ(m.exits, (std::vector<int>{1, 0x21, 0xFF}));
}

TEST(DebugExit, RawModeExitsWithTheValue) {
  core::IoBus io;
  ExitRecorder m;
  DebugExit dev(io, m, DebugExitMode::kRaw);
  io.write8(0xF4, 0);
  io.write16(0xF6, 3);
  EXPECT_EQ(m.exits, (std::vector<int>{0, 3}));
}

TEST(DebugExit, StatusIsTruncatedToEightBitsAsByTheOperatingSystem) {
  EXPECT_EQ(DebugExit::status_for(0x80, DebugExitMode::kQemu), 1);
  EXPECT_EQ(DebugExit::status_for(0x1FF, DebugExitMode::kRaw), 0xFF);
}

TEST(PostCode, RemembersTheLastCodeAndReadsAllOnes) {
  core::IoBus io;
  PostCode post(io);
  io.write8(0x80, 0x55);
  io.write8(0x80, 0xAA);
  EXPECT_EQ(post.last(), 0xAA);
  EXPECT_EQ(io.read8(0x80), 0xFF);
}

}  // namespace
}  // namespace tx86::dev
