// System-register instructions: LGDT LIDT SGDT SIDT LLDT SLDT LTR STR LMSW
// SMSW CLTS, MOV to and from CR0-CR4 and DR0-DR7, INVLPG INVD WBINVD,
// CPUID RDTSC RDMSR WRMSR RDPMC (SDM Vol. 2, each instruction).
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

bool in_real_or_v86(const CpuState& s) {
  return !s.protected_mode() || s.flag(flags::kVm);
}

// Privileged instructions: CPL 0, which real mode always has; #GP(0) in
// virtual-8086 mode and at CPL > 0.
void require_cpl0(const Cpu& cpu) {
  if (cpu.cpl() != 0) raise_fault(vec::kGp, 0);
}

// LLDT, SLDT, LTR, STR, LAR, ... exist only in protected mode.
void require_protected_mode(const Cpu& cpu) {
  if (in_real_or_v86(cpu.state)) raise_fault(vec::kUd);
}

void load_table_register(Cpu& cpu, const DecodedInsn& insn, DescriptorTableReg& reg) {
  require_cpl0(cpu);
  const auto limit = static_cast<uint16_t>(read_mem_at(cpu, insn, 0, 2));
  uint32_t base = read_mem_at(cpu, insn, 2, 4);
  if (insn.opsize == 2) base &= 0x00FFFFFF;  // a 24-bit base, as on the 286
  reg = DescriptorTableReg{base, limit};
}

// SGDT/SIDT store the limit and the full 32-bit base whatever the operand
// size (SDM "SGDT"); the store is checked whole before any byte is written.
void store_table_register(Cpu& cpu, const DecodedInsn& insn, const DescriptorTableReg& reg) {
  const uint32_t off = effective_offset(cpu.state, insn);
  const uint32_t mask = insn.addrsize == 2 ? 0xFFFFu : 0xFFFFFFFFu;
  cpu.probe_write(insn.mem.seg, off, 2);
  cpu.probe_write(insn.mem.seg, (off + 2) & mask, 4);
  cpu.write16(insn.mem.seg, off, reg.limit);
  cpu.write32(insn.mem.seg, (off + 2) & mask, reg.base);
}

void exec_lgdt(Cpu& cpu, const DecodedInsn& insn) {
  load_table_register(cpu, insn, cpu.state.gdtr);
}
void exec_lidt(Cpu& cpu, const DecodedInsn& insn) {
  load_table_register(cpu, insn, cpu.state.idtr);
}
void exec_sgdt(Cpu& cpu, const DecodedInsn& insn) {
  store_table_register(cpu, insn, cpu.state.gdtr);
}
void exec_sidt(Cpu& cpu, const DecodedInsn& insn) {
  store_table_register(cpu, insn, cpu.state.idtr);
}

void exec_lldt(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  require_cpl0(cpu);
  cpu.load_ldtr(static_cast<uint16_t>(read_operand(cpu, insn, 0)));
}

void exec_ltr(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  require_cpl0(cpu);
  cpu.load_tr(static_cast<uint16_t>(read_operand(cpu, insn, 0)));
}

// SLDT/STR/SMSW to a 32-bit register zero-extend (P6 behaviour).
void exec_sldt(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  write_operand(cpu, insn, 0, cpu.state.ldtr.selector);
}

void exec_str(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  write_operand(cpu, insn, 0, cpu.state.tr.selector);
}

// SMSW stores the low word of CR0; into a 32-bit register, all of CR0.
void exec_smsw(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, insn.ops[0].size == 4 ? cpu.state.cr0 : cpu.state.cr0 & 0xFFFF);
}

// LMSW loads PE MP EM TS; it can set PE but never clear it.
void exec_lmsw(Cpu& cpu, const DecodedInsn& insn) {
  require_cpl0(cpu);
  const uint32_t v = read_operand(cpu, insn, 0) & 0xF;
  const uint32_t cr0 = (cpu.state.cr0 & ~0xEu) | v | (cpu.state.cr0 & cr0::kPe);
  cpu.write_cr0(cr0);
}

