// The MMU and its TLB (mmu.cpp) with page tables that point outside guest
// RAM: PTEs mapping linear pages to physical pages past 1 MiB of RAM and to
// 0xFFFFF000, an access straddling RAM's last page and such a page, a PDE
// whose page table lies past RAM, CR3 past RAM (with and without PSE), and
// a 4 MiB page at the top of the space. Each such page must be filled into
// the TLB as a slow entry, so that the accesses (the JIT's inline lookup
// included) go to the bus: unassigned space reads all-ones and drops
// stores, and no host memory past RAM is touched (guarded_ram.h). Page
// tables in RAM and MMIO pages are mmu_test.cpp's.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/cpu/guest_fault.h"
#include "core/firmware/flat_entry.h"
#include "core/mem/mmu.h"
#include "jit/runtime/jit_engine.h"
#include "tests/unit/core/guarded_ram.h"

namespace tx86::core {
namespace {

constexpr uint64_t kRam = 1u << 20;
constexpr uint32_t kPd = 0x1000;
constexpr uint32_t kPt = 0x2000;  // maps linear 0x00400000-0x007FFFFF
constexpr uint32_t kRw = pte::kPresent | pte::kWritable;
constexpr uint32_t kRwDirty = kRw | pte::kAccessed | pte::kDirty;

class TlbBoundsTest : public ::testing::Test {
 protected:
  TlbBoundsTest() : bus(testing::guarded_ram_size(kRam)), mmu(bus) {
    testing::map_guarded_ram(bus, kRam);
    for (uint64_t i = 0; i < kRam; ++i) bus.ram()[i] = static_cast<uint8_t>(i * 3 + 1);
    for (uint32_t i = 0; i < 1024; ++i) bus.write32(kPd + 4 * i, 0);
    for (uint32_t i = 0; i < 1024; ++i) bus.write32(kPt + 4 * i, 0);
    bus.write32(kPd + 4, kPt | kRw);
    s.cr0 = cr0::kPe | cr0::kPg;
    s.cr3 = kPd;
  }

  void map_4k(uint32_t lin, uint32_t phys, uint32_t bits = kRwDirty) {
    ASSERT_EQ(lin >> 22, 1u);
    bus.write32(kPt + ((lin >> 12) & 0x3FF) * 4, phys | bits);
  }
  // RAM outside the page tables (whose A and D bits walks set) unchanged.
  int64_t changed_outside_tables(const std::vector<uint8_t>& before, uint64_t begin = 0,
                                 uint64_t end = 0) {
    return testing::changed_outside(bus, before, {{kPd, kPt + kPageSize}, {begin, end}});
  }
  const TlbEntry& entry(uint32_t lin) const {
    return mmu.tlb(false)[(lin >> kPageShift) & (Mmu::kTlbSize - 1)];
  }

