// Instruction trace: each executed instruction, disassembled by capstone,
// with the registers it starts from, written to the log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/cpu/cpu_state.h"

namespace tx86::core {

class Tracer {
 public:
  Tracer();
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  void trace(const CpuState& s, std::span<const uint8_t> bytes);

 private:
  size_t cs16_ = 0;  // capstone handles (csh)
  size_t cs32_ = 0;
};

}  // namespace tx86::core
