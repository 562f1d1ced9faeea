#include "core/trace/tracer.h"

#include <spdlog/spdlog.h>

#include <string>

namespace tx86::core {

std::string Tracer::disassemble(std::span<const uint8_t> bytes, bool code32, uint32_t eip) const {
  size_t length = 0;
  return disassembler_.one(bytes, code32, eip, length);
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
  const std::string text = disassembler_.one(bytes, s.code32(), s.eip, length);

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
