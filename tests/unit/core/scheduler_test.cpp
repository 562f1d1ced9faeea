#include "core/sched/scheduler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tx86::core {
namespace {

TEST(Scheduler, DeterministicTimeFollowsRetiredInstructions) {
  Scheduler s(ClockMode::kDeterministic, 2500);  // 2.5 ns per instruction
  EXPECT_EQ(s.now(), 0u);
  s.retire(4);
  EXPECT_EQ(s.now(), 10u);
  s.retire(1);
  EXPECT_EQ(s.now(), 12u);  // 12.5 ns, truncated
  EXPECT_EQ(s.retired(), 5u);
}

TEST(Scheduler, InstructionsUntilRoundsUpSoTheDeadlineIsReached) {
  Scheduler s(ClockMode::kDeterministic, 3000);
  EXPECT_EQ(s.insns_until(10), 4u);  // 4 * 3 ns = 12 ns >= 10 ns
  EXPECT_EQ(s.insns_until(0), 0u);
  EXPECT_EQ(s.insns_until(kNever), UINT64_MAX);
  s.retire(4);
  EXPECT_EQ(s.insns_until(10), 0u);
}

TEST(Scheduler, FiresDueTimersInDeadlineOrderWithTiesInArmingOrder) {
  Scheduler s;
  std::vector<std::string> fired;
  const TimerId a = s.add_timer("a", [&] { fired.push_back("a"); });
  const TimerId b = s.add_timer("b", [&] { fired.push_back("b"); });
  const TimerId c = s.add_timer("c", [&] { fired.push_back("c"); });
  s.arm(c, 50);
  s.arm(b, 20);
  s.arm(a, 20);
  EXPECT_EQ(s.next_deadline(), 20u);
  s.retire(30);  // 30 ns
  s.run_due();
  EXPECT_EQ(fired, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(s.armed(a));
  EXPECT_TRUE(s.armed(c));
  EXPECT_EQ(s.next_deadline(), 50u);
}

TEST(Scheduler, DisarmedTimerNeverFires) {
  Scheduler s;
  int count = 0;
  const TimerId t = s.add_timer("t", [&] { ++count; });
  s.arm(t, 5);
  s.disarm(t);
  s.retire(100);
  s.run_due();
  EXPECT_EQ(count, 0);
  EXPECT_EQ(s.next_deadline(), kNever);
}

TEST(Scheduler, CallbackMayRearmItselfForPeriodicEvents) {
  Scheduler s;
  std::vector<GuestTime> at;
  TimerId t = 0;
  t = s.add_timer("periodic", [&] {
    at.push_back(s.now());
    s.arm(t, s.now() + 10);
  });
  s.arm(t, 10);
  for (int i = 0; i < 35; ++i) {
    s.retire(1);
    s.run_due();
  }
  EXPECT_EQ(at, (std::vector<GuestTime>{10, 20, 30}));
  EXPECT_EQ(s.deadline(t), 40u);
}

TEST(Scheduler, EventsArmedInThePastFireAtTheNextRun) {
  Scheduler s;
  s.retire(100);
  int count = 0;
  const TimerId t = s.add_timer("late", [&] { ++count; });
  s.arm(t, 10);
  s.run_due();
  EXPECT_EQ(count, 1);
}

TEST(Scheduler, SkipToJumpsIdleTimeForward) {
  Scheduler s;
  s.retire(5);
  s.skip_to(1000);
  EXPECT_EQ(s.now(), 1000u);
  s.skip_to(10);  // never backwards
  EXPECT_EQ(s.now(), 1000u);
  EXPECT_EQ(s.retired(), 5u);
}

TEST(Scheduler, RealtimeClockAdvancesWithoutInstructions) {
  Scheduler s(ClockMode::kRealtime);
  const GuestTime t0 = s.now();
  GuestTime t1 = t0;
  for (int i = 0; i < 1000000 && t1 == t0; ++i) t1 = s.now();
  EXPECT_GT(t1, t0);
  s.retire(1000);  // counted, but time is the host's
  EXPECT_EQ(s.retired(), 1000u);
}

}  // namespace
}  // namespace tx86::core

namespace tx86::core {
namespace {

TEST(Scheduler, AttachedCounterMakesNowExactInsideASlice) {
  Scheduler s(ClockMode::kDeterministic, 1000);
  uint64_t icount = 500;  // a CPU that ran before the counter was attached
  s.attach_instruction_counter(&icount);
  EXPECT_EQ(s.now(), 0u);
  icount += 250;  // executing, not yet synced
  EXPECT_EQ(s.now(), 250u);
  EXPECT_EQ(s.insns_until(1000), 750u);
  s.sync();
  EXPECT_EQ(s.now(), 250u);
  EXPECT_EQ(s.retired(), 250u);
  s.skip_to(5000);
  icount += 10;
  EXPECT_EQ(s.now(), 5010u);
}

TEST(Scheduler, ArmListenerSeesEveryDeadline) {
  Scheduler s;
  std::vector<GuestTime> seen;
  s.set_arm_listener([&](GuestTime t) { seen.push_back(t); });
  const TimerId t = s.add_timer("t", [] {});
  s.arm(t, 70);
  s.arm(t, 30);
  EXPECT_EQ(seen, (std::vector<GuestTime>{70, 30}));
}

}  // namespace
}  // namespace tx86::core

namespace tx86::core {
namespace {

TEST(Scheduler, StallMovesDeterministicTimeOnAndTellsTheListener) {
  Scheduler s(ClockMode::kDeterministic, 1000);
  uint64_t icount = 0;
  s.attach_instruction_counter(&icount);
  int heard = 0;
  s.set_stall_listener([&] { ++heard; });
  icount += 40;  // executing, not yet synced: the stall comes after them
  s.stall(1000);
  EXPECT_EQ(s.now(), 1040u);
  EXPECT_EQ(s.retired(), 40u);  // a stall retires nothing
  EXPECT_EQ(s.insns_until(2000), 960u);
  EXPECT_EQ(heard, 1);
  s.stall(0);  // nothing to wait for
  EXPECT_EQ(heard, 1);
}

TEST(Scheduler, StallInRealTimeIsTheHostsOwn) {
  Scheduler s(ClockMode::kRealtime);
  int heard = 0;
  s.set_stall_listener([&] { ++heard; });
  const GuestTime t0 = s.now();
  s.stall(1'000'000'000);
  EXPECT_LT(s.now() - t0, 500'000'000u);
  EXPECT_EQ(heard, 0);
}

}  // namespace
}  // namespace tx86::core
