// x86 disassembly by capstone, in 16- or 32-bit code, for the instruction
// trace and the monitor's `x /i`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tx86::core {

class Disassembler {
 public:
  Disassembler();
  ~Disassembler();
  Disassembler(const Disassembler&) = delete;
  Disassembler& operator=(const Disassembler&) = delete;

  // The first instruction in `bytes`, at address `eip`, as text ("(bad)"
  // when it does not decode); `length` is its length (1 for "(bad)", 0 for
  // no bytes).
  std::string one(std::span<const uint8_t> bytes, bool code32, uint32_t eip, size_t& length) const;

 private:
  size_t cs16_ = 0;  // capstone handles (csh)
  size_t cs32_ = 0;
};

}  // namespace tx86::core
