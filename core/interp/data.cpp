// Data movement: MOV (all forms but control/debug registers), MOV to and
// from segment registers, LEA, XCHG, LDS LES LSS LFS LGS, XLAT, LAHF SAHF,
// MOVZX MOVSX, SETcc, CMOVcc, BSWAP.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

void exec_mov(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, read_operand(cpu, insn, 1));
}

// MOV r/m, Sreg: a memory destination is always 16 bits; a 32-bit register
// destination gets the selector zero-extended (P6 behaviour, SDM "MOV").
void exec_mov_from_seg(Cpu& cpu, const DecodedInsn& insn) {
  const uint16_t sel = cpu.state.seg[insn.ops[1].reg].selector;
  write_operand(cpu, insn, 0, sel);
}

void exec_mov_to_seg(Cpu& cpu, const DecodedInsn& insn) {
  const uint8_t seg = insn.ops[0].reg;
  if (seg == kCs) raise_fault(vec::kUd);
  const auto sel = static_cast<uint16_t>(read_operand(cpu, insn, 1));
  cpu.load_segment(seg, sel);
  // MOV SS holds off interrupts for one instruction so that a following
  // MOV (E)SP completes the stack switch (SDM Vol. 3, 6.8.3).
  if (seg == kSs) cpu.state.interrupt_shadow = cpu.state.debug_shadow = true;
}

void exec_lea(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, effective_offset(cpu.state, insn));
}

void exec_xchg(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t a = read_operand(cpu, insn, 0);
  const uint32_t b = read_operand(cpu, insn, 1);
  write_operand(cpu, insn, 0, b);
  write_operand(cpu, insn, 1, a);
}

// LDS and friends: offset then selector in memory; the segment load comes
// first so that a faulting selector leaves the register untouched.
void load_far_pointer(Cpu& cpu, const DecodedInsn& insn, uint8_t seg) {
  const uint32_t offset = read_mem_at(cpu, insn, 0, insn.opsize);
  const auto sel = static_cast<uint16_t>(read_mem_at(cpu, insn, insn.opsize, 2));
  cpu.load_segment(seg, sel);
  write_operand(cpu, insn, 0, offset);
}

void exec_lds(Cpu& cpu, const DecodedInsn& insn) {
  load_far_pointer(cpu, insn, kDs);
}
void exec_les(Cpu& cpu, const DecodedInsn& insn) {
  load_far_pointer(cpu, insn, kEs);
}
void exec_lss(Cpu& cpu, const DecodedInsn& insn) {
  load_far_pointer(cpu, insn, kSs);
}
void exec_lfs(Cpu& cpu, const DecodedInsn& insn) {
  load_far_pointer(cpu, insn, kFs);
}
void exec_lgs(Cpu& cpu, const DecodedInsn& insn) {
  load_far_pointer(cpu, insn, kGs);
}

void exec_xlat(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const uint8_t seg = insn.seg_override != kNoReg ? insn.seg_override : uint8_t{kDs};
  uint32_t off = s.gpr[kEbx] + s.reg8(kAl);
  if (insn.addrsize == 2) off &= 0xFFFF;
  s.set_reg8(kAl, cpu.read8(seg, off));
}

// AH <-> SF ZF AF PF CF (bits 7 6 4 2 0); bit 1 reads as 1.
void exec_lahf(Cpu& cpu, const DecodedInsn&) {
  cpu.state.set_reg8(kAh, static_cast<uint8_t>((cpu.state.eflags & 0xD5) | flags::kReserved1));
}

void exec_sahf(Cpu& cpu, const DecodedInsn&) {
  alu::set_status(cpu.state.eflags, flags::kSf | flags::kZf | flags::kAf | flags::kPf | flags::kCf,
                  cpu.state.reg8(kAh));
}

void exec_movzx(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, read_operand(cpu, insn, 1));
}

void exec_movsx(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, alu::sign_extend(read_operand(cpu, insn, 1), insn.ops[1].size));
}

void exec_setcc(Cpu& cpu, const DecodedInsn& insn) {
  write_operand(cpu, insn, 0, alu::condition(cpu.state.eflags, insn.condition()) ? 1 : 0);
}

// CMOVcc reads its source even when the condition is false (a faulting
// source faults either way); a false 32-bit CMOV still leaves the register.
void exec_cmovcc(Cpu& cpu, const DecodedInsn& insn) {
  const uint32_t v = read_operand(cpu, insn, 1);
  if (alu::condition(cpu.state.eflags, insn.condition())) write_operand(cpu, insn, 0, v);
}

// BSWAP with a 16-bit operand is undefined; this model clears the register
// half, as Intel parts do.
void exec_bswap(Cpu& cpu, const DecodedInsn& insn) {
  const uint8_t r = insn.ops[0].reg;
  if (insn.opsize == 2) {
    cpu.state.set_reg16(r, 0);
  } else {
    cpu.state.gpr[r] = __builtin_bswap32(cpu.state.gpr[r]);
  }
}

}  // namespace

void register_data(HandlerTable& t) {
  set(t, Mnemonic::kMov, exec_mov);
  set(t, Mnemonic::kMovFromSeg, exec_mov_from_seg);
  set(t, Mnemonic::kMovToSeg, exec_mov_to_seg);
  set(t, Mnemonic::kLea, exec_lea);
  set(t, Mnemonic::kXchg, exec_xchg);
  set(t, Mnemonic::kLds, exec_lds);
  set(t, Mnemonic::kLes, exec_les);
  set(t, Mnemonic::kLss, exec_lss);
  set(t, Mnemonic::kLfs, exec_lfs);
  set(t, Mnemonic::kLgs, exec_lgs);
  set(t, Mnemonic::kXlat, exec_xlat);
  set(t, Mnemonic::kLahf, exec_lahf);
  set(t, Mnemonic::kSahf, exec_sahf);
  set(t, Mnemonic::kMovzx, exec_movzx);
  set(t, Mnemonic::kMovsx, exec_movsx);
  set(t, Mnemonic::kSetcc, exec_setcc);
  set(t, Mnemonic::kCmovcc, exec_cmovcc);
  set(t, Mnemonic::kBswap, exec_bswap);
}

}  // namespace tx86::core::interp
