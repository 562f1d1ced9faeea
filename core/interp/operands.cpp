#include "core/interp/operands.h"

namespace tx86::core::interp {

uint32_t read_operand(Cpu& cpu, const DecodedInsn& insn, int i) {
  const Operand& op = insn.ops[i];
  switch (op.kind) {
    case OperandKind::kGpr: return cpu.state.reg(op.reg, op.size);
    case OperandKind::kMem:
      return cpu.read(insn.mem.seg, effective_offset(cpu.state, insn), op.size);
    case OperandKind::kImm:
    case OperandKind::kRel: return insn.imm & alu::mask_of(op.size);
    case OperandKind::kSeg: return cpu.state.seg[op.reg].selector;
    default: throw Unimplemented{std::string("operand kind in ") + mnemonic_name(insn.mnemonic)};
  }
}

void write_operand(Cpu& cpu, const DecodedInsn& insn, int i, uint32_t value) {
  const Operand& op = insn.ops[i];
  switch (op.kind) {
    case OperandKind::kGpr: cpu.state.set_reg(op.reg, op.size, value); return;
    case OperandKind::kMem:
      cpu.write(insn.mem.seg, effective_offset(cpu.state, insn), op.size, value);
      return;
    default: throw Unimplemented{std::string("operand kind in ") + mnemonic_name(insn.mnemonic)};
  }
}

}  // namespace tx86::core::interp
