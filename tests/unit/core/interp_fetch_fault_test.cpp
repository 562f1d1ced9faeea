// Page faults of the instruction fetch, which the interpreter returns
// without a C++ exception (Cpu::fetch_page_or_fault): the same vector,
// error code and CR2 as a fault thrown from inside an instruction.
#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

// Flat 32-bit protected mode with paging: linear 0-4 MiB maps to itself
// through the page table at 0x21000, but 0x13000 is not present and 0x14000
// is a supervisor page.
class FetchFaultTest : public InterpTest {
 protected:
  static constexpr uint32_t kPd = 0x20000;
  static constexpr uint32_t kPt = 0x21000;

  FetchFaultTest() {
    mem.write32(kPd, kPt | pte::kPresent | pte::kWritable | pte::kUser);
    for (uint32_t page = 0; page < 256; ++page) {  // (the RAM is 1 MiB)
      mem.write32(kPt + 4 * page, (page << 12) | pte::kPresent | pte::kWritable | pte::kUser);
    }
    mem.write32(kPt + 4 * 0x13, 0);
    mem.write32(kPt + 4 * 0x14, 0x14000 | pte::kPresent | pte::kWritable);
    CpuState& s = cpu.state;
    s.cr0 = cr0::kPe | cr0::kPg | cr0::kEt;
    s.cr3 = kPd;
    const uint16_t data = seg_attr::kPresent | seg_attr::kS | seg_attr::kWritable |
                          seg_attr::kAccessed | seg_attr::kDefaultBig | seg_attr::kGranularity;
    for (SegmentCache& c : s.seg) c = SegmentCache{0x23, 0, 0xFFFFFFFFu, data};
    s.seg[kCs] = SegmentCache{0x1B, 0, 0xFFFFFFFFu, static_cast<uint16_t>(data | seg_attr::kCode)};
    cpu.mmu.flush_all();
  }

  // Executes at EIP at the given CPL; the fault it returns.
  std::optional<GuestFault> fetch_at(uint32_t eip, unsigned cpl) {
    CpuState& s = cpu.state;
    s.seg[kCs].selector = static_cast<uint16_t>((s.seg[kCs].selector & ~3u) | cpl);
    s.eip = eip;
    s.cr2 = 0;
    return interp.execute(cpu);
  }
};

TEST_F(FetchFaultTest, AFetchFromANotPresentPageFaultsWithCr2AndTheUserBit) {
  const std::optional<GuestFault> f = fetch_at(0x13010, 3);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->vector, vec::kPf);
  EXPECT_TRUE(f->has_error_code);
  EXPECT_EQ(f->error_code, pf::kUser);
  EXPECT_EQ(cpu.state.cr2, 0x13010u);
  EXPECT_EQ(cpu.state.eip, 0x13010u);

  const std::optional<GuestFault> g = fetch_at(0x13FFF, 0);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->error_code, 0u);
  EXPECT_EQ(cpu.state.cr2, 0x13FFFu);
}

TEST_F(FetchFaultTest, AUserFetchFromASupervisorPageIsAProtectionFault) {
  load({0x90}, 0x14000);  // nop
  const std::optional<GuestFault> f = fetch_at(0x14000, 3);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->error_code, pf::kProtection | pf::kUser);
  EXPECT_EQ(cpu.state.cr2, 0x14000u);
  EXPECT_FALSE(fetch_at(0x14000, 0).has_value());  // the kernel runs it
  EXPECT_EQ(cpu.state.eip, 0x14001u);
}

// An instruction that starts on a present page and runs into one that is
// not faults on the second page, as its bytes there are fetched.
TEST_F(FetchFaultTest, AnInstructionThatCrossesIntoANotPresentPageFaultsThere) {
  load({0xB8, 0x01, 0x02}, 0x12FFD);  // mov eax, imm32 (its last two bytes on 0x13000)
  const std::optional<GuestFault> f = fetch_at(0x12FFD, 3);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->error_code, pf::kUser);
  EXPECT_EQ(cpu.state.cr2, 0x13000u);
  EXPECT_EQ(cpu.state.eip, 0x12FFDu);
}

}  // namespace
}  // namespace tx86::core::testing