void exec_clts(Cpu& cpu, const DecodedInsn&) {
  require_cpl0(cpu);
  cpu.state.cr0 &= ~cr0::kTs;
}

void exec_mov_from_cr(Cpu& cpu, const DecodedInsn& insn) {
  require_cpl0(cpu);
  const CpuState& s = cpu.state;
  uint32_t v = 0;
  switch (insn.ops[1].reg) {
    case 0: v = s.cr0; break;
    case 2: v = s.cr2; break;
    case 3: v = s.cr3; break;
    case 4: v = s.cr4; break;
    default: raise_fault(vec::kUd);
  }
  cpu.state.gpr[insn.ops[0].reg] = v;
}

void exec_mov_to_cr(Cpu& cpu, const DecodedInsn& insn) {
  require_cpl0(cpu);
  const uint32_t v = cpu.state.gpr[insn.ops[1].reg];
  switch (insn.ops[0].reg) {
    case 0: cpu.write_cr0(v); break;
    case 2: cpu.state.cr2 = v; break;
    case 3: cpu.write_cr3(v); break;
    case 4: cpu.write_cr4(v); break;
    default: raise_fault(vec::kUd);
  }
}

// DR4 and DR5 alias DR6 and DR7 while CR4.DE is clear (SDM Vol. 3, 17.2.2).
// With DR7.GD set, any access raises #DB with DR6.BD before it happens.
uint8_t debug_register_index(Cpu& cpu, uint8_t reg) {
  require_cpl0(cpu);
  if (cpu.state.dr[7] & (1u << 13)) {
    cpu.state.dr[7] &= ~(1u << 13);
    cpu.state.dr[6] |= 1u << 13;
    raise_fault(vec::kDb);
  }
  if (reg == 4 || reg == 5) {
    if (cpu.state.cr4 & cr4::kDe) raise_fault(vec::kUd);
    reg = static_cast<uint8_t>(reg + 2);
  }
  return reg;
}

void exec_mov_from_dr(Cpu& cpu, const DecodedInsn& insn) {
  const uint8_t r = debug_register_index(cpu, insn.ops[1].reg);
  cpu.state.gpr[insn.ops[0].reg] = cpu.state.dr[r];
}

void exec_mov_to_dr(Cpu& cpu, const DecodedInsn& insn) {
  const uint8_t r = debug_register_index(cpu, insn.ops[0].reg);
  uint32_t v = cpu.state.gpr[insn.ops[1].reg];
  if (r == 6) v = (v & 0x0000E00Fu) | 0xFFFF0FF0u;  // reserved bits read as 1
  if (r == 7) v = (v & 0xFFFF23FFu) | 0x400u;       // bit 10 reads as 1
  cpu.state.dr[r] = v;
}

// INVLPG takes the linear address of its operand: no limit check.
void exec_invlpg(Cpu& cpu, const DecodedInsn& insn) {
  require_cpl0(cpu);
  cpu.mmu.flush_page(cpu.state.seg[insn.mem.seg].base + effective_offset(cpu.state, insn));
}

// Caches are not modelled: INVD and WBINVD only check privilege.
void exec_cache_flush(Cpu& cpu, const DecodedInsn&) {
  require_cpl0(cpu);
}

// CPUID: a GenuineIntel family 5 model 4 part with exactly the features
// tx86 implements. Leaves above the maximum return the highest basic leaf,
// as Intel parts of the time do.
void exec_cpuid(Cpu& cpu, const DecodedInsn&) {
  CpuState& s = cpu.state;
  constexpr uint32_t kFpu = 1u << 0, kPse = 1u << 3, kTsc = 1u << 4, kMsr = 1u << 5, kCx8 = 1u << 8,
                     kPge = 1u << 13, kCmov = 1u << 15, kMmx = 1u << 23;
  const uint32_t leaf = s.gpr[kEax];
  if (leaf == 0) {
    s.gpr[kEax] = 1;
    s.gpr[kEbx] = 0x756E6547;  // "Genu"
    s.gpr[kEdx] = 0x49656E69;  // "ineI"
    s.gpr[kEcx] = 0x6C65746E;  // "ntel"
    return;
  }
  s.gpr[kEax] = kCpuSignature;
  s.gpr[kEbx] = 0;
  s.gpr[kEcx] = 0;
  s.gpr[kEdx] = kFpu | kPse | kTsc | kMsr | kCx8 | kPge | kCmov | kMmx;
}

