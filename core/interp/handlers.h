// The interpreter's dispatch table: one handler per mnemonic. Each handler
// file registers its instructions; a mnemonic without a handler stops the
// machine as unimplemented rather than pretending to run.
#pragma once

#include <array>

#include "core/cpu/cpu.h"
#include "core/decoder/decoded_insn.h"

namespace tx86::core::interp {

using Handler = void (*)(Cpu& cpu, const DecodedInsn& insn);
using HandlerTable = std::array<Handler, static_cast<size_t>(Mnemonic::kCount)>;

inline void set(HandlerTable& t, Mnemonic m, Handler h) {
  t[static_cast<size_t>(m)] = h;
}

void register_arith(HandlerTable& t);
void register_bcd(HandlerTable& t);
void register_bits(HandlerTable& t);
void register_control(HandlerTable& t);
void register_data(HandlerTable& t);
void register_flag_ops(HandlerTable& t);
void register_io(HandlerTable& t);
void register_mmx(HandlerTable& t);
void register_muldiv(HandlerTable& t);
void register_shift(HandlerTable& t);
void register_stack(HandlerTable& t);
void register_string(HandlerTable& t);
void register_protection(HandlerTable& t);
void register_system_regs(HandlerTable& t);
void register_system(HandlerTable& t);
void register_x87(HandlerTable& t);

const HandlerTable& handler_table();

}  // namespace tx86::core::interp
