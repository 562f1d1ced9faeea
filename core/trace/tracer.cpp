#include "core/trace/tracer.h"

#include <capstone/capstone.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace tx86::core {

Tracer::Tracer() {
  csh h16 = 0;
  csh h32 = 0;
  if (cs_open(CS_ARCH_X86, CS_MODE_16, &h16) != CS_ERR_OK ||
      cs_open(CS_ARCH_X86, CS_MODE_32, &h32) != CS_ERR_OK) {
    throw std::runtime_error("capstone: cannot open an x86 disassembler");
  }
  cs16_ = h16;
  cs32_ = h32;
}

Tracer::~Tracer() {
  csh h16 = cs16_;
  csh h32 = cs32_;
  cs_close(&h16);
  cs_close(&h32);
}

std::string Tracer::disassemble(std::span<const uint8_t> bytes, bool code32, uint32_t eip) const {
  size_t length = 0;
  return disassemble_one(bytes, code32, eip, length);
}

std::string Tracer::disassemble_one(std::span<const uint8_t> bytes, bool code32, uint32_t eip,
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

void Tracer::trace(const CpuState& s, std::span<const uint8_t> bytes) {
  if (!started_) {
    if (s.seg[kCs].base + s.eip != from_) return;
    started_ = true;
  }
  if (left_) {
    if (*left_ == 0) return;
    --*left_;
  }
  size_t length = 0;
  const std::string text = disassemble_one(bytes, s.code32(), s.eip, length);

  std::string hex;
  for (size_t i = 0; i < length; ++i) hex += fmt::format("{:02X}", bytes[i]);
  spdlog::info(
      "trace {:04X}:{:08X} {:<20} {:<32} EAX={:08X} EBX={:08X} ECX={:08X} EDX={:08X} "
      "ESI={:08X} EDI={:08X} EBP={:08X} ESP={:08X} EFL={:08X} DS={:04X} ES={:04X} SS={:04X}",
      s.seg[kCs].selector, s.eip, hex, text, s.gpr[kEax], s.gpr[kEbx], s.gpr[kEcx], s.gpr[kEdx],
      s.gpr[kEsi], s.gpr[kEdi], s.gpr[kEbp], s.gpr[kEsp], s.eflags, s.seg[kDs].selector,
      s.seg[kEs].selector, s.seg[kSs].selector);
  if (left_ && *left_ == 0) spdlog::info("trace: that was the last of --trace-count");
}

}  // namespace tx86::core