  MemoryBus bus;
  Mmu mmu;
  CpuState s;
};

TEST_F(TlbBoundsTest, PagesMappedPastRamReadAllOnesAndDropStores) {
  map_4k(0x00400000, 0x00200000);
  map_4k(0x00401000, 0xFFFFF000);
  map_4k(0x00402000, 0x000FF000 + kPageSize);  // the page right after RAM
  const std::vector<uint8_t> before = testing::snapshot(bus, kRam);
  for (const uint32_t lin : {0x00400000u, 0x00401000u, 0x00402000u}) {
    for (const uint32_t off : {0u, 0x7FEu, 0xFFCu}) {
      mmu.write(s, lin + off, 4, 0x12345678, false);
      mmu.write(s, lin + off, 1, 0x9A, false);
      EXPECT_EQ(mmu.read(s, lin + off, 4, false), 0xFFFFFFFFu) << std::hex << lin + off;
      EXPECT_EQ(mmu.read(s, lin + off, 2, false), 0xFFFFu);
      EXPECT_EQ(mmu.read(s, lin + off, 1, false), 0xFFu);
    }
    EXPECT_EQ(mmu.host_for_read(lin, false), nullptr) << "no host bytes behind it";
    EXPECT_NE(entry(lin).read_tag & kTlbSlow, 0u) << "the inline lookup misses";
    EXPECT_NE(entry(lin).write_tag & (kTlbSlow | kTlbInvalid), 0u);
  }
  EXPECT_EQ(mmu.translate(s, 0x00401ABC, Access::kRead, false), 0xFFFFFABCu);
  EXPECT_EQ(changed_outside_tables(before), -1);
}

TEST_F(TlbBoundsTest, AnAccessStraddlingRamsLastPageAndAPagePastRamSplits) {
  map_4k(0x00403000, 0x000FF000);  // RAM's last page
  map_4k(0x00404000, 0x00300000);  // past RAM
  const std::vector<uint8_t> before = testing::snapshot(bus, kRam);
  mmu.write(s, 0x00403FFE, 4, 0xA1B2C3D4, false);
  EXPECT_EQ(bus.read16(0xFFFFE), 0xC3D4);
  EXPECT_EQ(mmu.read(s, 0x00403FFE, 4, false), 0xFFFFC3D4u);
  EXPECT_NE(mmu.host_for_read(0x00403000, false), nullptr) << "RAM's last page is plain RAM";
  EXPECT_EQ(changed_outside_tables(before, 0xFFFFE, kRam), -1);
}

TEST_F(TlbBoundsTest, APageTablePastRamReadsAsAllOnesPtes) {
  // PDE 2 (linear 0x00800000) points at a page table at 0x00300000: each
  // PTE reads 0xFFFFFFFF, present and writable, for physical 0xFFFFF000.
  bus.write32(kPd + 8, 0x00300000 | kRw);
  const std::vector<uint8_t> before = testing::snapshot(bus, kRam);
  EXPECT_EQ(mmu.translate(s, 0x00812345, Access::kWrite, false), 0xFFFFF345u);
  mmu.write(s, 0x00812345, 4, 0x11111111, false);
  EXPECT_EQ(mmu.read(s, 0x00812345, 4, false), 0xFFFFFFFFu);
  EXPECT_EQ(bus.read32(kPd + 8), 0x00300000 | kRw | pte::kAccessed) << "only the PDE's A bit";
  EXPECT_EQ(changed_outside_tables(before), -1);
}

TEST_F(TlbBoundsTest, Cr3PastRamReadsAllOnesPdesWhichPseRejectsAsReserved) {
  s.cr3 = 0x00500000;
  const std::vector<uint8_t> before = testing::snapshot(bus, kRam);
  // Without PSE the PDE's PS bit is ignored: its table is at 0xFFFFF000.
  EXPECT_EQ(mmu.translate(s, 0x12345678, Access::kRead, false), 0xFFFFF678u);
  EXPECT_EQ(mmu.read(s, 0x12345678, 4, false), 0xFFFFFFFFu);
  // With PSE it is a 4 MiB page whose reserved bits 21:12 are set.
  s.cr4 |= cr4::kPse;
  mmu.flush_all();
  GuestFault fault{};
  EXPECT_FALSE(mmu.try_translate(s, 0x12345678, Access::kRead, false, &fault).has_value());
  EXPECT_EQ(fault.vector, vec::kPf);
  EXPECT_EQ(fault.error_code, pf::kProtection | pf::kReserved);
  EXPECT_EQ(changed_outside_tables(before), -1);
}

TEST_F(TlbBoundsTest, AFourMebibytePageAtTheTopOfTheSpaceReachesOnlyTheBus) {
  s.cr4 |= cr4::kPse;
  bus.write32(kPd + 4 * 3, 0xFFC00000u | kRwDirty | pte::kLargePage);  // linear 0x00C00000
  const std::vector<uint8_t> before = testing::snapshot(bus, kRam);
  for (const uint32_t lin : {0x00C00000u, 0x00DFFFFCu, 0x00FFFFFCu}) {
    mmu.write(s, lin, 4, 0x55AA55AA, false);
    EXPECT_EQ(mmu.read(s, lin, 4, false), 0xFFFFFFFFu) << std::hex << lin;
    EXPECT_NE(entry(lin).read_tag & kTlbSlow, 0u);
  }
  EXPECT_EQ(mmu.translate(s, 0x00FFFFFF, Access::kRead, false), 0xFFFFFFFFu);
  EXPECT_EQ(changed_outside_tables(before), -1);
}

// The same through translated code, whose loads and stores look up the TLB
// inline: mov [edi], eax; mov ebx, [esi]; mov ecx, [edx]; hlt.
TEST(TlbBoundsJitTest, TranslatedAccessesToPagesPastRamGoToTheBus) {
  MemoryBus mem(testing::guarded_ram_size(kRam));
  testing::map_guarded_ram(mem, kRam);
  IoBus io;
  Cpu cpu(mem, io);
  jit::JitEngine jit(cpu);
  constexpr uint32_t kCode = 0x3000;
  // Identity-map the first 4 MiB but for linear 0x5000 -> 0x00200000 and
  // 0x6000 -> 0xFFFFF000.
  for (uint32_t i = 0; i < 1024; ++i) mem.write32(kPt + 4 * i, (i << 12) | kRwDirty);
  mem.write32(kPt + 5 * 4, 0x00200000 | kRwDirty);
  mem.write32(kPt + 6 * 4, 0xFFFFF000 | kRwDirty);
  mem.write32(kPd, kPt | kRw);
  mem.write_block(kCode, std::vector<uint8_t>{0x89, 0x07, 0x8B, 0x1E, 0x8B, 0x0A, 0xF4});
  enter_flat_protected_mode(cpu, DescriptorTableReg{}, 0x08, 0x10, kCode);
  CpuState& s = cpu.state;
  s.cr3 = kPd;
  s.cr0 |= cr0::kPg;
  cpu.mmu.flush_all();
  const std::vector<uint8_t> before = testing::snapshot(mem, kRam);
  for (int round = 0; round < 3; ++round) {  // translated, then from the TLB
    s.gpr[kEax] = 0x5A5A5A5A;
    s.gpr[kEdi] = 0x4FFE;  // straddles into the page past RAM
    s.gpr[kEsi] = 0x6FFC;
    s.gpr[kEdx] = 0x5800;
    s.eip = kCode;
    s.halted = false;
    ASSERT_EQ(jit.run(cpu, 100), StopReason::kHalted) << cpu.error;
    EXPECT_EQ(s.gpr[kEbx], 0xFFFFFFFFu);
    EXPECT_EQ(s.gpr[kEcx], 0xFFFFFFFFu);
  }
  EXPECT_EQ(testing::changed_outside(mem, before, {{kPd, kPt + kPageSize}, {0x4FFE, 0x5000}}), -1);
  EXPECT_EQ(mem.read16(0x4FFE), 0x5A5A) << "the store's half in the page before";
}

}  // namespace
}  // namespace tx86::core
