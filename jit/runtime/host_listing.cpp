#include "jit/runtime/host_listing.h"

#include <capstone/capstone.h>
#include <fmt/format.h>

#include <stdexcept>

namespace tx86::jit {

HostListing::HostListing() {
  csh h = 0;
  if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
    throw std::runtime_error("capstone: cannot open an x86-64 disassembler");
  }
  // Stubs follow the block's main path; data never sits among the code, but
  // a byte capstone cannot read must not end the listing.
  cs_option(h, CS_OPT_SKIPDATA, CS_OPT_ON);
  handle_ = h;
}

HostListing::~HostListing() {
  csh h = handle_;
  cs_close(&h);
}

std::string HostListing::list(std::span<const uint8_t> code, uint64_t arena_offset) const {
  cs_insn* insn = nullptr;
  const size_t n = cs_disasm(handle_, code.data(), code.size(), arena_offset, 0, &insn);
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    std::string hex;
    for (unsigned b = 0; b < insn[i].size; ++b) hex += fmt::format("{:02x}", insn[i].bytes[b]);
    text += fmt::format("  {:#7x}  {:<22} {} {}\n", insn[i].address, hex, insn[i].mnemonic,
                        insn[i].op_str);
  }
  if (insn != nullptr) cs_free(insn, n);
  return text;
}

}  // namespace tx86::jit
