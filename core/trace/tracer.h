// Instruction trace: each executed instruction, disassembled by capstone,
// with the registers it starts from, written to the log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/cpu/cpu_state.h"

namespace tx86::core {

class Tracer {
 public:
  Tracer();
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  void trace(const CpuState& s, std::span<const uint8_t> bytes);
  // The first instruction in bytes, as text ("(bad)" when undecodable).
  std::string disassemble(std::span<const uint8_t> bytes, bool code32, uint32_t eip) const;

 private:
  std::string disassemble_one(std::span<const uint8_t> bytes, bool code32, uint32_t eip,
                              size_t& length) const;

  size_t cs16_ = 0;  // capstone handles (csh)
  size_t cs32_ = 0;
};

}  // namespace tx86::core
