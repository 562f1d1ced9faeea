// How translated code sits in the host: registers with a fixed role, the
// stack frame the entry trampoline builds, and CpuState field offsets.
//
//   r15        CpuState* (pinned for the whole run of chained blocks)
//   r10, r11   scratch for the emitter, never allocated to IR values
//   r14        the guest's retired-instruction count (CpuState::icount)
//              while translated code runs: the trampoline loads it, the
//              epilogue stores it, calls that may read it get it stored
//              first (kIcount); never allocated to IR values
//   others     allocated to IR values (reg_alloc.h)
//
// The trampoline saves the callee-saved registers, reserves kSpillSlots
// 8-byte slots at [rsp] and keeps rsp 16-byte aligned, so generated code
// may call C++ helpers directly.
#pragma once

#include <asmjit/x86.h>

#include <cstddef>
#include <cstdint>

#include "core/cpu/cpu_state.h"

namespace tx86::jit::x64 {

namespace x86 = asmjit::x86;

inline const x86::Gp kState = x86::r15;
inline const x86::Gp kScratch0 = x86::r10;
inline const x86::Gp kScratch1 = x86::r11;
inline const x86::Gp kIcount = x86::r14;

inline constexpr int kSpillSlots = 64;
// They hold the register allocator's spills.
inline constexpr int kValueSlots = kSpillSlots;
// 6 pushes + return address leave rsp at 8 mod 16; the frame restores 16.
inline constexpr int kFrameBytes = kSpillSlots * 8 + 8;

inline x86::Mem spill_slot(int slot) {
  return x86::qword_ptr(x86::rsp, slot * 8);
}

inline constexpr int32_t kOffGpr = static_cast<int32_t>(offsetof(core::CpuState, gpr));
inline constexpr int32_t kOffEip = static_cast<int32_t>(offsetof(core::CpuState, eip));
inline constexpr int32_t kOffEflags = static_cast<int32_t>(offsetof(core::CpuState, eflags));
inline constexpr int32_t kOffLazyFlags = static_cast<int32_t>(offsetof(core::CpuState, lazy_flags));
inline constexpr int32_t kOffSeg = static_cast<int32_t>(offsetof(core::CpuState, seg));
inline constexpr int32_t kOffIcount = static_cast<int32_t>(offsetof(core::CpuState, icount));
inline constexpr int32_t kOffIcountLimit =
    static_cast<int32_t>(offsetof(core::CpuState, icount_limit));
inline constexpr int32_t kOffRamWindow = static_cast<int32_t>(offsetof(core::CpuState, ram_window));
inline constexpr int32_t kOffJitFsGs = static_cast<int32_t>(offsetof(core::CpuState, jit_fs_gs));
inline constexpr int32_t kOffCodeModified =
    static_cast<int32_t>(offsetof(core::CpuState, code_modified));
inline constexpr int32_t kSegSize = static_cast<int32_t>(sizeof(core::SegmentCache));
inline constexpr int32_t kOffSegBase = static_cast<int32_t>(offsetof(core::SegmentCache, base));
inline constexpr int32_t kOffSegLimit = static_cast<int32_t>(offsetof(core::SegmentCache, limit));

// Guest registers that live in callee-saved host registers while
// translated code runs: the trampoline loads them from CpuState, the
// epilogue stores them back, helper calls keep them, and a call into the
// interpreter stores them before and reloads them after. The register
// allocator hands out the other callee-saved registers only.
struct PinnedGpr {
  uint8_t guest;  // core::Gpr
  uint8_t host;   // host register id
};
inline constexpr PinnedGpr kPinned[] = {
    {core::kEsp, 3}, {core::kEax, 5}, {core::kEcx, 12}, {core::kEdx, 13}};  // rbx rbp r12 r13

// The host register holding guest register r, or -1: r is in CpuState.
constexpr int pinned_host(unsigned r) {
  for (const PinnedGpr& p : kPinned) {
    if (p.guest == r) return p.host;
  }
  return -1;
}
constexpr bool is_pinned_host(int host) {
  for (const PinnedGpr& p : kPinned) {
    if (p.host == host) return true;
  }
  return false;
}
inline x86::Gp pinned_reg(unsigned r) {
  return x86::Gp::fromTypeAndId(asmjit::RegType::kX86_Gpd, static_cast<uint32_t>(pinned_host(r)));
}

inline x86::Mem gpr_mem(unsigned r) {
  return x86::dword_ptr(kState, kOffGpr + 4 * static_cast<int32_t>(r));
}
inline x86::Mem state_dword(int32_t off) {
  return x86::dword_ptr(kState, off);
}
inline x86::Mem state_qword(int32_t off) {
  return x86::qword_ptr(kState, off);
}

// The entry trampoline: enter(state, code) runs translated code and returns
// the exit status in rax and, for kLink, the address of the jump to patch
// in rdx.
struct ExitValue {
  uint64_t status;
  uint64_t link_slot;
};
using EntryFn = ExitValue (*)(core::CpuState* state, const void* code);

}  // namespace tx86::jit::x64
