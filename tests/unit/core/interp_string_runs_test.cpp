// The REP string fast paths (string.cpp, run_in_memory and run_ins) against the element
// loop: the same random REP MOVS/STOS/CMPS/SCAS, with overlapping operands,
// both directions, 16- and 32-bit addressing, runs that cross pages and
// segment limits, once with the fast path and once with a data breakpoint
// armed far away (which turns the fast path off). Registers, flags, memory
// and any fault must agree.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/unit/core/interp_fixture.h"

namespace tx86::core::testing {
namespace {

struct Outcome {
  uint32_t gpr[8];
  uint32_t eip;
  uint32_t eflags;
  std::vector<uint8_t> ram;
  int fault = -1;
};

class StringRunsTest : public InterpTest {
 protected:
  Outcome run_case(const std::vector<uint8_t>& code, const std::vector<uint8_t>& ram,
                   const uint32_t (&regs)[8], uint32_t eflags, bool element_loop) {
    std::memcpy(mem.ram(), ram.data(), ram.size());
    // (A run whose stores overwrite the code goes on with other code, which
    // may change anything.)
    cpu.reset();
    cpu.state.seg[kCs] = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData | seg_attr::kCode};
    for (int i = 0; i < 8; ++i) cpu.state.gpr[i] = regs[i];
    cpu.state.eflags = eflags;
    cpu.state.eip = kCodeStart;
    // A write breakpoint on a byte nothing touches: only the element loop runs.
    cpu.state.dr[0] = 0xFFFFF;
    cpu.state.dr[7] = element_loop ? 0x00010001u : 0;
    uint32_t a = kCodeStart;
    for (uint8_t b : code) mem.write8(a++, b);
    Outcome o{};
    for (int step = 0; step < 64 && cpu.state.eip == kCodeStart; ++step) {
      if (const auto f = interp.execute(cpu)) {
        o.fault = f->vector;
        break;
      }
    }
    std::memcpy(o.gpr, cpu.state.gpr, sizeof o.gpr);
    o.eip = cpu.state.eip;
    o.eflags = cpu.state.eflags;
    o.ram.assign(mem.ram(), mem.ram() + ram.size());
    return o;
  }
};

TEST_F(StringRunsTest, FastPathMatchesTheElementLoop) {
  std::mt19937 rng(0x57);
  constexpr size_t kBytes = 0x30000;
  std::vector<uint8_t> ram(kBytes);
  const uint8_t ops[] = {0xA4, 0xA5, 0xAA, 0xAB, 0xA6, 0xA7, 0xAE, 0xAF};
  int checked = 0;
  for (int n = 0; n < 3000; ++n) {
    for (size_t i = kCodeStart + 16; i < kBytes; ++i)
      ram[i] = static_cast<uint8_t>(rng() % 4);  // many equal bytes
    std::vector<uint8_t> code;
    if (rng() % 2) code.push_back(0x66);  // 32-bit elements
    const bool addr32 = rng() % 3 == 0;
    if (addr32) code.push_back(0x67);
    code.push_back(rng() % 2 ? 0xF3 : 0xF2);
    code.push_back(ops[rng() % sizeof ops]);
    code.push_back(0xF4);
    uint32_t regs[8] = {};
    for (uint32_t& r : regs) r = rng();
    auto near = [&](uint32_t base) { return base + rng() % 0x3000 - 0x1800; };
    const uint32_t si = near(0x8000 + (rng() % 4) * 0x1000);
    regs[kEsi] = addr32 ? si & 0x1FFFF : si & 0xFFFF;
    regs[kEdi] = rng() % 3 == 0 ? regs[kEsi] + rng() % 9 - 4 : near(0x9000);  // overlaps too
    if (!addr32) regs[kEdi] &= 0xFFFF;
    regs[kEcx] = rng() % 4 == 0 ? rng() % 0x3000 : rng() % 40;
    regs[kEsp] = 0x7000;
    const uint32_t eflags = flags::kReserved1 | (rng() % 2 ? flags::kDf : 0) | (rng() & 0xD5);
    std::memset(ram.data(), 0, kCodeStart + 16);
    const Outcome fast = run_case(code, ram, regs, eflags, false);
    const Outcome slow = run_case(code, ram, regs, eflags, true);
    std::string what = fmt::format("case {}:", n);
    for (uint8_t b : code) what += fmt::format(" {:02x}", b);
    what += fmt::format(
        " esi={:x} edi={:x} ecx={:x} eflags={:x} fault={}; fast ecx={:x} edi={:x} eip={:x}, slow "
        "ecx={:x} edi={:x} eip={:x}",
        regs[kEsi], regs[kEdi], regs[kEcx], eflags, fast.fault, fast.gpr[kEcx], fast.gpr[kEdi],
        fast.eip, slow.gpr[kEcx], slow.gpr[kEdi], slow.eip);
    ASSERT_EQ(fast.fault, slow.fault) << what;
    for (int r = 0; r < 8; ++r) ASSERT_EQ(fast.gpr[r], slow.gpr[r]) << what << " register " << r;
    ASSERT_EQ(fast.eip, slow.eip) << what;
    ASSERT_EQ(fast.eflags & flags::kArith, slow.eflags & flags::kArith) << what;
    ASSERT_TRUE(fast.ram == slow.ram) << what;
    ++checked;
  }
  EXPECT_EQ(checked, 3000);
}

// A device whose data port reads a counting byte stream in 512-byte
// blocks, as the IDE data port does, with or without handing over runs.
class BlockStream : public IoHandler {
 public:
  uint32_t io_read(uint16_t, unsigned size) override {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t{byte(pos_++)} << (8 * i);
    return v;
  }
  void io_write(uint16_t, unsigned, uint32_t) override {}
  unsigned io_read_string(uint16_t, unsigned size, uint8_t* dst, unsigned count) override {
    const uint32_t left = 512 - pos_ % 512;
    if (!runs || left % size != 0) return 0;
    const unsigned n = std::min(count, left / size);
    for (unsigned i = 0; i < n * size; ++i) dst[i] = byte(pos_++);
    return n;
  }
  bool runs = true;
  uint32_t pos_ = 0;

