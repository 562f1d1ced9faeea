// Instruction trace: each executed instruction, disassembled by capstone,
// with the registers it starts from, written to the log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/cpu/cpu_state.h"
#include "core/trace/disassembler.h"

namespace tx86::core {

class Tracer {
 public:
  // Logs the instruction in `bytes` at CS:EIP, when it is inside the
  // window (set_window).
  void trace(const CpuState& s, std::span<const uint8_t> bytes);
  // Traces from the first instruction at linear address `from` (nullopt:
  // from the start), `count` instructions (nullopt: to the end).
  void set_window(std::optional<uint32_t> from, std::optional<uint64_t> count) {
    started_ = !from.has_value();
    from_ = from.value_or(0);
    left_ = count;
  }
  // The first instruction in bytes, as text ("(bad)" when undecodable).
  std::string disassemble(std::span<const uint8_t> bytes, bool code32, uint32_t eip) const;

 private:
  Disassembler disassembler_;
  bool started_ = true;
  uint32_t from_ = 0;
  std::optional<uint64_t> left_;  // instructions still to trace
};

}  // namespace tx86::core
