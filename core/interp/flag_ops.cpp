// CLC STC CMC CLD STD CLI STI.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

void exec_clc(Cpu& cpu, const DecodedInsn&) {
  cpu.state.set_flag(flags::kCf, false);
}
void exec_stc(Cpu& cpu, const DecodedInsn&) {
  cpu.state.set_flag(flags::kCf, true);
}
void exec_cmc(Cpu& cpu, const DecodedInsn&) {
  cpu.state.eflags ^= flags::kCf;
}
void exec_cld(Cpu& cpu, const DecodedInsn&) {
  cpu.state.set_flag(flags::kDf, false);
}
void exec_std(Cpu& cpu, const DecodedInsn&) {
  cpu.state.set_flag(flags::kDf, true);
}

// CLI/STI need CPL <= IOPL in protected mode, IOPL 3 in virtual-8086 mode
// (the VME/PVI variants are not part of this CPU).
void check_iopl(const CpuState& s) {
  if (!s.protected_mode()) return;
  const unsigned iopl = (s.eflags & flags::kIoplMask) >> flags::kIoplShift;
  const unsigned cpl = s.flag(flags::kVm) ? 3 : (s.seg[kCs].selector & 3u);
  if (cpl > iopl) raise_fault(vec::kGp, 0);
}

void exec_cli(Cpu& cpu, const DecodedInsn&) {
  check_iopl(cpu.state);
  cpu.state.set_flag(flags::kIf, false);
}

// STI enables interrupts only after the next instruction (SDM "STI").
void exec_sti(Cpu& cpu, const DecodedInsn&) {
  check_iopl(cpu.state);
  if (!cpu.state.flag(flags::kIf)) cpu.state.interrupt_shadow = true;
  cpu.state.set_flag(flags::kIf, true);
}

}  // namespace

void register_flag_ops(HandlerTable& t) {
  set(t, Mnemonic::kClc, exec_clc);
  set(t, Mnemonic::kStc, exec_stc);
  set(t, Mnemonic::kCmc, exec_cmc);
  set(t, Mnemonic::kCld, exec_cld);
  set(t, Mnemonic::kStd, exec_std);
  set(t, Mnemonic::kCli, exec_cli);
  set(t, Mnemonic::kSti, exec_sti);
}

}  // namespace tx86::core::interp
