// The code arena's two mappings show the same memory: what is written at
// the writable alias runs at the executable address. Also under a
// file-size limit (ulimit -f), where the memfd cannot grow and shared
// anonymous memory takes its place.
#include "jit/runtime/code_arena.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>

namespace tx86::jit {
namespace {

// mov eax, 42; ret
constexpr uint8_t kReturn42[] = {0xB8, 42, 0, 0, 0, 0xC3};

int run_in(CodeArena& arena) {
  uint8_t* exec = arena.allocate(sizeof kReturn42);
  EXPECT_NE(exec, nullptr);
  std::memcpy(arena.writable(exec), kReturn42, sizeof kReturn42);
  EXPECT_EQ(std::memcmp(exec, kReturn42, sizeof kReturn42), 0);
  return reinterpret_cast<int (*)()>(exec)();
}

TEST(CodeArena, WhatIsWrittenAtTheAliasRunsAtTheExecutableAddress) {
  CodeArena arena(1 << 20);
  EXPECT_EQ(run_in(arena), 42);
}

TEST(CodeArena, WorksUnderAFileSizeLimit) {
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  auto* handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit = old;
  limit.rlim_cur = 4096;
  setrlimit(RLIMIT_FSIZE, &limit);
  {
    CodeArena arena(1 << 20);
    EXPECT_EQ(run_in(arena), 42);
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, handler);
}

}  // namespace
}  // namespace tx86::jit
