// DAA DAS AAA AAS AAM AAD, and the undocumented SALC (SDM Vol. 2 pseudo-code).
// Undefined flags: DAA/DAS OF, AAA/AAS OF SF ZF PF, AAM/AAD OF AF CF. This
// model computes OF SF ZF PF from the resulting AL where the SDM leaves them
// undefined, and clears AF/CF for AAM/AAD.
#include "core/interp/handlers.h"
#include "core/interp/operands.h"

namespace tx86::core::interp {

namespace {

void exec_daa(Cpu& cpu, const DecodedInsn&) {
  CpuState& s = cpu.state;
  const uint8_t old_al = s.reg8(kAl);
  const bool old_cf = s.flag(flags::kCf);
  uint8_t al = old_al;
  bool cf = false;
  bool af = false;
  if ((al & 0x0F) > 9 || s.flag(flags::kAf)) {
    cf = old_cf || al > 0xF9;
    al = static_cast<uint8_t>(al + 6);
    af = true;
  }
  if (old_al > 0x99 || old_cf) {
    al = static_cast<uint8_t>(al + 0x60);
    cf = true;
  }
  s.set_reg8(kAl, al);
  const bool of = ((old_al ^ al) & al & 0x80) != 0;
  alu::set_status(
      s.eflags, flags::kArith,
      alu::szp(al, 1) | (cf ? flags::kCf : 0) | (af ? flags::kAf : 0) | (of ? flags::kOf : 0));
}

void exec_das(Cpu& cpu, const DecodedInsn&) {
  CpuState& s = cpu.state;
  const uint8_t old_al = s.reg8(kAl);
  const bool old_cf = s.flag(flags::kCf);
  uint8_t al = old_al;
  bool cf = false;
  bool af = false;
  if ((al & 0x0F) > 9 || s.flag(flags::kAf)) {
    cf = old_cf || al < 6;
    al = static_cast<uint8_t>(al - 6);
    af = true;
  }
  if (old_al > 0x99 || old_cf) {
    al = static_cast<uint8_t>(al - 0x60);
    cf = true;
  }
  s.set_reg8(kAl, al);
  const bool of = ((old_al ^ al) & old_al & 0x80) != 0;
  alu::set_status(
      s.eflags, flags::kArith,
      alu::szp(al, 1) | (cf ? flags::kCf : 0) | (af ? flags::kAf : 0) | (of ? flags::kOf : 0));
}

// AAA/AAS on the 386 and later adjust AX as a whole (AX +/- 0x106).
void ascii_adjust(Cpu& cpu, bool subtract) {
  CpuState& s = cpu.state;
  const bool adjust = (s.reg8(kAl) & 0x0F) > 9 || s.flag(flags::kAf);
  uint16_t ax = s.reg16(kEax);
  if (adjust) ax = static_cast<uint16_t>(subtract ? ax - 0x106 : ax + 0x106);
  ax &= 0xFF0F;
  s.set_reg16(kEax, ax);
  const uint32_t f = alu::szp(ax & 0xFF, 1) | (adjust ? (flags::kAf | flags::kCf) : 0);
  alu::set_status(s.eflags, flags::kArith, f);
}

void exec_aaa(Cpu& cpu, const DecodedInsn&) {
  ascii_adjust(cpu, false);
}
void exec_aas(Cpu& cpu, const DecodedInsn&) {
  ascii_adjust(cpu, true);
}

void exec_aam(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const uint8_t base = static_cast<uint8_t>(insn.imm);
  if (base == 0) raise_fault(vec::kDe);
  const uint8_t al = s.reg8(kAl);
  const auto result = static_cast<uint8_t>(al % base);
  s.set_reg16(kEax, static_cast<uint16_t>(((al / base) << 8) | result));
  alu::set_status(s.eflags, flags::kArith, alu::szp(result, 1));
}

void exec_aad(Cpu& cpu, const DecodedInsn& insn) {
  CpuState& s = cpu.state;
  const uint8_t base = static_cast<uint8_t>(insn.imm);
  const auto al = static_cast<uint8_t>(s.reg8(kAl) + s.reg8(kAh) * base);
  s.set_reg16(kEax, al);
  alu::set_status(s.eflags, flags::kArith, alu::szp(al, 1));
}

// SALC: AL = CF ? 0xFF : 0 (undocumented, present on every Intel part).
void exec_salc(Cpu& cpu, const DecodedInsn&) {
  cpu.state.set_reg8(kAl, cpu.state.flag(flags::kCf) ? 0xFF : 0x00);
}

}  // namespace

void register_bcd(HandlerTable& t) {
  set(t, Mnemonic::kDaa, exec_daa);
  set(t, Mnemonic::kDas, exec_das);
  set(t, Mnemonic::kAaa, exec_aaa);
  set(t, Mnemonic::kAas, exec_aas);
  set(t, Mnemonic::kAam, exec_aam);
  set(t, Mnemonic::kAad, exec_aad);
  set(t, Mnemonic::kSalc, exec_salc);
}

}  // namespace tx86::core::interp
