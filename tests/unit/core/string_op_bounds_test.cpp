// REP string instructions whose runs leave guest RAM, on the interpreter
// (string.cpp's element loop and its host-memory fast paths) and under the
// JIT (emit_string.cpp's inline run, or its fallback): REP STOS and MOVS
// across the end of 1 MiB of RAM in both directions, MOVS reading from
// past it, EDI wrapping the 4 GiB space, REP INSW from a device that hands
// over runs of data, and 16-bit DI wrapping inside its segment with the
// A20 gate open and closed. Past RAM reads are all-ones and stores go
// nowhere; the host page after RAM is a tripwire (guarded_ram.h), and the
// device checks that each run it fills lies inside guest RAM.
// interp_string_runs_test.cpp compares the fast paths with the element
// loop inside RAM.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/firmware/flat_entry.h"
#include "core/interp/interpreter.h"
#include "jit/runtime/jit_engine.h"
#include "tests/unit/core/guarded_ram.h"

namespace tx86::core {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint64_t kRam = 1u << 20;
constexpr uint32_t kCode = 0x1000;
constexpr uint16_t kPort = 0x300;

// A port whose data is a counter, one per element, served singly or in runs.
class CountingPort : public IoHandler {
 public:
  explicit CountingPort(MemoryBus& mem) : mem_(mem) {}
  uint32_t io_read(uint16_t, unsigned size) override {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t{next_++} << (8 * i);
    return v;
  }
  void io_write(uint16_t, unsigned, uint32_t) override {}
  unsigned io_read_string(uint16_t, unsigned size, uint8_t* dst, unsigned count) override {
    ++runs;
    const uint8_t* ram = mem_.ram();
    EXPECT_TRUE(dst >= ram && dst + size_t{count} * size <= ram + kRam)
        << "a run of " << count << " at host offset " << (dst - ram);
    for (unsigned i = 0; i < count * size; ++i) dst[i] = next_++;
    return count;
  }
  int runs = 0;

 private:
  MemoryBus& mem_;
  uint8_t next_ = 1;
};

class StringOpBoundsTest : public ::testing::TestWithParam<bool> {
 protected:
  StringOpBoundsTest() : mem(testing::guarded_ram_size(kRam)), cpu(mem, io) {
    testing::map_guarded_ram(mem, kRam);
    for (uint64_t i = 0; i < kRam; ++i) mem.ram()[i] = static_cast<uint8_t>(i * 11 + 7);
    io.register_ports(kPort, 1, &port, kIoWidthAll, "counting");
    if (GetParam()) {
      engine = std::make_unique<jit::JitEngine>(cpu);
    } else {
      engine = std::make_unique<Interpreter>();
    }
    enter_flat_protected_mode(cpu, DescriptorTableReg{}, 0x08, 0x10, kCode);
  }
  ~StringOpBoundsTest() override { io.unregister_ports(kPort, 1); }

  void real_mode(uint16_t es) {
    CpuState& s = cpu.state;
    s.cr0 = cr0::kEt;
    for (SegmentCache& c : s.seg) c = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData};
    s.seg[kCs] = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData | seg_attr::kCode};
    s.seg[kEs] = SegmentCache{es, uint32_t{es} << 4, 0xFFFF, seg_attr::kRealModeData};
    s.eflags &= ~flags::kIf;
    cpu.mmu.flush_all();
  }

  // Runs `code` then HLT from kCode; `before` is RAM just before it ran.
  void run(Bytes code) {
    code.push_back(0xF4);
    mem.write_block(kCode, code);
    before = testing::snapshot(mem, kRam);
    cpu.state.eip = kCode;
    cpu.state.halted = false;
    ASSERT_EQ(engine->run(cpu, 100000), StopReason::kHalted) << cpu.error;
  }
  uint32_t reg(Gpr r) const { return cpu.state.gpr[r]; }
  void set(Gpr r, uint32_t v) { cpu.state.gpr[r] = v; }
  Bytes ram(uint32_t addr, size_t n) { return {mem.ram() + addr, mem.ram() + addr + n}; }
  Bytes before_at(uint32_t addr, size_t n) const {
    return {before.begin() + addr, before.begin() + addr + static_cast<std::ptrdiff_t>(n)};
  }

  MemoryBus mem;
  IoBus io;
  CountingPort port{mem};
  Cpu cpu;
  std::unique_ptr<ExecutionEngine> engine;
  Bytes before;
};

TEST_P(StringOpBoundsTest, RepStosdAcrossTheEndOfRamStoresOnlyInsideIt) {
  set(kEdi, kRam - 16);
  set(kEcx, 16);
  set(kEax, 0xA5A5A5A5);
  run({0xF3, 0xAB});  // rep stosd
  EXPECT_EQ(reg(kEcx), 0u);
  EXPECT_EQ(reg(kEdi), kRam + 48);
  EXPECT_EQ(ram(kRam - 16, 16), Bytes(16, 0xA5));
  EXPECT_EQ(mem.read32(kRam), 0xFFFFFFFFu);
  EXPECT_EQ(testing::changed_outside(mem, before, kRam - 16, kRam), -1);
}

