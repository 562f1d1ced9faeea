#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

using namespace flags;
using ControlTest = InterpTest;

class FakePic : public InterruptSource {
 public:
  bool intr_pending() const override { return pending; }
  uint8_t intr_acknowledge() override {
    pending = false;
    return vector;
  }
  bool pending = false;
  uint8_t vector = 0x08;
};

TEST_F(ControlTest, IntPushesFlagsCsIpAndClearsIfTf) {
  set_ivt(0x21, 0x1234, 0x0010);
  set_flags(kIf | kTf | kCf);
  exec({0xCD, 0x21});  // int 0x21
  EXPECT_EQ(cpu.state.seg[kCs].selector, 0x1234);
  EXPECT_EQ(cpu.state.seg[kCs].base, 0x12340u);
  EXPECT_EQ(cpu.state.eip, 0x0010u);
  EXPECT_EQ(mem.read16(0x8000 - 2), kIf | kTf | kCf | kReserved1);  // FLAGS
  EXPECT_EQ(mem.read16(0x8000 - 4), 0x0000);                        // CS
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart + 2);                // return IP
  EXPECT_FALSE(cpu.state.flag(kIf));
  EXPECT_FALSE(cpu.state.flag(kTf));
  EXPECT_TRUE(cpu.state.flag(kCf));
}

TEST_F(ControlTest, IretReturnsAndRestoresFlags) {
  set_ivt(0x21, 0x0000, 0x0300);
  load({0xCF}, 0x0300);  // iret
  set_flags(kIf | kCf);
  exec({0xCD, 0x21});
  run();
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
  EXPECT_EQ(cpu.state.eflags, kIf | kCf | kReserved1);
  EXPECT_EQ(reg(kEsp), 0x8000u);
}

TEST_F(ControlTest, InvalidOpcodeRaisesUdAtTheInstruction) {
  set_ivt(6, 0x0000, 0x0500);
  exec({0x0F, 0x0B});  // ud2
  EXPECT_EQ(cpu.state.eip, 0x0500u);
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart);
}

TEST_F(ControlTest, BoundOutOfRangeRaisesBr) {
  set_ivt(5, 0x0000, 0x0600);
  mem.write16(0x0700, 10);
  mem.write16(0x0702, 20);
  set(kEax, 21);
  exec({0x62, 0x06, 0x00, 0x07});  // bound ax, [0x700]
  EXPECT_EQ(cpu.state.eip, 0x0600u);
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart);
}

TEST_F(ControlTest, WordAccessAtOffsetFFFFFaults) {
  set_ivt(13, 0x0000, 0x0600);
  set(kEbx, 0xFFFF);
  exec({0x8B, 0x07});  // mov ax, [bx]
  EXPECT_EQ(cpu.state.eip, 0x0600u);
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart);
}

TEST_F(ControlTest, StackWordAtOffsetFFFFRaisesStackFault) {
  set_ivt(12, 0x0000, 0x0600);
  set(kEsp, 0x0001);
  exec({0x50});  // push ax: the word would be at SS:FFFF
  // Delivering #SS needs the same stack, so it escalates to #DF and then to
  // shutdown; the failed pushes leave SP as it was.
  EXPECT_TRUE(cpu.in_shutdown());
  EXPECT_EQ(reg(kEsp), 1u);
}

TEST_F(ControlTest, NearCallAndRet) {
  load({0xC3}, 0x0400);      // ret
  exec({0xE8, 0xFD, 0x02});  // call 0x400 (0x103 + 0x2FD)
  EXPECT_EQ(cpu.state.eip, 0x0400u);
  EXPECT_EQ(mem.read16(0x8000 - 2), 0x0103);
  run();
  EXPECT_EQ(cpu.state.eip, 0x0103u);
  EXPECT_EQ(reg(kEsp), 0x8000u);
}

TEST_F(ControlTest, FarCallAndRetfWithImmediate) {
  load({0xCA, 0x04, 0x00}, 0x20010);     // retf 4 at 2000:0010
  exec({0x9A, 0x10, 0x00, 0x00, 0x20});  // call 2000:0010
  EXPECT_EQ(cpu.state.seg[kCs].selector, 0x2000);
  EXPECT_EQ(mem.read16(0x8000 - 2), 0x0000);  // CS
  EXPECT_EQ(mem.read16(0x8000 - 4), 0x0105);  // IP
  run();
  EXPECT_EQ(cpu.state.seg[kCs].selector, 0x0000);
  EXPECT_EQ(cpu.state.eip, 0x0105u);
  EXPECT_EQ(reg(kEsp), 0x8000u + 4);
}

