#include "core/mem/mmu.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/cpu/guest_fault.h"

namespace tx86::core {
namespace {

// 4 MiB of RAM; page directory at 0x1000, one page table at 0x2000 mapping
// linear 0x00400000-0x007FFFFF.
class MmuTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kPd = 0x1000;
  static constexpr uint32_t kPt = 0x2000;

  MmuTest() : bus(4 << 20), mmu(bus) {
    bus.map_ram(0, 4 << 20, 0);
    s.cr0 = cr0::kPe | cr0::kPg;
    s.cr3 = kPd;
  }

  void map_4k(uint32_t lin, uint32_t phys, uint32_t bits) {
    ASSERT_EQ(lin >> 22, 1u);
    bus.write32(kPd + 4, kPt | pte::kPresent | pte::kWritable | pte::kUser);
    bus.write32(kPt + ((lin >> 12) & 0x3FF) * 4, phys | bits);
  }

  // The #PF's error code, as translate() throws it; try_translate() must
  // return the same fault, and leave CR2 alone when only asked whether.
  uint32_t fault_code(uint32_t lin, Access access, bool user) {
    s.cr2 = 0x5A5A5A5A;
    EXPECT_FALSE(mmu.try_translate(s, lin, access, user).has_value());
    EXPECT_EQ(s.cr2, 0x5A5A5A5Au) << "a probe sets no CR2";
    GuestFault returned{};
    EXPECT_FALSE(mmu.try_translate(s, lin, access, user, &returned).has_value());
    EXPECT_EQ(s.cr2, lin);
    s.cr2 = 0;
    try {
      mmu.translate(s, lin, access, user);
    } catch (const GuestFault& f) {
      EXPECT_EQ(f.vector, vec::kPf);
      EXPECT_EQ(s.cr2, lin);
      EXPECT_EQ(returned.vector, f.vector);
      EXPECT_EQ(returned.has_error_code, f.has_error_code);
      EXPECT_EQ(returned.error_code, f.error_code);
      return f.error_code;
    }
    ADD_FAILURE() << "no page fault";
    return 0xDEAD;
  }

