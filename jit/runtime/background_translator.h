// A thread that translates blocks while the guest runs on: the dispatcher
// hands it a snapshot of a hot block's code page and mode (Job), goes on
// interpreting the block, and installs the translation when it is ready.
// The host's second core takes the translation time off the guest's path
// (a tenth of a Linux boot's time, translated synchronously).
//
// Only build() runs on the thread; everything else is the dispatcher's.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jit/backend/x64/emitter.h"
#include "jit/frontend/translator.h"
#include "jit/runtime/block_cache.h"

namespace tx86::jit {

struct TranslationJob {
  BlockKey key;
  uint32_t phys_page = 0;
  CodeSnapshot snapshot;  // .page points at `page`
  std::array<uint8_t, 4096> page{};
  x64::EmitContext ctx;  // all but the scratch, which is the thread's
  // Set by the dispatcher when it translated the block itself: the thread
  // skips the job if it has not begun it.
  std::atomic<bool> cancelled = false;
  // Filled by build():
  std::unique_ptr<CompiledBlock> block;  // null: nothing to install
  bool arena_full = false;               // the arena must be flushed first
  std::exception_ptr error;              // rethrown where it is installed
  std::string unoptimized;               // the IR before the passes, for --jit-log
  uint64_t ticks = 0;                    // TSC ticks build() took
};

class BackgroundTranslator {
 public:
  using Build = std::function<void(TranslationJob&, x64::EmitScratch&)>;
  explicit BackgroundTranslator(Build build);
  ~BackgroundTranslator();
  BackgroundTranslator(const BackgroundTranslator&) = delete;
  BackgroundTranslator& operator=(const BackgroundTranslator&) = delete;

  void submit(std::unique_ptr<TranslationJob> job);
  // Cheap enough for every pass of the dispatcher's loop.
  bool has_results() const { return ready_.load(std::memory_order_acquire); }
  std::vector<std::unique_ptr<TranslationJob>> take_results();
  // Waits until no job is being built, then drops the queued jobs and the
  // results (before the code arena is flushed).
  void drop_all();
  // Waits until every job submitted has been built.
  void wait_idle();
  // While held, the thread starts no job (tests: a translation that is late).
  void hold(bool held);

 private:
  void loop();

  Build build_;
  x64::EmitScratchPtr scratch_ = x64::make_emit_scratch();
  std::mutex mutex_;
  std::condition_variable wake_;  // a job came, or stop
  std::condition_variable idle_;  // the job being built is done
  std::deque<std::unique_ptr<TranslationJob>> queue_;
  std::vector<std::unique_ptr<TranslationJob>> done_;
  bool busy_ = false;
  bool stop_ = false;
  bool asleep_ = false;             // waiting on wake_ (submit must notify)
  std::atomic<size_t> queued_ = 0;  // queue_.size(), for the spin before sleeping
  static constexpr std::chrono::microseconds kSpin{200};
  bool held_ = false;
  std::atomic<bool> ready_ = false;
  std::thread thread_;  // (last: starts once the rest is made)
};

}  // namespace tx86::jit