TEST_F(ControlTest, JccTakenAndNotTaken) {
  set_flags(kZf);
  exec({0x74, 0x10});  // jz +0x10
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2 + 0x10);
  cpu.state.eip = kCodeStart;
  exec({0x75, 0x10});  // jnz
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
}

TEST_F(ControlTest, LoopCountsCx) {
  set(kEcx, 2);
  exec({0xE2, 0xFE});  // loop $
  EXPECT_EQ(cpu.state.eip, kCodeStart);
  EXPECT_EQ(reg(kEcx), 1u);
  run();
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
  EXPECT_EQ(reg(kEcx), 0u);
}

TEST_F(ControlTest, ExternalInterruptWaitsForIfAndTheStiShadow) {
  FakePic pic;
  cpu.set_interrupt_source(&pic);
  set_ivt(0x08, 0x0000, 0x0700);
  load({0xFB, 0x90, 0x90});  // sti; nop; nop
  pic.pending = true;
  EXPECT_EQ(interp.run(cpu, 1), StopReason::kBudget);  // sti
  EXPECT_EQ(interp.run(cpu, 1), StopReason::kBudget);  // nop: shadow holds it off
  EXPECT_EQ(cpu.state.eip, kCodeStart + 2);
  EXPECT_EQ(interp.run(cpu, 1), StopReason::kBudget);  // interrupt taken, then its first insn
  EXPECT_FALSE(pic.pending);
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart + 2);
}

TEST_F(ControlTest, HltStopsTheEngineUntilAnInterrupt) {
  FakePic pic;
  cpu.set_interrupt_source(&pic);
  set_ivt(0x08, 0x0000, 0x0700);
  set_flags(kIf);
  load({0xF4});  // hlt
  EXPECT_EQ(interp.run(cpu, 10), StopReason::kHalted);
  EXPECT_TRUE(cpu.state.halted);
  EXPECT_EQ(interp.run(cpu, 10), StopReason::kHalted);
  pic.pending = true;
  interp.run(cpu, 1);
  EXPECT_FALSE(cpu.state.halted);
  EXPECT_EQ(mem.read16(0x8000 - 6), kCodeStart + 1);  // returns after the HLT
}

TEST_F(ControlTest, TripleFaultShutsDown) {
  cpu.state.idtr.limit = 0;  // no vector fits: #GP, then #DF, then shutdown
  exec({0xCD, 0x21});
  EXPECT_TRUE(cpu.in_shutdown());
  EXPECT_EQ(interp.run(cpu, 1), StopReason::kShutdown);
}

TEST_F(ControlTest, PushaPopaRoundTrip) {
  for (int r = 0; r < 8; ++r) set(static_cast<Gpr>(r), 0x1111u * (r + 1));
  set(kEsp, 0x8000);
  exec({0x60});                                // pusha
  EXPECT_EQ(mem.read16(0x8000 - 10), 0x8000);  // the SP before PUSHA
  for (int r = 0; r < 8; ++r) {
    if (r != kEsp) set(static_cast<Gpr>(r), 0);
  }
  exec({0x61});  // popa
  EXPECT_EQ(reg(kEax), 0x1111u);
  EXPECT_EQ(reg(kEdi), 0x8888u);
  EXPECT_EQ(reg(kEsp), 0x8000u);
}

TEST_F(ControlTest, EnterLeaveBuildAndDropAFrame) {
  set(kEbp, 0x1234);
  exec({0xC8, 0x10, 0x00, 0x00});  // enter 16, 0
  EXPECT_EQ(reg(kEbp), 0x8000u - 2);
  EXPECT_EQ(reg(kEsp), 0x8000u - 2 - 16);
  exec({0xC9});  // leave
  EXPECT_EQ(reg(kEbp), 0x1234u);
  EXPECT_EQ(reg(kEsp), 0x8000u);
}

TEST_F(ControlTest, PopfInRealModeKeepsReservedBitsFixed) {
  mem.write16(0x8000 - 2, 0xFFFF);
  set(kEsp, 0x8000 - 2);
  exec({0x9D});                                   // popf
  EXPECT_EQ(cpu.state.eflags & 0xFFFF, 0x7FD7u);  // bits 1 set; 3, 5, 15 clear
}

}  // namespace
}  // namespace tx86::core::testing