TEST_P(StringOpBoundsTest, RepStosdEndingExactlyAtTheEndOfRamFillsItInOneRun) {
  set(kEdi, kRam - 64);
  set(kEcx, 16);
  set(kEax, 0x01020304);
  run({0xF3, 0xAB});
  EXPECT_EQ(reg(kEdi), kRam);
  for (uint32_t a = kRam - 64; a < kRam; a += 4) EXPECT_EQ(mem.read32(a), 0x01020304u);
  EXPECT_EQ(testing::changed_outside(mem, before, kRam - 64, kRam), -1);
}

TEST_P(StringOpBoundsTest, RepStosbDownwardFromPastRamStoresOnlyInsideIt) {
  set(kEdi, kRam + 7);
  set(kEcx, 16);
  set(kEax, 0x5C);
  cpu.state.eflags |= flags::kDf;
  run({0xF3, 0xAA});  // rep stosb, DF set
  EXPECT_EQ(reg(kEdi), kRam - 9);
  EXPECT_EQ(ram(kRam - 8, 8), Bytes(8, 0x5C));
  EXPECT_EQ(testing::changed_outside(mem, before, kRam - 8, kRam), -1);
}

TEST_P(StringOpBoundsTest, RepMovsdFromPastTheEndOfRamCopiesAllOnes) {
  set(kEsi, kRam - 8);
  set(kEdi, 0x30000);
  set(kEcx, 4);
  run({0xF3, 0xA5});  // rep movsd
  EXPECT_EQ(ram(0x30000, 8), before_at(kRam - 8, 8));
  EXPECT_EQ(ram(0x30008, 8), Bytes(8, 0xFF));
  EXPECT_EQ(reg(kEsi), kRam + 8);
  EXPECT_EQ(testing::changed_outside(mem, before, 0x30000, 0x30010), -1);
}

TEST_P(StringOpBoundsTest, RepMovsbWrapsTheFourGibibyteSpaceIntoRam) {
  // 2 KiB below 4 GiB take no stores; EDI then wraps to 0, which is RAM.
  set(kEsi, 0x20000);
  set(kEdi, 0xFFFFF800);
  set(kEcx, 0x1000);
  run({0xF3, 0xA4});  // rep movsb
  EXPECT_EQ(reg(kEcx), 0u);
  EXPECT_EQ(reg(kEdi), 0x800u);
  EXPECT_EQ(reg(kEsi), 0x21000u);
  EXPECT_EQ(ram(0, 0x800), before_at(0x20800, 0x800));
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0x800), -1);
}

TEST_P(StringOpBoundsTest, RepMovsdIntoTheLastPageOfRamAndPastIt) {
  // The run starts in RAM's last page and leaves it: neither engine's
  // one-page run may take it whole.
  set(kEsi, 0x40000);
  set(kEdi, kRam - 0x800);
  set(kEcx, 0x400);  // 4 KiB
  run({0xF3, 0xA5});
  EXPECT_EQ(ram(kRam - 0x800, 0x800), before_at(0x40000, 0x800));
  EXPECT_EQ(reg(kEdi), kRam + 0x800);
  EXPECT_EQ(testing::changed_outside(mem, before, kRam - 0x800, kRam), -1);
}

TEST_P(StringOpBoundsTest, RepInswAcrossTheEndOfRamFillsOnlyRam) {
  set(kEdi, kRam - 8);
  set(kEcx, 16);
  set(kEdx, kPort);
  run({0xF3, 0x66, 0x6D});  // rep insw
  EXPECT_EQ(reg(kEcx), 0u);
  EXPECT_EQ(reg(kEdi), kRam + 24);
  EXPECT_EQ(ram(kRam - 8, 8), (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(testing::changed_outside(mem, before, kRam - 8, kRam), -1);
}

TEST_P(StringOpBoundsTest, RealModeDiWrapsInsideItsSegmentAtTheTopOfRam) {
  real_mode(0xF000);
  set(kEdi, 0xFFF8);
  set(kEcx, 16);
  set(kEax, 0x3C);
  run({0xF3, 0xAA});  // rep stosb: F000:FFF8-FFFF, then F000:0000-0007
  EXPECT_EQ(reg(kEdi), 0x0008u);
  EXPECT_EQ(ram(0xFFFF8, 8), Bytes(8, 0x3C));
  EXPECT_EQ(ram(0xF0000, 8), Bytes(8, 0x3C));
  EXPECT_EQ(testing::changed_outside(mem, before, {{0xF0000, 0xF0008}, {0xFFFF8, kRam}}), -1);
}

TEST_P(StringOpBoundsTest, RealModeStoresAboveOneMebibyteFollowTheA20Gate) {
  real_mode(0xFFFF);  // FFFF:0010 is 0x100000
  set(kEdi, 0x0010);
  set(kEcx, 0x20);
  set(kEax, 0x6E);
  run({0xF3, 0xAA});
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0), -1) << "A20 on: past RAM";
  mem.set_a20(false);
  set(kEdi, 0x0010);
  set(kEcx, 0x20);
  run({0xF3, 0xAA});
  EXPECT_EQ(ram(0, 0x20), Bytes(0x20, 0x6E)) << "A20 off: wrapped to 0";
  EXPECT_EQ(testing::changed_outside(mem, before, 0, 0x20), -1);
}

INSTANTIATE_TEST_SUITE_P(Engines, StringOpBoundsTest, ::testing::Bool(),
                         [](const auto& engine) { return engine.param ? "Jit" : "Interpreter"; });

}  // namespace
}  // namespace tx86::core
