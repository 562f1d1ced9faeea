// libFuzzer target: the decoder on arbitrary bytes, in 16- and 32-bit code.
// Whatever the bytes, decode() must not crash or read past them, and what
// it says about an instruction must hold together: a length within the
// bytes given (and at most 15), the same answer from exactly those bytes,
// and the same answer twice (the decode cache relies on both).
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "core/decoder/decoder.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool same(const tx86::core::DecodedInsn& a, const tx86::core::DecodedInsn& b) {
  return a.length == b.length && a.mnemonic == b.mnemonic && a.opcode == b.opcode &&
         a.map == b.map && a.attrs == b.attrs && a.opsize == b.opsize && a.addrsize == b.addrsize &&
         a.prefixes == b.prefixes && a.modrm == b.modrm && a.imm == b.imm && a.imm2 == b.imm2;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tx86::core::DecodeStatus;
  if (size < 1) return 0;
  const bool code32 = (data[0] & 1) != 0;
  // A copy of exactly the bytes given, so that ASan sees a read past them.
  const std::vector<uint8_t> bytes(data + 1, data + size);
  tx86::core::DecodedInsn first;
  const DecodeStatus st = tx86::core::decode(bytes, code32, first);
  tx86::core::DecodedInsn again;
  check(tx86::core::decode(bytes, code32, again) == st);
  if (st != DecodeStatus::kOk) return 0;
  check(same(first, again));
  check(first.length >= 1 && first.length <= 15 && first.length <= bytes.size());
  const std::vector<uint8_t> exact(bytes.begin(), bytes.begin() + first.length);
  tx86::core::DecodedInsn trimmed;
  check(tx86::core::decode(exact, code32, trimmed) == DecodeStatus::kOk);
  check(same(first, trimmed));
  return 0;
}