 private:
  static uint8_t byte(uint32_t at) { return static_cast<uint8_t>(at * 7 + (at >> 9)); }
};

// REP INS's run path (run_ins) against the element loop: the same bytes
// land in the same places, as many are read from the device, and the
// registers and any fault agree, for byte, word and dword reads, 16- and
// 32-bit addressing, both directions, runs across pages, the segment's
// limit and the device's blocks.
TEST_F(StringRunsTest, InsRunsMatchTheElementLoop) {
  BlockStream stream;
  io.register_ports(0x1F0, 1, &stream, kIoWidthAll, "stream");
  std::mt19937 rng(0x1D5);
  constexpr size_t kBytes = 0x30000;
  const std::vector<uint8_t> ram(kBytes, 0xEE);
  int checked = 0;
  for (int n = 0; n < 2000; ++n) {
    std::vector<uint8_t> code;
    const unsigned width = rng() % 3;
    if (width == 2) code.push_back(0x66);
    const bool addr32 = rng() % 3 == 0;
    if (addr32) code.push_back(0x67);
    code.push_back(0xF3);
    code.push_back(width == 0 ? 0x6C : 0x6D);
    code.push_back(0xF4);
    uint32_t regs[8] = {};
    for (uint32_t& r : regs) r = rng();
    regs[kEdx] = 0x1F0;
    regs[kEdi] = 0x9000 + rng() % 0x6000 - 0x3000;
    if (!addr32) regs[kEdi] &= 0xFFFF;
    regs[kEcx] = rng() % 4 == 0 ? rng() % 0x1800 : rng() % 300;
    regs[kEsp] = 0x7000;
    const uint32_t eflags = flags::kReserved1 | (rng() % 5 == 0 ? flags::kDf : 0);
    const uint32_t start = rng() % 2048;
    stream.pos_ = start;
    stream.runs = true;
    const Outcome fast = run_case(code, ram, regs, eflags, false);
    const uint32_t fast_read = stream.pos_ - start;
    stream.pos_ = start;
    stream.runs = false;
    const Outcome slow = run_case(code, ram, regs, eflags, true);
    const uint32_t slow_read = stream.pos_ - start;
    std::string what = fmt::format("case {}:", n);
    for (uint8_t b : code) what += fmt::format(" {:02x}", b);
    what += fmt::format(
        " edi={:x} ecx={:x} eflags={:x} at {}; fast ecx={:x} edi={:x} read {}, "
        "slow ecx={:x} edi={:x} read {}",
        regs[kEdi], regs[kEcx], eflags, start, fast.gpr[kEcx], fast.gpr[kEdi], fast_read,
        slow.gpr[kEcx], slow.gpr[kEdi], slow_read);
    ASSERT_EQ(fast.fault, slow.fault) << what;
    for (int r = 0; r < 8; ++r) ASSERT_EQ(fast.gpr[r], slow.gpr[r]) << what << " register " << r;
    ASSERT_EQ(fast.eip, slow.eip) << what;
    ASSERT_EQ(fast_read, slow_read) << what;
    ASSERT_TRUE(fast.ram == slow.ram) << what;
    ++checked;
  }
  EXPECT_EQ(checked, 2000);
}

}  // namespace
}  // namespace tx86::core::testing
