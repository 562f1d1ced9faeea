// Guest exceptions raised while executing an instruction.
//
// Instruction semantics throw GuestFault; the engine's step loop catches it,
// rolls EIP back to the faulting instruction and delivers the exception. A
// C++ exception keeps every handler free of error plumbing; JIT helpers
// catch it before returning to generated code, so it never unwinds through
// JIT frames.
#pragma once

#include <cstdint>
#include <string>

namespace tx86::core {

namespace vec {
inline constexpr uint8_t kDe = 0;  // divide error
inline constexpr uint8_t kDb = 1;  // debug
inline constexpr uint8_t kNmi = 2;
inline constexpr uint8_t kBp = 3;   // INT3
inline constexpr uint8_t kOf = 4;   // INTO
inline constexpr uint8_t kBr = 5;   // BOUND range exceeded
inline constexpr uint8_t kUd = 6;   // invalid opcode
inline constexpr uint8_t kNm = 7;   // device not available
inline constexpr uint8_t kDf = 8;   // double fault
inline constexpr uint8_t kTs = 10;  // invalid TSS
inline constexpr uint8_t kNp = 11;  // segment not present
inline constexpr uint8_t kSs = 12;  // stack fault
inline constexpr uint8_t kGp = 13;  // general protection
inline constexpr uint8_t kPf = 14;  // page fault
inline constexpr uint8_t kMf = 16;  // x87 error
inline constexpr uint8_t kAc = 17;  // alignment check
// Not a vector: an x87 instruction found an error to report through FERR#
// (CR0.NE clear) and waits, as a halted CPU, for the interrupt it raised.
inline constexpr uint8_t kFpuFreeze = 0xFF;
}  // namespace vec

struct GuestFault {
  uint8_t vector;
  bool has_error_code;
  uint32_t error_code;
};

[[noreturn]] inline void raise_fault(uint8_t vector) {
  throw GuestFault{vector, false, 0};
}
[[noreturn]] inline void raise_fault(uint8_t vector, uint32_t error_code) {
  throw GuestFault{vector, true, error_code};
}

// Thrown when the guest uses something tx86 does not implement yet. It
// stops the machine with a message; it is never shown to the guest.
struct Unimplemented {
  std::string what;
};

}  // namespace tx86::core
