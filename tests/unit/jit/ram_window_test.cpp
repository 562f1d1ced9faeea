// Translated code's reads of RAM without paging (CpuState::ram_window, the
// MMU's window): a block translated with paging off reads guest RAM at the
// address itself while the window is open, and goes through the TLB when it
// is closed (paging on, A20 off) or the address is outside it (below 1 MiB,
// the last 64 KiB of RAM). A page group that writes takes it too, but not
// into a page holding translated code, nor across into one.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/firmware/flat_entry.h"
#include "jit/runtime/jit_engine.h"

namespace tx86::jit {
namespace {

constexpr uint32_t kRam = 4u << 20;
constexpr uint32_t kCode = 0x1000;
constexpr uint32_t kPageDir = 0x10000;
constexpr uint32_t kPageTable = 0x11000;
constexpr uint32_t kVgaWindow = 0xA0000;  // MMIO, as on a PC

// mov eax, [esi]; mov ebx, [esi + 4] (a page group); movzx ecx, byte [edi];
// add eax, ebx; add eax, ecx; hlt
const std::vector<uint8_t> kReads = {0x8B, 0x06, 0x8B, 0x5E, 0x04, 0x0F, 0xB6,
                                     0x0F, 0x01, 0xD8, 0x01, 0xC8, 0xF4};

struct Pattern : core::MmioHandler {
  uint32_t mmio_read(uint32_t, unsigned size) override {
    return size == 1 ? 0x5A : size == 2 ? 0x5A5A : 0x5A5A5A5A;
  }
  void mmio_write(uint32_t, unsigned, uint32_t) override {}
};

class RamWindow : public ::testing::Test {
 protected:
  RamWindow() : mem_(kRam), cpu_(mem_, io_) {
    mem_.map_ram(0, kRam, 0);
    mem_.map_mmio(kVgaWindow, 0x20000, &vga_);
    mem_.set_ram_access(kVgaWindow, 0x20000, false, false);
    mem_.write_block(kCode, kReads);
    core::enter_flat_protected_mode(cpu_, core::DescriptorTableReg{}, 0x08, 0x10, kCode);
  }

  // Runs kReads with ESI and EDI; returns EAX.
  uint32_t sum(uint32_t esi, uint32_t edi) {
    core::CpuState& s = cpu_.state;
    s.gpr[core::kEsi] = esi;
    s.gpr[core::kEdi] = edi;
    s.eip = kCode;
    s.halted = false;
    EXPECT_EQ(jit_.run(cpu_, 100), core::StopReason::kHalted) << cpu_.error;
    return s.gpr[core::kEax];
  }

  void put(uint32_t addr, uint32_t a, uint32_t b) {
    mem_.write32(addr, a);
    mem_.write32(addr + 4, b);
  }

  Pattern vga_;
  core::MemoryBus mem_;
  core::IoBus io_;
  core::Cpu cpu_;
  JitEngine jit_{cpu_};  // (each block translated before it first runs)
};

TEST_F(RamWindow, ReadsWithoutPagingThroughTheWindowAndAroundIt) {
  put(0x200000, 1000, 200);
  mem_.write8(0x200010, 30);
  EXPECT_EQ(sum(0x200000, 0x200010), 1230u);
  EXPECT_NE(cpu_.state.ram_window, 0u);  // (so the reads above went through it)
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
  // Below 1 MiB: RAM, and the VGA window's MMIO, which RAM does not hide.
  put(0x8000, 1, 2);
  mem_.write8(0x8010, 3);
  EXPECT_EQ(sum(0x8000, 0x8010), 6u);
  EXPECT_EQ(sum(kVgaWindow, kVgaWindow + 0x10), 0x5A5A5A5Au * 2 + 0x5A);
  // Near the end of RAM, past what the window lets through.
  put(kRam - 8, 7, 8);
  mem_.write8(kRam - 12, 9);
  EXPECT_EQ(sum(kRam - 8, kRam - 12), 24u);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
}

TEST_F(RamWindow, IsClosedWhileA20IsMasked) {
  put(0x200000, 1000, 200);
  put(0x300000, 5000, 600);
  mem_.write8(0x200010, 30);
  mem_.write8(0x300010, 70);
  EXPECT_EQ(sum(0x300000, 0x300010), 5670u);
  mem_.set_a20(false);  // 0x300000 is 0x200000 now
  EXPECT_EQ(sum(0x300000, 0x300010), 1230u);
  EXPECT_EQ(cpu_.state.ram_window, 0u);
  mem_.set_a20(true);
  EXPECT_EQ(sum(0x300000, 0x300010), 5670u);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
}

// The same translation, run again with paging on: the window is closed, and
// the reads follow the page tables (linear 0x200000 is physical 0x340000).
TEST_F(RamWindow, IsClosedOnceTheSameCodeRunsWithPaging) {
  put(0x200000, 1000, 200);
  mem_.write8(0x200010, 30);
  put(0x340000, 4000, 500);
  mem_.write8(0x340010, 60);
  EXPECT_EQ(sum(0x200000, 0x200010), 1230u);

  mem_.write32(kPageDir, kPageTable | 0x3);
  for (uint32_t p = 0; p < 1024; ++p) {
    const uint32_t phys = p == 0x200 ? 0x340000u : p << 12;
    mem_.write32(kPageTable + p * 4, phys | 0x3);
  }
  cpu_.write_cr3(kPageDir);
  cpu_.write_cr0(cpu_.state.cr0 | core::cr0::kPg);
  EXPECT_EQ(sum(0x200000, 0x200010), 4560u);
  EXPECT_EQ(cpu_.state.ram_window, 0u);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);

