// IN and OUT, after the I/O permission check (Cpu::check_io).
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

uint16_t port_of(Cpu& cpu, const DecodedInsn& insn, int i) {
  return static_cast<uint16_t>(insn.ops[i].kind == OperandKind::kImm ? insn.imm & 0xFF
                                                                     : cpu.state.reg16(kEdx));
}

void exec_in(Cpu& cpu, const DecodedInsn& insn) {
  const unsigned size = insn.ops[0].size;
  const uint16_t port = port_of(cpu, insn, 1);
  cpu.check_io(port, size);
  cpu.state.set_reg(kEax, size, cpu.io.read(port, size));
}

void exec_out(Cpu& cpu, const DecodedInsn& insn) {
  const unsigned size = insn.ops[1].size;
  const uint16_t port = port_of(cpu, insn, 0);
  cpu.check_io(port, size);
  cpu.io.write(port, size, cpu.state.reg(kEax, size));
}

}  // namespace

void register_io(HandlerTable& t) {
  set(t, Mnemonic::kIn, exec_in);
  set(t, Mnemonic::kOut, exec_out);
}

}  // namespace tx86::core::interp
