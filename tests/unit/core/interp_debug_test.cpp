// Debug features: TF single step, DR0-DR3 instruction and data breakpoints,
// RF, DR7.GD (SDM Vol. 3, chapter 17). Real mode keeps the setup small; the
// rules are the same in protected mode.
#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

using namespace flags;
using DebugTest = InterpTest;

constexpr uint32_t kDr6Fixed = 0xFFFF0FF0u;
constexpr uint32_t kBs = 1u << 14;

class DebugFixture : public InterpTest {
 protected:
  DebugFixture() {
    set_ivt(1, 0x0000, 0x0700);  // #DB handler
    load({0x90}, 0x0700);
  }
  bool in_db_handler() const { return cpu.state.eip == 0x0700; }
};

TEST_F(DebugFixture, SingleStepTrapsAfterEachInstruction) {
  set_flags(kTf);
  load({0x40, 0x40});  // inc ax; inc ax
  run();
  EXPECT_TRUE(in_db_handler());
  EXPECT_EQ(reg(kEax), 1u);                           // the instruction completed
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart + 1);  // trap: the next instruction
  EXPECT_EQ(cpu.state.dr[6] & kBs, kBs);
  EXPECT_FALSE(cpu.state.flag(kTf));  // the handler is not single-stepped
}

TEST_F(DebugFixture, MovSsHoldsTheSingleStepTrapForOneInstruction) {
  set_flags(kTf);
  load({0x8E, 0xD0, 0x40});  // mov ss, ax; inc ax
  set(kEax, 0);
  run();
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);  // no trap yet
  run();
  EXPECT_TRUE(in_db_handler());
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart + 3);
}

TEST_F(DebugFixture, SoftwareInterruptIsNotSingleStepped) {
  set_ivt(0x21, 0x0000, 0x0600);
  load({0x90}, 0x0600);
  set_flags(kTf);
  load({0xCD, 0x21});  // int 0x21
  run();
  EXPECT_EQ(cpu.state.eip, 0x0600u);
  EXPECT_EQ(cpu.state.dr[6] & kBs, 0u);
}

TEST_F(DebugFixture, InstructionBreakpointFaultsBeforeExecutingAndRfSuppressesIt) {
  cpu.state.dr[0] = kCodeStart;  // linear address: CS base 0
  cpu.state.dr[7] = 0x00000401;  // L0, R/W0 = 00 (execute), LEN0 = 00
  load({0x40});                  // inc ax
  run();
  EXPECT_TRUE(in_db_handler());
  EXPECT_EQ(reg(kEax), 0u);                       // not executed: a fault
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart);  // returns to the instruction
  EXPECT_EQ(cpu.state.dr[6] & 0xF, 1u);
  // Resuming with RF set executes the instruction once; RF then clears.
  cpu.state.eip = kCodeStart;
  cpu.state.eflags |= kRf;
  run();
  EXPECT_EQ(reg(kEax), 1u);
  EXPECT_FALSE(cpu.state.flag(kRf));
}

TEST_F(DebugFixture, DataBreakpointTrapsAfterTheWrite) {
  cpu.state.dr[1] = 0x0902;
  cpu.state.dr[7] = 0x00D00404;  // L1, R/W1 = 01 (write), LEN1 = 11 (4 bytes)
  exec({0xA3, 0x04, 0x09});      // mov [0x904], ax: outside DR1's aligned dword 0x900-0x903
  EXPECT_EQ(cpu.state.eip, kCodeStart + 3);
  exec({0xA3, 0x02, 0x09});  // mov [0x902], ax
  EXPECT_TRUE(in_db_handler());
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart + 6);  // a trap
  EXPECT_EQ(cpu.state.dr[6] & 0xF, 2u);
}

TEST_F(DebugFixture, WriteOnlyBreakpointIgnoresReads) {
  cpu.state.dr[2] = 0x0A00;
  cpu.state.dr[7] = 0x01000010;  // L2, R/W2 = 01 (write), LEN2 = 00
  load({0xA1, 0x00, 0x0A});      // mov ax, [0xa00]
  run();
  EXPECT_EQ(cpu.state.eip, kCodeStart + 3);
  cpu.state.dr[7] = 0x03000010;  // R/W2 = 11: reads too
  cpu.state.eip = kCodeStart;
  run();
  EXPECT_TRUE(in_db_handler());
}

TEST_F(DebugFixture, GeneralDetectFaultsOnDebugRegisterAccess) {
  cpu.state.dr[7] = 0x00002400;  // GD
  load({0x0F, 0x21, 0xF8});      // mov eax, dr7
  run();
  EXPECT_TRUE(in_db_handler());
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart);      // a fault
  EXPECT_EQ(cpu.state.dr[6] & (1u << 13), 1u << 13);  // BD
  EXPECT_EQ(cpu.state.dr[7] & (1u << 13), 0u);        // GD cleared for the handler
}

TEST_F(DebugFixture, Dr6AndDr7KeepTheirFixedBitsAndDr4Dr5Alias) {
  set(kEax, 0);
  exec({0x0F, 0x23, 0xF0});  // mov dr6, eax
  EXPECT_EQ(cpu.state.dr[6], kDr6Fixed);
  exec({0x0F, 0x23, 0xF8});  // mov dr7, eax
  EXPECT_EQ(cpu.state.dr[7], 0x400u);
  set(kEax, 0x5);
  exec({0x0F, 0x23, 0xE8});  // mov dr5, eax: DR7 while CR4.DE is clear
  EXPECT_EQ(cpu.state.dr[7], 0x405u);
  cpu.state.dr[7] = 0x400;
}

}  // namespace
}  // namespace tx86::core::testing
