// IN and OUT. The I/O permission check (CPL > IOPL or virtual-8086 mode
// consults the TSS bitmap) belongs to protected mode.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

void check_io_permission(const Cpu& cpu) {
  const CpuState& s = cpu.state;
  if (!s.protected_mode()) return;
  const unsigned iopl = (s.eflags & flags::kIoplMask) >> flags::kIoplShift;
  if (s.flag(flags::kVm) || (s.seg[kCs].selector & 3u) > iopl) {
    throw Unimplemented{"I/O permission bitmap"};
  }
}

uint16_t port_of(Cpu& cpu, const DecodedInsn& insn, int i) {
  return static_cast<uint16_t>(insn.ops[i].kind == OperandKind::kImm ? insn.imm & 0xFF
                                                                     : cpu.state.reg16(kEdx));
}

void exec_in(Cpu& cpu, const DecodedInsn& insn) {
  check_io_permission(cpu);
  const unsigned size = insn.ops[0].size;
  cpu.state.set_reg(kEax, size, cpu.io.read(port_of(cpu, insn, 1), size));
}

void exec_out(Cpu& cpu, const DecodedInsn& insn) {
  check_io_permission(cpu);
  const unsigned size = insn.ops[1].size;
  cpu.io.write(port_of(cpu, insn, 0), size, cpu.state.reg(kEax, size));
}

}  // namespace

void register_io(HandlerTable& t) {
  set(t, Mnemonic::kIn, exec_in);
  set(t, Mnemonic::kOut, exec_out);
}

}  // namespace tx86::core::interp
