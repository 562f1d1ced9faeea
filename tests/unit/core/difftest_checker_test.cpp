// The differential checker without the host runner: fabricated host results
// check how undefined flags are masked and carried into tx86.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "tests/difftest/checker.h"

namespace tx86::difftest {
namespace {

dt_snapshot snap(uint32_t eip, uint32_t eax, uint32_t ecx, uint32_t eflags) {
  dt_snapshot s{};
  s.eip = eip;
  s.gpr[0] = eax;
  s.gpr[1] = ecx;
  s.gpr[4] = DT_STACK_TOP;
  s.eflags = eflags | 0x202;
  s.fcw = 0x037F;  // the FNINIT state every case starts from by default
  s.ftw = 0xFFFF;
  return s;
}

// mul ecx; lahf — LAHF reads SF ZF AF PF, which MUL leaves undefined.
TestCase mul_then_lahf() {
  TestCase c;
  c.gpr = {0x1234, 0x5678, 0, 0, DT_STACK_TOP, 0, 0, 0};
  c.insns = {{0xF7, 0xE1}, {0x9F}};
  return c;
}

NativeResult host_run(uint32_t eax_after_lahf) {
  NativeResult n;
  n.snapshots = {snap(DT_CODE_PAGE, 0x1234, 0x5678, 0),
                 // The host's undefined flags after MUL: ZF and AF set, PF clear.
                 snap(DT_CODE_PAGE + 2, 0x06260060, 0x5678, 0x50),
                 snap(DT_CODE_PAGE + 3, eax_after_lahf, 0x5678, 0x50)};
  return n;
}

TEST(DifftestCheckerTest, UndefinedFlagsAreNotComparedAndTakeTheHostValues) {
  Tx86Machine m;
  // AH = SF ZF 0 AF 0 PF 1 CF of the host's flags: 0x52.
  const CheckResult r = check_case(mul_then_lahf(), host_run(0x06265260), m);
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_EQ(r.insns, 2u);
  EXPECT_EQ(r.undefined[0], 0xD4u);  // SF ZF AF PF
}

TEST(DifftestCheckerTest, AValueComputedFromAnUndefinedFlagIsStillCompared) {
  Tx86Machine m;
  const CheckResult r = check_case(mul_then_lahf(), host_run(0x06265660), m);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("insn 1"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("EAX host 06265660 tx86 06265260"), std::string::npos) << r.message;
}

TEST(DifftestCheckerTest, DefinedFlagsAreCompared) {
  Tx86Machine m;
  NativeResult n = host_run(0x06265260);
  n.snapshots[1].eflags |= 0x1;  // CF is defined for MUL
  const CheckResult r = check_case(mul_then_lahf(), n, m);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("differ in CF"), std::string::npos) << r.message;
}

TEST(DifftestCheckerTest, TheSameExceptionOnBothSidesMatches) {
  Tx86Machine m;
  TestCase c;
  c.gpr = {7, 0, 0, 0, DT_STACK_TOP, 0, 0, 0};
  c.insns = {{0xF7, 0xF1}};  // div ecx, ECX = 0
  NativeResult n;
  n.status = SIGFPE;
  n.fault_eip = DT_CODE_PAGE;
  n.snapshots = {snap(DT_CODE_PAGE, 7, 0, 0), snap(DT_CODE_PAGE, 7, 0, 0)};
  const CheckResult r = check_case(c, n, m);
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_TRUE(r.native_faulted);
}

}  // namespace
}  // namespace tx86::difftest
