#include "core/trace/disassembler.h"

#include <capstone/capstone.h>

#include <stdexcept>

namespace tx86::core {

Disassembler::Disassembler() {
  csh h16 = 0;
  csh h32 = 0;
  if (cs_open(CS_ARCH_X86, CS_MODE_16, &h16) != CS_ERR_OK ||
      cs_open(CS_ARCH_X86, CS_MODE_32, &h32) != CS_ERR_OK) {
    throw std::runtime_error("capstone: cannot open an x86 disassembler");
  }
  cs16_ = h16;
  cs32_ = h32;
}

Disassembler::~Disassembler() {
  csh h16 = cs16_;
  csh h32 = cs32_;
  cs_close(&h16);
  cs_close(&h32);
}

std::string Disassembler::one(std::span<const uint8_t> bytes, bool code32, uint32_t eip,
                              size_t& length) const {
  const csh handle = code32 ? cs32_ : cs16_;
  cs_insn* insn = nullptr;
  const size_t n = cs_disasm(handle, bytes.data(), bytes.size(), eip, 1, &insn);
  std::string text = "(bad)";
  length = bytes.empty() ? 0 : 1;
  if (n == 1) {
    text = std::string(insn[0].mnemonic) + (insn[0].op_str[0] ? " " : "") + insn[0].op_str;
    length = insn[0].size;
  }
  if (insn != nullptr) cs_free(insn, n);
  return text;
}

}  // namespace tx86::core
