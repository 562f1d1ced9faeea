#include "tests/support/random_code.h"

#include <fmt/format.h>

#include <cstring>

namespace tx86::testing {

using core::CpuState;
using core::SegmentCache;
namespace seg_attr = core::seg_attr;

namespace {

// GDT selectors.
constexpr uint16_t kCode32 = 0x08;
constexpr uint16_t kData32 = 0x10;
constexpr uint16_t kTssSel = 0x18;
constexpr uint16_t kCode16 = 0x20;
constexpr uint16_t kData16 = 0x28;
constexpr uint16_t kGdtLimit = 0x2F;
constexpr uint32_t kRing0Stack = 0x7F00;  // the TSS's ESP0: where V86 exceptions push

void put32(std::vector<uint8_t>& ram, uint32_t at, uint32_t v) {
  std::memcpy(ram.data() + at, &v, 4);
}

void descriptor(std::vector<uint8_t>& ram, uint16_t sel, uint32_t base, uint32_t limit,
                uint32_t access_and_flags) {
  put32(ram, kGdt + sel, (base << 16) | (limit & 0xFFFF));
  put32(ram, kGdt + sel + 4,
        (base & 0xFF000000u) | ((base >> 16) & 0xFF) | (limit & 0xF0000) | access_and_flags);
}

void real_mode(CpuState& s, const Roll& roll) {
  s.gpr[core::kEsp] = 0x7000 + roll(0x100) * 2;
  for (SegmentCache& c : s.seg) c = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData};
  s.seg[core::kCs].attrs |= seg_attr::kCode;
  s.idtr = core::DescriptorTableReg{0, 0x3FF};  // the IVT: whatever bytes are there
}

void protected_tables(std::vector<uint8_t>& ram, CpuState& s) {
  descriptor(ram, kCode32, 0, 0xFFFFF, 0x00C09A00);
  descriptor(ram, kData32, 0, 0xFFFFF, 0x00C09200);
  descriptor(ram, kTssSel, kTss, 0x67, 0x00008B00);  // 32-bit TSS, busy
  descriptor(ram, kCode16, 0, 0xFFFF, 0x00009A00);
  descriptor(ram, kData16, 0, 0xFFFF, 0x00009200);
  // IDT: 32-bit interrupt gates to the HLT.
  for (uint32_t v = 0; v < 256; ++v) {
    put32(ram, kIdt + v * 8, (uint32_t{kCode32} << 16) | (kHandler & 0xFFFF));
    put32(ram, kIdt + v * 8 + 4, (kHandler & 0xFFFF0000u) | 0x8E00);
  }
  ram[kHandler] = 0xF4;
  std::memset(ram.data() + kTss, 0, 0x68);
  put32(ram, kTss + 4, kRing0Stack);
  put32(ram, kTss + 8, kData32);
  put32(ram, kTss + 0x64, 0x00680000);  // I/O map base at the limit: no bitmap
  s.gdtr = core::DescriptorTableReg{kGdt, kGdtLimit};
  s.idtr = core::DescriptorTableReg{kIdt, 256 * 8 - 1};
  s.tr = SegmentCache{kTssSel, kTss, 0x67, 0x008B};
  s.cr0 = core::cr0::kPe | core::cr0::kEt;
}

void flat_segments(CpuState& s, bool big) {
  const uint16_t data = seg_attr::kPresent | seg_attr::kS | seg_attr::kWritable |
                        seg_attr::kAccessed |
                        (big ? seg_attr::kDefaultBig | seg_attr::kGranularity : 0);
  const uint32_t limit = big ? 0xFFFFFFFFu : 0xFFFF;
  for (SegmentCache& c : s.seg) c = SegmentCache{big ? kData32 : kData16, 0, limit, data};
  s.seg[core::kCs] = SegmentCache{big ? kCode32 : kCode16, 0, limit,
                                  static_cast<uint16_t>(data | seg_attr::kCode)};
}

// Identity-mapped low 4 MiB; some data pages absent or read-only.
void paging(std::vector<uint8_t>& ram, CpuState& s, const Roll& roll) {
  put32(ram, kPageDir, kPageTable | 0x7);
  for (uint32_t p = 0; p < 1024; ++p) {
    uint32_t pte = (p << 12) | 0x7;
    const bool system = p * 0x1000 >= kGdt && p * 0x1000 < 0x12000;
    const bool code = p == kCode / 0x1000;
    if (!system && !code && p < 0x20) {
      const uint32_t r = roll(8);
      if (r == 0) pte = 0;              // not present
      if (r == 1) pte &= ~uint32_t{2};  // read-only
    }
    put32(ram, kPageTable + p * 4, pte);
  }
  s.cr3 = kPageDir;
  s.cr0 |= core::cr0::kPg | core::cr0::kWp;
}

}  // namespace

const char* mode_name(CodeMode mode) {
  switch (mode) {
    case CodeMode::kReal: return "real mode";
    case CodeMode::kProtected: return "32-bit protected mode";
    case CodeMode::kPaged: return "32-bit protected mode with paging";
    case CodeMode::kProtected16: return "16-bit protected mode";
    case CodeMode::kVirtual8086: return "virtual-8086 mode";
  }
  return "?";
}

