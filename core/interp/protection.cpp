// Protection queries and adjustments: LAR LSL VERR VERW ARPL (SDM Vol. 2).
// All are protected-mode only (#UD in real and virtual-8086 mode) and report
// through ZF rather than faulting on a bad selector.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

void require_protected_mode(const Cpu& cpu) {
  if (!cpu.state.protected_mode() || cpu.state.flag(flags::kVm)) raise_fault(vec::kUd);
}

// Fetches the descriptor of a selector for LAR/LSL/VERR/VERW, applying the
// visibility rule: conforming code is always visible, everything else needs
// DPL >= CPL and DPL >= RPL. nullopt-like false when not accessible.
bool visible_descriptor(Cpu& cpu, uint16_t sel, Descriptor& d) {
  if ((sel & 0xFFFC) == 0) return false;
  if (!cpu.fetch_descriptor(sel, d)) return false;
  if (d.conforming()) return true;
  return d.dpl() >= cpu.cpl() && d.dpl() >= (sel & 3u);
}

void set_zf(Cpu& cpu, bool on) {
  cpu.state.set_flag(flags::kZf, on);
}

void exec_lar(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  const auto sel = static_cast<uint16_t>(read_operand(cpu, insn, 1));
  Descriptor d;
  bool ok = visible_descriptor(cpu, sel, d);
  if (ok && d.is_system()) {
    // Interrupt and trap gates and reserved types have no access rights to load.
    static constexpr bool kValid[16] = {false, true, true,  true, true, true,  false, false,
                                        false, true, false, true, true, false, false, false};
    ok = kValid[d.type()];
  }
  set_zf(cpu, ok);
  if (ok) write_operand(cpu, insn, 0, d.hi & 0x00F0FF00u);
}

void exec_lsl(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  const auto sel = static_cast<uint16_t>(read_operand(cpu, insn, 1));
  Descriptor d;
  bool ok = visible_descriptor(cpu, sel, d);
  if (ok && d.is_system()) {
    const uint8_t t = d.type();  // TSSs and LDTs have limits; gates do not
    ok = t == 1 || t == 2 || t == 3 || t == 9 || t == 11;
  }
  set_zf(cpu, ok);
  if (ok) write_operand(cpu, insn, 0, d.limit());
}

void verify(Cpu& cpu, const DecodedInsn& insn, bool write) {
  require_protected_mode(cpu);
  const auto sel = static_cast<uint16_t>(read_operand(cpu, insn, 0));
  Descriptor d;
  bool ok = visible_descriptor(cpu, sel, d) && !d.is_system();
  if (ok) ok = write ? (d.is_data() && d.rw()) : (d.is_data() || d.rw());
  set_zf(cpu, ok);
}

void exec_verr(Cpu& cpu, const DecodedInsn& insn) {
  verify(cpu, insn, false);
}
void exec_verw(Cpu& cpu, const DecodedInsn& insn) {
  verify(cpu, insn, true);
}

void exec_arpl(Cpu& cpu, const DecodedInsn& insn) {
  require_protected_mode(cpu);
  const uint32_t dest = read_operand(cpu, insn, 0);
  const uint32_t src = read_operand(cpu, insn, 1);
  if ((dest & 3u) < (src & 3u)) {
    write_operand(cpu, insn, 0, (dest & ~3u) | (src & 3u));
    set_zf(cpu, true);
  } else {
    set_zf(cpu, false);
  }
}

}  // namespace

void register_protection(HandlerTable& t) {
  set(t, Mnemonic::kLar, exec_lar);
  set(t, Mnemonic::kLsl, exec_lsl);
  set(t, Mnemonic::kVerr, exec_verr);
  set(t, Mnemonic::kVerw, exec_verw);
  set(t, Mnemonic::kArpl, exec_arpl);
}

}  // namespace tx86::core::interp
