// Talks to the 32-bit native runner (native_runner.c) over a pair of pipes:
// requests go in batches, written and read with poll so that neither side
// blocks on a full pipe.
#pragma once

#include <sys/types.h>

#include <span>
#include <string>
#include <vector>

#include "tests/difftest/test_case.h"

namespace tx86::difftest {

class NativeClient {
 public:
  // Starts the runner; throws std::runtime_error when it cannot.
  explicit NativeClient(const std::string& runner_path);
  ~NativeClient();
  NativeClient(const NativeClient&) = delete;
  NativeClient& operator=(const NativeClient&) = delete;

  std::vector<NativeResult> run(std::span<const TestCase> cases);
  NativeResult run_one(const TestCase& c) { return run({&c, 1}).front(); }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
};

}  // namespace tx86::difftest
