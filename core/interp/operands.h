// Operand access shared by all handlers: read and write the decoded
// operands, whatever their kind, so each instruction is a few lines of
// semantics (the QEMU decode-new / dynarmic model).
#pragma once

#include <cstdint>

#include "core/cpu/cpu.h"
#include "core/decoder/decoded_insn.h"
#include "core/interp/alu.h"

namespace tx86::core::interp {

// The memory operand's offset within its segment, wrapped to the address size.
inline uint32_t effective_offset(const CpuState& s, const DecodedInsn& insn) {
  const MemRef& m = insn.mem;
  uint32_t ea = m.disp;
  if (m.base != kNoReg) ea += s.gpr[m.base];
  if (m.index != kNoReg) ea += s.gpr[m.index] << m.scale;
  return insn.addrsize == 2 ? ea & 0xFFFF : ea;
}

uint32_t read_operand(Cpu& cpu, const DecodedInsn& insn, int i);
void write_operand(Cpu& cpu, const DecodedInsn& insn, int i, uint32_t value);

// The memory operand at a byte offset from its start (far pointers, BOUND).
inline uint32_t read_mem_at(Cpu& cpu, const DecodedInsn& insn, uint32_t delta, unsigned size) {
  const uint32_t off = effective_offset(cpu.state, insn) + delta;
  return cpu.read(insn.mem.seg, insn.addrsize == 2 ? off & 0xFFFF : off, size);
}

inline uint32_t operand_mask(const DecodedInsn& insn, int i) {
  return alu::mask_of(insn.ops[i].size);
}

// Writes a new EIP for a near transfer, truncated to the operand size.
inline void jump_near(Cpu& cpu, const DecodedInsn& insn, uint32_t target) {
  cpu.state.eip = insn.opsize == 2 ? target & 0xFFFF : target;
}

}  // namespace tx86::core::interp
