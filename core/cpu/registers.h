// Register numbering shared by the decoder, the CPU state and the engines.
// The numbers are the x86 encodings, so a ModRM field indexes them directly.
#pragma once

#include <cstdint>

namespace tx86::core {

enum Gpr : uint8_t { kEax, kEcx, kEdx, kEbx, kEsp, kEbp, kEsi, kEdi };

// 8-bit register encodings: 0-3 are the low bytes of EAX..EBX, 4-7 the high
// bytes (AH CH DH BH) of the same four registers.
enum Gpr8 : uint8_t { kAl, kCl, kDl, kBl, kAh, kCh, kDh, kBh };

enum SegReg : uint8_t { kEs, kCs, kSs, kDs, kFs, kGs };
inline constexpr int kSegCount = 6;

inline constexpr uint8_t kNoReg = 0xFF;

// EFLAGS bits (SDM Vol. 1, 3.4.3).
namespace flags {
inline constexpr uint32_t kCf = 1u << 0;
inline constexpr uint32_t kReserved1 = 1u << 1;  // always reads as 1
inline constexpr uint32_t kPf = 1u << 2;
inline constexpr uint32_t kAf = 1u << 4;
inline constexpr uint32_t kZf = 1u << 6;
inline constexpr uint32_t kSf = 1u << 7;
inline constexpr uint32_t kTf = 1u << 8;
inline constexpr uint32_t kIf = 1u << 9;
inline constexpr uint32_t kDf = 1u << 10;
inline constexpr uint32_t kOf = 1u << 11;
inline constexpr uint32_t kIoplMask = 3u << 12;
inline constexpr int kIoplShift = 12;
inline constexpr uint32_t kNt = 1u << 14;
inline constexpr uint32_t kRf = 1u << 16;
inline constexpr uint32_t kVm = 1u << 17;
inline constexpr uint32_t kAc = 1u << 18;
inline constexpr uint32_t kVif = 1u << 19;
inline constexpr uint32_t kVip = 1u << 20;
inline constexpr uint32_t kId = 1u << 21;
// The six arithmetic status flags.
inline constexpr uint32_t kArith = kCf | kPf | kAf | kZf | kSf | kOf;
}  // namespace flags

namespace cr0 {
inline constexpr uint32_t kPe = 1u << 0;
inline constexpr uint32_t kMp = 1u << 1;
inline constexpr uint32_t kEm = 1u << 2;
inline constexpr uint32_t kTs = 1u << 3;
inline constexpr uint32_t kEt = 1u << 4;
inline constexpr uint32_t kNe = 1u << 5;
inline constexpr uint32_t kWp = 1u << 16;
inline constexpr uint32_t kAm = 1u << 18;
inline constexpr uint32_t kNw = 1u << 29;
inline constexpr uint32_t kCd = 1u << 30;
inline constexpr uint32_t kPg = 1u << 31;
}  // namespace cr0

}  // namespace tx86::core
