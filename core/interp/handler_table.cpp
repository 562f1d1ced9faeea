#include "core/interp/handlers.h"

namespace tx86::core::interp {

namespace {
HandlerTable build() {
  HandlerTable t{};
  register_arith(t);
  register_bcd(t);
  register_bits(t);
  register_control(t);
  register_data(t);
  register_flag_ops(t);
  register_io(t);
  register_mmx(t);
  register_muldiv(t);
  register_shift(t);
  register_stack(t);
  register_string(t);
  register_protection(t);
  register_system_regs(t);
  register_system(t);
  register_x87(t);
  return t;
}
}  // namespace

const HandlerTable& handler_table() {
  static const HandlerTable table = build();
  return table;
}

}  // namespace tx86::core::interp
