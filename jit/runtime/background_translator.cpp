#include "jit/runtime/background_translator.h"

#include <sched.h>
#include <x86intrin.h>

#include <chrono>
#include <iterator>

namespace tx86::jit {

BackgroundTranslator::BackgroundTranslator(Build build)
    : build_(std::move(build)), thread_([this] { loop(); }) {}

BackgroundTranslator::~BackgroundTranslator() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void BackgroundTranslator::submit(std::unique_ptr<TranslationJob> job) {
  bool asleep = false;
  {
    const std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
    queued_.store(queue_.size(), std::memory_order_relaxed);
    asleep = asleep_ && !held_;
  }
  if (asleep) wake_.notify_one();
}

std::vector<std::unique_ptr<TranslationJob>> BackgroundTranslator::take_results() {
  const std::lock_guard lock(mutex_);
  ready_.store(false, std::memory_order_relaxed);
  // (Moved out, not swapped: done_'s buffer, which the thread allocated,
  // stays with it instead of being freed by the dispatcher's thread.)
  std::vector<std::unique_ptr<TranslationJob>> results(std::make_move_iterator(done_.begin()),
                                                       std::make_move_iterator(done_.end()));
  done_.clear();
  return results;
}

void BackgroundTranslator::drop_all() {
  std::unique_lock lock(mutex_);
  queue_.clear();
  queued_.store(0, std::memory_order_relaxed);
  idle_.wait(lock, [this] { return !busy_; });
  done_.clear();
  ready_.store(false, std::memory_order_relaxed);
}

void BackgroundTranslator::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return (queue_.empty() || held_) && !busy_; });
}

void BackgroundTranslator::hold(bool held) {
  {
    const std::lock_guard lock(mutex_);
    held_ = held;
  }
  wake_.notify_one();
}

namespace {

// Whether this thread may run on more than one CPU (taskset and cpusets
// count, which hardware_concurrency ignores): only then can its spin
// leave the guest's thread a CPU of its own.
bool several_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return false;
  return CPU_COUNT(&set) > 1;
}

}  // namespace

void BackgroundTranslator::loop() {
  std::unique_lock lock(mutex_);
  const bool spin = several_cpus();
  for (;;) {
    if (spin && queue_.empty() && !stop_) {
      // Jobs come in bursts (a routine's blocks, one after another): a
      // short wait for the next one, spinning on its own core, spares the
      // dispatcher the wake-up call (a futex system call) and the job the
      // thread's wake-up latency.
      lock.unlock();
      const auto until = std::chrono::steady_clock::now() + kSpin;
      while (queued_.load(std::memory_order_relaxed) == 0 &&
             std::chrono::steady_clock::now() < until) {
        _mm_pause();
      }
      lock.lock();
    }
    asleep_ = true;
    wake_.wait(lock, [this] { return stop_ || (!queue_.empty() && !held_); });
    asleep_ = false;
    if (stop_) return;
    // The newest first: the code running now, when a burst of new code
    // has queued up jobs.
    std::unique_ptr<TranslationJob> job = std::move(queue_.back());
    queue_.pop_back();
    queued_.store(queue_.size(), std::memory_order_relaxed);
    busy_ = true;
    lock.unlock();
    const uint64_t started = __rdtsc();
    try {
      if (!job->cancelled.load(std::memory_order_relaxed)) build_(*job, *scratch_);
    } catch (...) {
      job->block.reset();
      job->error = std::current_exception();
    }
    job->ticks = __rdtsc() - started;
    lock.lock();
    busy_ = false;
    done_.push_back(std::move(job));
    ready_.store(true, std::memory_order_release);
    idle_.notify_all();
  }
}

}  // namespace tx86::jit
