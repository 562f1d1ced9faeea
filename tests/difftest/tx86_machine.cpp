#include "tests/difftest/tx86_machine.h"

#include <fmt/format.h>

#include <cstring>

#include "core/decoder/decoder.h"
#include "core/fpu/fpu_env.h"
#include "core/interp/handlers.h"

namespace tx86::difftest {

namespace {

using core::SegmentCache;
namespace seg_attr = core::seg_attr;

constexpr uint64_t kRamBytes = 3 * DT_PAGE_SIZE;  // data, code, stack
constexpr uint32_t kWindowOffset = DT_WINDOW - DT_DATA_PAGE;

// Linux's flat user selectors: code 0x23, data 0x2B (RPL 3).
constexpr uint16_t kUserCode = 0x23;
constexpr uint16_t kUserData = 0x2B;

SegmentCache flat(uint16_t selector, bool code) {
  uint16_t attrs = seg_attr::kPresent | seg_attr::kS | seg_attr::kWritable | seg_attr::kAccessed |
                   seg_attr::kDefaultBig | seg_attr::kGranularity | (3u << seg_attr::kDplShift);
  if (code) attrs |= seg_attr::kCode;
  return SegmentCache{selector, 0, 0xFFFFFFFFu, attrs};
}

}  // namespace

Tx86Machine::Tx86Machine(Engine engine) : mem_(kRamBytes), cpu_(mem_, io_) {
  mem_.map_ram(DT_DATA_PAGE, DT_PAGE_SIZE, 0);
  mem_.map_ram(DT_CODE_PAGE, DT_PAGE_SIZE, DT_PAGE_SIZE);
  mem_.map_ram(DT_STACK_PAGE, DT_PAGE_SIZE, 2 * DT_PAGE_SIZE);
  if (engine == Engine::kJit) {
    jit::JitOptions options;
    options.translate.max_insns = 1;
    jit_ = std::make_unique<jit::JitEngine>(cpu_, options);
  }
}

void Tx86Machine::step_once() {
  if (jit_ == nullptr) {
    interp_.step(cpu_);
  } else if (jit_->run(cpu_, 1) == core::StopReason::kUnimplemented) {
    throw core::Unimplemented{cpu_.error};
  }
}

void Tx86Machine::load(const TestCase& c) {
  std::memset(mem_.ram(), 0, kRamBytes);
  std::memcpy(mem_.ram() + kWindowOffset, c.window.data(), DT_WINDOW_SIZE);
  const Bytes code = c.code();
  std::memset(mem_.ram() + DT_PAGE_SIZE, 0xF4, DT_PAGE_SIZE);  // HLT, as the runner does
  if (!code.empty()) std::memcpy(mem_.ram() + DT_PAGE_SIZE, code.data(), code.size());
  if (jit_ != nullptr) jit_->flush();  // the code changed behind the memory bus

  cpu_.reset();
  core::CpuState& s = cpu_.state;
  s.cr0 |= core::cr0::kPe | core::cr0::kNe;  // x87 errors are #MF, as under Linux
  const core::EnvLayout layout{true, true};
  core::load_env(s.fpu, layout, c.fpu.data());
  core::load_registers(s.fpu, c.fpu.data() + layout.env_bytes());
  for (int i = 0; i < core::kSegCount; ++i) s.seg[i] = flat(kUserData, false);
  s.seg[core::kCs] = flat(kUserCode, true);
  s.seg[core::kFs] = flat(0, false);  // unused by the sequences
  s.seg[core::kGs] = flat(0, false);
  for (int i = 0; i < 8; ++i) s.gpr[i] = c.gpr[i];
  s.gpr[core::kEsp] = DT_STACK_TOP;
  s.eflags = (c.eflags & DT_EFLAGS_MASK) | core::flags::kReserved1 | core::flags::kIf;
  s.eip = DT_CODE_PAGE;
  // No IDT: an exception cannot be delivered and ends in a shutdown, which
  // step() reports with the exception's vector.
  s.idtr = core::DescriptorTableReg{0, 0};
}

RegState Tx86Machine::regs() const {
  RegState r;
  for (int i = 0; i < 8; ++i) r.gpr[i] = cpu_.state.gpr[i];
  r.eflags = cpu_.state.eflags;
  const core::FpuState& f = cpu_.state.fpu;
  r.fcw = f.cw;
  r.fsw = f.sw;
  r.ftw = f.full_tag_word();
  core::store_registers(f, r.st.data());
  return r;
}

std::string Tx86Machine::step(uint32_t end) {
  const core::CpuState before = cpu_.state;
  const uint32_t start = before.eip;
  // A REP instruction may stop after a bounded number of iterations and
  // leave EIP on itself; the test's counts are small, so a few steps do.
  for (int i = 0; i < 64; ++i) {
    try {
      step_once();
    } catch (const core::Unimplemented& u) {
      if (cpu_.state.eip == start) return diagnose_fault(before);
      return "unimplemented: " + u.what;
    }
    if (cpu_.in_shutdown()) return diagnose_fault(before);
    if (cpu_.state.eip == end) return "";
    if (cpu_.state.eip != start) return diagnose_fault(before);
  }
  return "did not finish";
}

// The engine delivered an exception, which in this bare setup ends in an
// unimplemented delivery or a shutdown. Replays the instruction's handler on
// the state before it to name the exception, and leaves the registers as
// they were before the instruction (exceptions are precise).
std::string Tx86Machine::diagnose_fault(const core::CpuState& before) {
  const std::string why = replay_for_fault(before);
  cpu_.state = before;
  return why;
}

std::string Tx86Machine::replay_for_fault(const core::CpuState& before) {
  cpu_.state = before;
  try {
    if (const auto fault = interp_.execute(cpu_))
      return fmt::format("fault: vector {}", fault->vector);
  } catch (const core::Unimplemented& u) {
    return "unimplemented: " + u.what;
  }
  return "fault: exception delivered (vector unknown)";
}

Window Tx86Machine::window() {
  Window w;
  std::memcpy(w.data(), mem_.ram() + kWindowOffset, DT_WINDOW_SIZE);
  return w;
}

uint32_t Tx86Machine::peek(uint32_t addr, unsigned size) {
  uint32_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint32_t{mem_.read8(addr + i)} << (8 * i);
  return v;
}

void Tx86Machine::poke(uint32_t addr, const Bytes& bytes) {
  mem_.write_block(addr, bytes);
}

bool Tx86Machine::outside_dirty() {
  for (uint32_t i = 0; i < DT_PAGE_SIZE; ++i) {
    const bool in_window = i >= kWindowOffset && i < kWindowOffset + DT_WINDOW_SIZE;
    if (!in_window && mem_.ram()[i] != 0) return true;
  }
  return false;
}

}  // namespace tx86::difftest