  cpu_.write_cr0(cpu_.state.cr0 & ~core::cr0::kPg);
  EXPECT_EQ(sum(0x200000, 0x200010), 1230u);
}

// mov eax, [esi]; mov [esi], ebx; mov [esi + 4], eax; hlt: a page group
// that reads and writes. Run on data, then on translated code (mov eax,
// imm32 at kTarget): into its immediate, and from the page before into
// its opcode (B8, mov eax, becomes B9, mov ecx). Each time the code must
// run as written since.
TEST_F(RamWindow, WritingGroupsGoThroughItButNotIntoTranslatedCode) {
  constexpr uint32_t kWriter = 0x2000;
  constexpr uint32_t kTarget = 0x301000;
  mem_.write_block(kWriter, std::vector<uint8_t>{0x8B, 0x06, 0x89, 0x1E, 0x89, 0x46, 0x04, 0xF4});
  // mov eax, 0x90909090; nop (4); hlt
  const std::vector<uint8_t> target = {0xB8, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xF4};
  mem_.write_block(kTarget, target);
  core::CpuState& s = cpu_.state;
  auto run = [&](uint32_t eip, uint32_t esi, uint32_t ebx) {
    s.gpr[core::kEax] = 0x77;
    s.gpr[core::kEcx] = 0x66;
    s.gpr[core::kEsi] = esi;
    s.gpr[core::kEbx] = ebx;
    s.eip = eip;
    s.halted = false;
    EXPECT_EQ(jit_.run(cpu_, 100), core::StopReason::kHalted) << cpu_.error;
  };
  run(kTarget, 0, 0);
  EXPECT_EQ(s.gpr[core::kEax], 0x90909090u);

  put(0x200000, 0x1234, 0);
  run(kWriter, 0x200000, 0x5678);
  EXPECT_NE(s.ram_window, 0u);
  EXPECT_EQ(mem_.read32(0x200000), 0x5678u);
  EXPECT_EQ(mem_.read32(0x200004), 0x1234u);

  run(kWriter, kTarget + 1, 0x0BADF00D);  // the immediate; the NOPs get what they hold
  run(kTarget, 0, 0);
  EXPECT_EQ(s.gpr[core::kEax], 0x0BADF00Du);

  mem_.write32(kTarget - 7, 0xB9000000u);
  run(kWriter, kTarget - 7, 0);  // [esi + 4]'s last byte is the opcode
  run(kTarget, 0, 0);
  EXPECT_EQ(s.gpr[core::kEax], 0x77u);
  EXPECT_EQ(s.gpr[core::kEcx], 0x0BADF00Du);
  EXPECT_EQ(jit_.stats().invalidated_blocks, 2u);
}

// A load that puts its value straight into a guest register the backend
// keeps in a host register (EAX) must leave that register as it was when
// the load faults: the window's check and the lookup after it take other
// temporaries. (Translated without paging, run with the page absent.)
TEST_F(RamWindow, AFaultingLoadLeavesItsRegisterAsItWas) {
  constexpr uint32_t kLoads = 0x2000;
  // mov eax, [esi]; mov ebx, [esi + 4]; hlt
  mem_.write_block(kLoads, std::vector<uint8_t>{0x8B, 0x06, 0x8B, 0x5E, 0x04, 0xF4});
  put(0x200000, 1000, 200);
  core::CpuState& s = cpu_.state;
  auto run = [&] {
    s.gpr[core::kEsi] = 0x200000;
    s.eip = kLoads;
    s.halted = false;
    jit_.run(cpu_, 100);
  };
  run();
  EXPECT_TRUE(s.halted);
  EXPECT_EQ(s.gpr[core::kEax], 1000u);

  mem_.write32(kPageDir, kPageTable | 0x3);
  for (uint32_t p = 0; p < 1024; ++p) {
    mem_.write32(kPageTable + p * 4, p == 0x200 ? 0u : (p << 12) | 0x3);
  }
  cpu_.write_cr3(kPageDir);
  cpu_.write_cr0(s.cr0 | core::cr0::kPg);
  s.gpr[core::kEax] = 0x12345678;
  run();  // (no IDT: the #PF becomes a triple fault, which stops the run)
  EXPECT_TRUE(cpu_.in_shutdown());
  EXPECT_EQ(s.cr2, 0x200000u);
  EXPECT_EQ(s.gpr[core::kEax], 0x12345678u);
  EXPECT_EQ(jit_.stats().blocks_translated, 1u);
}

}  // namespace
}  // namespace tx86::jit
