#include "jit/runtime/verifier.h"

#include <fmt/format.h>

#include <map>

#include "jit/runtime/helpers.h"

namespace tx86::jit {

namespace {

using core::CpuState;

std::string regs_text(const CpuState& s) {
  return fmt::format(
      "eax={:08x} ecx={:08x} edx={:08x} ebx={:08x} esp={:08x} ebp={:08x} esi={:08x} edi={:08x} "
      "eip={:08x} eflags={:08x} icount={}",
      s.gpr[0], s.gpr[1], s.gpr[2], s.gpr[3], s.gpr[4], s.gpr[5], s.gpr[6], s.gpr[7], s.eip,
      s.eflags, s.icount);
}

std::string block_text(const CompiledBlock& block) {
  std::string out;
  for (const ir::GuestInsn& g : block.ir.guest) {
    out += fmt::format("  {:08x} {}\n", g.eip, core::mnemonic_name(g.decoded.mnemonic));
  }
  if (!block.ir.insts.empty()) out += "IR:\n" + ir::dump(block.ir);
  return out;
}

std::string fault_text(const std::optional<core::GuestFault>& f) {
  if (!f) return "none";
  return fmt::format("vector {} error {:#x}", f->vector, f->has_error_code ? f->error_code : 0);
}

}  // namespace

Verifier::Verifier(core::Cpu& cpu) : cpu_(cpu) {
  journal_.recording = false;
  cpu_.mmu.set_journal(&journal_);
}

Verifier::~Verifier() {
  cpu_.mmu.set_journal(nullptr);
}

x64::ExitValue Verifier::run(core::Cpu& cpu, const CompiledBlock& block,
                             const x64::Trampoline& trampoline) {
  CpuState& s = cpu.state;
  const CpuState before = s;

  core::WriteJournal& jit_journal = journal_;
  jit_journal.clear();
  jit_journal.recording = true;
  const x64::ExitValue exit = trampoline.enter(&s, block.code);
  sync_state(s);
  jit_journal.recording = false;
  const auto status = static_cast<ExitStatus>(exit.status);
  if (status == ExitStatus::kBudget || status == ExitStatus::kUnimplemented) return exit;
  if (jit_journal.touched_devices) {
    ++skipped_;
    return exit;
  }

  // What the JIT left, then back to the start.
  const CpuState after = s;
  const std::optional<core::GuestFault> jit_fault = cpu.pending_fault;
  std::map<core::PhysAddr, uint8_t> jit_bytes;
  const std::vector<core::WriteJournal::Byte> jit_writes = jit_journal.bytes;
  for (const core::WriteJournal::Byte& b : jit_writes) jit_bytes[b.addr] = cpu.mem.read8(b.addr);
  for (auto it = jit_writes.rbegin(); it != jit_writes.rend(); ++it)
    cpu.mem.write8(it->addr, it->old);
  s = before;
  s.code_modified = 0;
  cpu.pending_fault.reset();

  // The interpreter runs what the block completed, and the instruction that
  // faulted, if one did.
  core::WriteJournal& interp_journal = journal_;
  interp_journal.clear();
  interp_journal.recording = true;
  std::optional<core::GuestFault> interp_fault;
  const uint64_t completed = after.icount - before.icount;
  std::string problem;
  for (uint64_t i = 0; i < completed && problem.empty(); ++i) {
    if (const auto f = interp_.execute(cpu)) {
      problem = fmt::format("the interpreter faulted ({}) at instruction {} of {}", fault_text(f),
                            i, completed);
      interp_fault = f;
    } else {
      ++s.icount;
    }
  }
  if (problem.empty() && status == ExitStatus::kFault) interp_fault = interp_.execute(cpu);
  interp_journal.recording = false;
  ++checked_;

  // Compare.
  if (problem.empty()) {
    bool same = s.eip == after.eip && s.eflags == after.eflags && s.icount == after.icount;
    for (int i = 0; i < 8; ++i) same = same && s.gpr[i] == after.gpr[i];
    if (!same) problem = "registers differ";
  }
  if (problem.empty() && !(s.fpu == after.fpu)) problem = "x87 state differs";
  if (problem.empty()) {
    const bool same_fault = jit_fault.has_value() == interp_fault.has_value() &&
                            (!jit_fault || (jit_fault->vector == interp_fault->vector &&
                                            jit_fault->error_code == interp_fault->error_code));
    if (!same_fault) {
      problem = fmt::format("faults differ: jit {}, interpreter {}", fault_text(jit_fault),
                            fault_text(interp_fault));
    }
  }
  if (problem.empty()) {
    // Every byte either side wrote; one the JIT did not write still holds
    // its value from before the block, the first old value the
    // interpreter's journal saw.
    std::map<core::PhysAddr, uint8_t> expected = jit_bytes;
    for (const core::WriteJournal::Byte& b : interp_journal.bytes) expected.emplace(b.addr, b.old);
    for (const auto& [addr, jit_value] : expected) {
      const uint8_t v = cpu.mem.read8(addr);
      if (v != jit_value) {
        problem = fmt::format("memory at {:08x}: jit wrote {:02x}, interpreter {:02x}", addr,
                              jit_value, v);
        break;
      }
    }
  }
  cpu.pending_fault = interp_fault;
  if (!problem.empty()) {
    mismatch_ = fmt::format(
        "jit verify: block at {:04x}:{:08x}: {}\n  before: {}\n  jit:    {}\n  interp: {}\n{}",
        before.seg[core::kCs].selector, before.eip, problem, regs_text(before), regs_text(after),
        regs_text(s), block_text(block));
  }
  return exit;
}

}  // namespace tx86::jit