void exec_rdtsc(Cpu& cpu, const DecodedInsn&) {
  if ((cpu.state.cr4 & cr4::kTsd) && cpu.cpl() != 0) raise_fault(vec::kGp, 0);
  const uint64_t tsc = cpu.read_tsc();
  cpu.state.gpr[kEax] = static_cast<uint32_t>(tsc);
  cpu.state.gpr[kEdx] = static_cast<uint32_t>(tsc >> 32);
}

// Model-specific registers of this part: the TSC (0x10) and the Pentium
// machine-check address and type (0x0, 0x1, which read as 0).
void exec_rdmsr(Cpu& cpu, const DecodedInsn&) {
  require_cpl0(cpu);
  CpuState& s = cpu.state;
  uint64_t v = 0;
  switch (s.gpr[kEcx]) {
    case 0x00:
    case 0x01: v = 0; break;
    case 0x10: v = cpu.read_tsc(); break;
    default: raise_fault(vec::kGp, 0);
  }
  s.gpr[kEax] = static_cast<uint32_t>(v);
  s.gpr[kEdx] = static_cast<uint32_t>(v >> 32);
}

void exec_wrmsr(Cpu& cpu, const DecodedInsn&) {
  require_cpl0(cpu);
  CpuState& s = cpu.state;
  const uint64_t v = (uint64_t{s.gpr[kEdx]} << 32) | s.gpr[kEax];
  switch (s.gpr[kEcx]) {
    case 0x10: cpu.write_tsc(v); break;
    default: raise_fault(vec::kGp, 0);
  }
}

// RDPMC reads performance counters 0 and 1, which count no events in this
// model; CR4.PCE opens it to CPL > 0.
void exec_rdpmc(Cpu& cpu, const DecodedInsn&) {
  CpuState& s = cpu.state;
  if (cpu.cpl() != 0 && !(s.cr4 & cr4::kPce)) raise_fault(vec::kGp, 0);
  if (s.gpr[kEcx] > 1) raise_fault(vec::kGp, 0);
  s.gpr[kEax] = 0;
  s.gpr[kEdx] = 0;
}

}  // namespace

void register_system_regs(HandlerTable& t) {
  set(t, Mnemonic::kLgdt, exec_lgdt);
  set(t, Mnemonic::kLidt, exec_lidt);
  set(t, Mnemonic::kSgdt, exec_sgdt);
  set(t, Mnemonic::kSidt, exec_sidt);
  set(t, Mnemonic::kLldt, exec_lldt);
  set(t, Mnemonic::kSldt, exec_sldt);
  set(t, Mnemonic::kLtr, exec_ltr);
  set(t, Mnemonic::kStr, exec_str);
  set(t, Mnemonic::kSmsw, exec_smsw);
  set(t, Mnemonic::kLmsw, exec_lmsw);
  set(t, Mnemonic::kClts, exec_clts);
  set(t, Mnemonic::kMovFromCr, exec_mov_from_cr);
  set(t, Mnemonic::kMovToCr, exec_mov_to_cr);
  set(t, Mnemonic::kMovFromDr, exec_mov_from_dr);
  set(t, Mnemonic::kMovToDr, exec_mov_to_dr);
  set(t, Mnemonic::kInvlpg, exec_invlpg);
  set(t, Mnemonic::kInvd, exec_cache_flush);
  set(t, Mnemonic::kWbinvd, exec_cache_flush);
  set(t, Mnemonic::kCpuid, exec_cpuid);
  set(t, Mnemonic::kRdtsc, exec_rdtsc);
  set(t, Mnemonic::kRdmsr, exec_rdmsr);
  set(t, Mnemonic::kWrmsr, exec_wrmsr);
  set(t, Mnemonic::kRdpmc, exec_rdpmc);
}

}  // namespace tx86::core::interp