  MemoryBus bus;
  Mmu mmu;
  CpuState s;
};

TEST_F(MmuTest, PagingOffIsIdentity) {
  s.cr0 = 0;
  bus.write32(0x123456, 0xCAFEF00D);
  EXPECT_EQ(mmu.translate(s, 0x123456, Access::kRead, false), 0x123456u);
  EXPECT_EQ(mmu.read(s, 0x123456, 4, false), 0xCAFEF00Du);
}

TEST_F(MmuTest, FourKilobytePageTranslatesAndSetsAccessedThenDirty) {
  map_4k(0x00401000, 0x00300000, pte::kPresent | pte::kWritable);
  bus.write32(0x300010, 0x11223344);
  EXPECT_EQ(mmu.read(s, 0x00401010, 4, false), 0x11223344u);
  EXPECT_EQ(bus.read32(kPt + 4) & (pte::kAccessed | pte::kDirty), pte::kAccessed);
  EXPECT_TRUE(bus.read32(kPd + 4) & pte::kAccessed);
  mmu.write(s, 0x00401020, 2, 0xBEEF, false);
  EXPECT_EQ(bus.read16(0x300020), 0xBEEF);
  EXPECT_TRUE(bus.read32(kPt + 4) & pte::kDirty);
}

TEST_F(MmuTest, NotPresentFaultsCarryTheAccessBits) {
  EXPECT_EQ(fault_code(0x00800000, Access::kRead, false), 0u);  // PDE not present
  map_4k(0x00402000, 0x00300000, 0);                            // PTE not present
  EXPECT_EQ(fault_code(0x00402004, Access::kWrite, true), pf::kWrite | pf::kUser);
}

TEST_F(MmuTest, UserAccessToSupervisorPageIsAProtectionFault) {
  map_4k(0x00403000, 0x00300000, pte::kPresent | pte::kWritable);  // U/S = 0 in the PTE
  EXPECT_EQ(fault_code(0x00403000, Access::kRead, true), pf::kProtection | pf::kUser);
  EXPECT_EQ(mmu.translate(s, 0x00403000, Access::kRead, false), 0x00300000u);
}

TEST_F(MmuTest, WriteProtectDecidesSupervisorWritesToReadOnlyPages) {
  map_4k(0x00404000, 0x00300000, pte::kPresent | pte::kUser);  // read-only
  EXPECT_EQ(mmu.translate(s, 0x00404000, Access::kWrite, false), 0x00300000u);
  EXPECT_EQ(fault_code(0x00404000, Access::kWrite, true), pf::kProtection | pf::kWrite | pf::kUser);
  s.cr0 |= cr0::kWp;
  mmu.flush_all();
  EXPECT_EQ(fault_code(0x00404000, Access::kWrite, false), pf::kProtection | pf::kWrite);
}

TEST_F(MmuTest, FourMegabytePagesNeedPse) {
  bus.write32(kPd + 8, 0x00000000 | pte::kPresent | pte::kWritable | pte::kLargePage);
  s.cr4 = cr4::kPse;
  EXPECT_EQ(mmu.translate(s, 0x00812345, Access::kRead, false), 0x00012345u);
  EXPECT_TRUE(bus.read32(kPd + 8) & pte::kAccessed);
  // Bits 21:12 of a 4 MiB PDE are reserved.
  bus.write32(kPd + 12, 0x00001000 | pte::kPresent | pte::kLargePage);
  EXPECT_EQ(fault_code(0x00C00000, Access::kRead, false), pf::kProtection | pf::kReserved);
}

TEST_F(MmuTest, TlbKeepsAStaleMappingUntilInvlpgOrCr3) {
  map_4k(0x00405000, 0x00300000, pte::kPresent | pte::kWritable);
  EXPECT_EQ(mmu.translate(s, 0x00405000, Access::kRead, false), 0x00300000u);
  map_4k(0x00405000, 0x00310000, pte::kPresent | pte::kWritable);
  EXPECT_EQ(mmu.translate(s, 0x00405000, Access::kRead, false), 0x00300000u);
  mmu.flush_page(0x00405ABC);
  EXPECT_EQ(mmu.translate(s, 0x00405000, Access::kRead, false), 0x00310000u);
  map_4k(0x00405000, 0x00320000, pte::kPresent | pte::kWritable);
  mmu.flush_non_global();
  EXPECT_EQ(mmu.translate(s, 0x00405000, Access::kRead, false), 0x00320000u);
}

TEST_F(MmuTest, GlobalPagesSurviveCr3LoadsWithPge) {
  s.cr4 = cr4::kPge;
  map_4k(0x00406000, 0x00300000, pte::kPresent | pte::kGlobal);
  EXPECT_EQ(mmu.translate(s, 0x00406000, Access::kRead, false), 0x00300000u);
  map_4k(0x00406000, 0x00310000, pte::kPresent | pte::kGlobal);
  mmu.flush_non_global();
  EXPECT_EQ(mmu.translate(s, 0x00406000, Access::kRead, false), 0x00300000u);
  mmu.flush_all();
  EXPECT_EQ(mmu.translate(s, 0x00406000, Access::kRead, false), 0x00310000u);
}

// A flush clears the entries filled since the last one; past as many fills
// as the arrays hold, it wipes them whole. Either way no old translation
// survives it, and a CR3 load keeps the global ones (unless wiped).
TEST_F(MmuTest, FlushesDropEveryFilledEntryHoweverManyThereWere) {
  s.cr4 = cr4::kPge;
  for (uint32_t k = 0; k < 64; ++k) map_4k(0x00440000 + k * kPageSize, 0x00340000, pte::kPresent);
  for (const uint32_t fills : {1u, 100u, 2 * Mmu::kTlbSize + 5}) {
    map_4k(0x00406000, 0x00300000, pte::kPresent);
    map_4k(0x00407000, 0x00320000, pte::kPresent | pte::kGlobal);
    mmu.flush_all();
    EXPECT_EQ(mmu.translate(s, 0x00406000, Access::kRead, false), 0x00300000u);
    EXPECT_EQ(mmu.translate(s, 0x00407000, Access::kRead, false), 0x00320000u);
    // More fills, of the same slots again and again (INVLPG empties them).
    for (uint32_t i = 0; i < fills; ++i) {
      const uint32_t lin = 0x00440000 + (i % 64) * kPageSize;
      EXPECT_EQ(mmu.translate(s, lin, Access::kRead, false), 0x00340000u);
      mmu.flush_page(lin);
    }
    map_4k(0x00406000, 0x00310000, pte::kPresent);
    map_4k(0x00407000, 0x00330000, pte::kPresent | pte::kGlobal);
    mmu.flush_non_global();
    EXPECT_EQ(mmu.translate(s, 0x00406000, Access::kRead, false), 0x00310000u) << fills;
    if (fills < Mmu::kTlbSize) {
      EXPECT_EQ(mmu.translate(s, 0x00407000, Access::kRead, false), 0x00320000u) << fills;
    }
    mmu.flush_all();
    EXPECT_EQ(mmu.translate(s, 0x00407000, Access::kRead, false), 0x00330000u) << fills;
  }
}

// Two pages that share a TLB slot, one global and one not, each filling it
// after the other: a CR3 load drops the one that is not global, whichever
// came last, and keeps the global one.
TEST_F(MmuTest, Cr3LoadsTellGlobalFromNonGlobalEntriesInTheSameSlot) {
  s.cr4 = cr4::kPge;
  constexpr uint32_t kPt2 = 0x3000;  // maps the 4 MiB at `other`
  const uint32_t global = 0x00406000;
  const uint32_t other = global + Mmu::kTlbSize * kPageSize;  // the same slot
  bus.write32(kPd + (other >> 22) * 4, kPt2 | pte::kPresent | pte::kWritable | pte::kUser);
  const auto map_other = [&](uint32_t phys) {
    bus.write32(kPt2 + ((other >> 12) & 0x3FF) * 4, phys | pte::kPresent);
  };
  map_4k(global, 0x00300000, pte::kPresent | pte::kGlobal);
  EXPECT_EQ(mmu.translate(s, global, Access::kRead, false), 0x00300000u);
  map_other(0x00310000);
  EXPECT_EQ(mmu.translate(s, other, Access::kRead, false), 0x00310000u);  // takes the slot
  map_other(0x00320000);
  mmu.flush_non_global();
  EXPECT_EQ(mmu.translate(s, other, Access::kRead, false), 0x00320000u);
  map_4k(global, 0x00330000, pte::kPresent | pte::kGlobal);
  EXPECT_EQ(mmu.translate(s, global, Access::kRead, false), 0x00330000u);  // takes it back
  map_4k(global, 0x00340000, pte::kPresent | pte::kGlobal);
  mmu.flush_non_global();
  EXPECT_EQ(mmu.translate(s, global, Access::kRead, false), 0x00330000u);  // kept
  mmu.flush_all();
  EXPECT_EQ(mmu.translate(s, global, Access::kRead, false), 0x00340000u);
}

TEST_F(MmuTest, AccessAcrossPagesFaultsOnTheSecondPageBeforeWritingAnything) {
  map_4k(0x00407000, 0x00300000, pte::kPresent | pte::kWritable);
  // 0x00408000 is not mapped.
  bus.write32(0x300FFC, 0);
  try {
    mmu.write(s, 0x00407FFE, 4, 0xAABBCCDD, false);
    ADD_FAILURE() << "no page fault";
  } catch (const GuestFault& f) {
    EXPECT_EQ(f.vector, vec::kPf);
    EXPECT_EQ(s.cr2, 0x00408000u);
  }
  EXPECT_EQ(bus.read16(0x300FFE), 0u);
}

// try_span checks an access's pages in the order read() and write()
// translate them, without a C++ exception: the first page's fault before
// the second's.
TEST_F(MmuTest, TrySpanReturnsTheFaultOfTheFirstPageThatHasOne) {
  map_4k(0x00405000, 0x00300000, pte::kPresent | pte::kWritable | pte::kUser);
  map_4k(0x00406000, 0x00301000, pte::kPresent | pte::kUser);  // read-only
  GuestFault f{};
  EXPECT_TRUE(mmu.try_span(s, 0x00405FFE, 4, Access::kRead, true, f));
  EXPECT_TRUE(mmu.try_span(s, 0x00405FF0, 4, Access::kWrite, true, f));
  EXPECT_FALSE(mmu.try_span(s, 0x00405FFE, 4, Access::kWrite, true, f));
  EXPECT_EQ(f.vector, vec::kPf);
  EXPECT_EQ(f.error_code, pf::kProtection | pf::kWrite | pf::kUser);
  EXPECT_EQ(s.cr2, 0x00406000u);
  EXPECT_FALSE(mmu.try_span(s, 0x00404FFE, 4, Access::kWrite, true, f));  // both fault
  EXPECT_EQ(f.error_code, pf::kWrite | pf::kUser);
  EXPECT_EQ(s.cr2, 0x00404FFEu);
}

TEST_F(MmuTest, MmioPagesGoThroughTheBus) {
  struct Dev : MmioHandler {
    uint32_t mmio_read(uint32_t, unsigned) override { return 0x5A; }
    void mmio_write(uint32_t, unsigned, uint32_t v) override { last = v; }
    uint32_t last = 0;
  } dev;
  bus.map_mmio(0xFEB00000, kPageSize, &dev);
  map_4k(0x00409000, 0xFEB00000, pte::kPresent | pte::kWritable | pte::kDirty);
  EXPECT_EQ(mmu.read(s, 0x00409000, 1, false), 0x5Au);
  mmu.write(s, 0x00409004, 1, 0x77, false);
  EXPECT_EQ(dev.last, 0x77u);
}

TEST_F(MmuTest, RemappingPhysicalMemoryFlushesTheTlb) {
  s.cr0 = 0;
  bus.write8(0xC0000, 0x42);
  EXPECT_EQ(mmu.read(s, 0xC0000, 1, false), 0x42u);
  bus.map_rom(0xC0000, std::vector<uint8_t>(kPageSize, 0x99));
  bus.set_ram_access(0xC0000, kPageSize, false, false);
  EXPECT_EQ(mmu.read(s, 0xC0000, 1, false), 0x99u);
  bus.set_a20(false);
  bus.write8(0x00010, 0x01);
  EXPECT_EQ(mmu.read(s, 0x100010, 1, false), 0x01u);
}

// The JIT's jump cache keeps its entries across INVLPGs of pages it holds
// nothing of; that needs the pages, in order, or a "no" when they are not
// all known.
TEST_F(MmuTest, PageFlushesAreListedUntilAWiderFlushOrTooMany) {
  const uint64_t start = mmu.mapping_generation();
  mmu.flush_page(0x00401000);
  mmu.flush_page(0x00402ABC);
  std::vector<uint32_t> pages;
  EXPECT_TRUE(mmu.for_each_page_flush_since(start, [&](uint32_t p) { pages.push_back(p); }));
  EXPECT_EQ(pages, (std::vector<uint32_t>{0x00401000, 0x00402000}));

  mmu.flush_non_global();
  EXPECT_FALSE(mmu.for_each_page_flush_since(start, [](uint32_t) {}));
  const uint64_t after_cr3 = mmu.mapping_generation();
  pages.clear();
  EXPECT_TRUE(mmu.for_each_page_flush_since(after_cr3, [&](uint32_t p) { pages.push_back(p); }));
  EXPECT_TRUE(pages.empty());

  for (uint32_t i = 0; i < 17; ++i) mmu.flush_page(0x00400000 + (i << 12));
  EXPECT_FALSE(mmu.for_each_page_flush_since(after_cr3, [](uint32_t) {}));
}

// What the JIT's jump cache asks to keep its global pages' entries across
// a process switch (JumpCache::clear_non_global): only CR3 loads since.
TEST_F(MmuTest, KeptGlobalSinceOnlyAcrossCr3Loads) {
  s.cr4 = cr4::kPge;
  map_4k(0x00406000, 0x00300000, pte::kPresent | pte::kGlobal);
  map_4k(0x00407000, 0x00310000, pte::kPresent);
  mmu.translate(s, 0x00406000, Access::kExecute, false);
  mmu.translate(s, 0x00407000, Access::kExecute, false);
  EXPECT_TRUE(mmu.maps_global(0x00406123, false));
  EXPECT_FALSE(mmu.maps_global(0x00407000, false));
  EXPECT_FALSE(mmu.maps_global(0x00406000, true));  // (the user TLB has no entry)

  uint64_t since = mmu.mapping_generation();
  mmu.flush_non_global();
  mmu.flush_non_global();
  EXPECT_TRUE(mmu.kept_global_since(since));
  EXPECT_TRUE(mmu.maps_global(0x00406000, false));
  since = mmu.mapping_generation();
  mmu.flush_non_global();
  mmu.flush_page(0x00401000);  // an INVLPG may be of a global page
  EXPECT_FALSE(mmu.kept_global_since(since));
  since = mmu.mapping_generation();
  mmu.flush_all();  // CR4.PGE toggled, paging switched
  EXPECT_FALSE(mmu.kept_global_since(since));
  EXPECT_FALSE(mmu.maps_global(0x00406000, false));
}

// The JIT's reads without paging (CpuState::ram_window): open from the first
// fill without paging until the next flush, over the RAM that reads at its
// own address from 1 MiB up, less the last 64 KiB.
TEST_F(MmuTest, RamWindowOpensWithoutPagingAndClosesOnEveryFlush) {
  mmu.set_ram_window(&s.ram_window);
  constexpr uint64_t kOpen = (4 << 20) - (1 << 20) - Mmu::kRamWindowSlack;
  s.cr0 = cr0::kPe;
  EXPECT_EQ(s.ram_window, 0u);  // (nothing filled yet)
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, kOpen);
  mmu.flush_all();  // what a CR0.PG change does
  EXPECT_EQ(s.ram_window, 0u);
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, kOpen);
  mmu.flush_non_global();
  EXPECT_EQ(s.ram_window, 0u);

  // Not with paging, and not with A20 masked.
  s.cr0 = cr0::kPe | cr0::kPg;
  map_4k(0x00401000, 0x00300000, pte::kPresent);
  mmu.read(s, 0x00401000, 4, false);
  EXPECT_EQ(s.ram_window, 0u);
  s.cr0 = cr0::kPe;
  bus.set_a20(false);
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, 0u);
  bus.set_a20(true);
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, kOpen);

  // A map change closes it; then it ends where RAM stops reading at its own
  // address (here a page at 2 MiB whose RAM is switched off, reading the
  // MMIO there).
  struct Ones : MmioHandler {
    uint32_t mmio_read(uint32_t, unsigned) override { return 0xFFFFFFFF; }
    void mmio_write(uint32_t, unsigned, uint32_t) override {}
  } ones;
  bus.map_mmio(2 << 20, 4096, &ones);
  bus.set_ram_access(2 << 20, 4096, false, false);
  EXPECT_EQ(s.ram_window, 0u);
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, (1u << 20) - Mmu::kRamWindowSlack);
  bus.set_ram_access(2 << 20, 4096, true, true);
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, kOpen);

  // A write journal (the JIT's verify mode) keeps it closed.
  WriteJournal journal;
  mmu.set_journal(&journal);
  mmu.read(s, 0x1234, 4, false);
  EXPECT_EQ(s.ram_window, 0u);
  mmu.set_journal(nullptr);
}