void enter_mode(CodeMode mode, std::vector<uint8_t>& ram, CpuState& s, const Roll& roll) {
  if (mode == CodeMode::kReal) {
    real_mode(s, roll);
    return;
  }
  protected_tables(ram, s);
  if (mode == CodeMode::kVirtual8086) {
    // CPL 3 with real-mode segments; IOPL 0 or 3 (INT n, CLI, PUSHF and
    // the like fault under IOPL 0). Every exception goes to ring 0
    // through the TSS's stack.
    real_mode(s, roll);
    for (SegmentCache& c : s.seg) {
      c.attrs = seg_attr::kRealModeData | (3u << seg_attr::kDplShift);
    }
    s.idtr = core::DescriptorTableReg{kIdt, 256 * 8 - 1};
    s.eflags = (s.eflags & ~core::flags::kIoplMask) | core::flags::kVm |
               (roll(2) != 0 ? core::flags::kIoplMask : 0);
    return;
  }
  flat_segments(s, mode != CodeMode::kProtected16);
  s.gpr[core::kEsp] = 0x7000 + roll(0x100) * (mode == CodeMode::kProtected16 ? 2 : 4);
  s.eflags &= ~core::flags::kIf;
  if (mode == CodeMode::kPaged) paging(ram, s, roll);
}

CodeMachine::CodeMachine(bool use_jit, jit::JitOptions options) : mem_(kRamBytes), cpu_(mem_, io_) {
  mem_.map_ram(0, kRamBytes, 0);
  if (use_jit) jit_ = std::make_unique<jit::JitEngine>(cpu_, options);
}

void CodeMachine::load(const std::vector<uint8_t>& ram, const CpuState& state) {
  mem_.write_block(0, ram);
  cpu_.reset();
  // Field by field: reset() set the owner and TLB pointers.
  const CpuState& s = state;
  cpu_.state.icount = 0;
  for (int i = 0; i < 8; ++i) cpu_.state.gpr[i] = s.gpr[i];
  cpu_.state.eip = s.eip;
  cpu_.state.eflags = s.eflags;
  for (int i = 0; i < core::kSegCount; ++i) cpu_.state.seg[i] = s.seg[i];
  cpu_.state.tr = s.tr;
  cpu_.state.gdtr = s.gdtr;
  cpu_.state.idtr = s.idtr;
  cpu_.state.cr0 = s.cr0;
  cpu_.state.cr3 = s.cr3;
  cpu_.state.fpu = s.fpu;
  cpu_.mmu.flush_all();
}

core::StopReason CodeMachine::run(uint64_t steps) {
  if (jit_) return jit_->run(cpu_, steps);
  return interp_.run(cpu_, steps);
}

std::string CodeMachine::stats() const {
  return jit_ ? jit_->stats_text() : "";
}

std::string state_text(core::Cpu& cpu) {
  const CpuState& s = cpu.state;
  std::string segs;
  for (const SegmentCache& c : s.seg) segs += fmt::format(" {:04x}/{:x}", c.selector, c.base);
  for (const core::X87Reg& r : s.fpu.reg)
    segs += fmt::format(" {:04x}:{:016x}", r.sign_exp, r.mantissa);
  segs += fmt::format(" fcs={:04x} fds={:04x}", s.fpu.fcs, s.fpu.fds);
  return fmt::format(
      "eax={:08x} ecx={:08x} edx={:08x} ebx={:08x} esp={:08x} ebp={:08x} esi={:08x} edi={:08x} "
      "eip={:08x} eflags={:08x} cr2={:08x} icount={} halted={} shutdown={} segs{} fcw={:04x} "
      "fsw={:04x} tags={:02x} fop={:03x} fip={:08x} fdp={:08x}",
      s.gpr[0], s.gpr[1], s.gpr[2], s.gpr[3], s.gpr[4], s.gpr[5], s.gpr[6], s.gpr[7], s.eip,
      s.eflags, s.cr2, s.icount, s.halted, cpu.in_shutdown(), segs, s.fpu.cw, s.fpu.sw, s.fpu.valid,
      s.fpu.fop, s.fpu.fip, s.fpu.fdp);
}

bool same_state(core::Cpu& a, core::Cpu& b) {
  const CpuState& x = a.state;
  const CpuState& y = b.state;
  if (x.eip != y.eip || x.eflags != y.eflags || x.icount != y.icount || x.halted != y.halted ||
      x.cr2 != y.cr2 || a.in_shutdown() != b.in_shutdown()) {
    return false;
  }
  for (int i = 0; i < 8; ++i) {
    if (x.gpr[i] != y.gpr[i]) return false;
  }
  for (int i = 0; i < core::kSegCount; ++i) {
    if (x.seg[i].selector != y.seg[i].selector || x.seg[i].base != y.seg[i].base) return false;
  }
  return x.fpu == y.fpu;
}

std::string memory_diff(CodeMachine& a, CodeMachine& b, size_t max_chars) {
  std::string diff;
  if (std::memcmp(a.mem().ram(), b.mem().ram(), kRamBytes) == 0) return diff;
  for (uint32_t at = 0; at < kRamBytes && diff.size() < max_chars; ++at) {
    const uint8_t x = a.mem().ram()[at];
    const uint8_t y = b.mem().ram()[at];
    if (x != y) diff += fmt::format(" [{:05x}] {:02x}/{:02x}", at, x, y);
  }
  return diff;
}

}  // namespace tx86::testing