TEST_F(MmuTest, RamWindowStaysClosedWithTooLittleRamAboveOneMebibyte) {
  MemoryBus small((1 << 20) + Mmu::kRamWindowSlack);
  small.map_ram(0, (1 << 20) + Mmu::kRamWindowSlack, 0);
  Mmu m(small);
  CpuState st;
  m.set_ram_window(&st.ram_window);
  m.read(st, 0x1234, 4, false);
  EXPECT_EQ(st.ram_window, 0u);
}

}  // namespace
}  // namespace tx86::core

namespace tx86::core {
namespace {

TEST_F(MmuTest, PeekTranslateWalksWithoutSettingAccessedOrDirtyOrCheckingRights) {
  // A supervisor read-only page: a debugger still sees where it maps.
  map_4k(0x00401000, 0x00123000, pte::kPresent);
  const uint32_t pde_before = bus.read32(kPd + 4) & ~pte::kAccessed;
  bus.write32(kPd + 4, pde_before);
  EXPECT_EQ(mmu.peek_translate(s, 0x00401ABC), std::optional<PhysAddr>(0x00123ABC));
  EXPECT_EQ(bus.read32(kPd + 4), pde_before);
  EXPECT_EQ(bus.read32(kPt + 4), 0x00123000u | pte::kPresent);
  EXPECT_EQ(mmu.peek_translate(s, 0x00402000), std::nullopt);  // not present
  EXPECT_EQ(mmu.peek_translate(s, 0x00800000), std::nullopt);  // no page table
  // Nothing went into the TLB either.
  EXPECT_EQ(mmu.host_for_read(0x00401ABC, false), nullptr);
}

TEST_F(MmuTest, PeekTranslateFollowsLargePagesAndPagingOff) {
  s.cr4 |= cr4::kPse;
  bus.write32(kPd + 8, 0x00C00000u | pte::kPresent | pte::kLargePage);
  EXPECT_EQ(mmu.peek_translate(s, 0x00812345), std::optional<PhysAddr>(0x00C12345));
  s.cr0 &= ~cr0::kPg;
  EXPECT_EQ(mmu.peek_translate(s, 0x00812345), std::optional<PhysAddr>(0x00812345));
}

}  // namespace
}  // namespace tx86::core
