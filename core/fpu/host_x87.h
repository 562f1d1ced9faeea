// Runs an x87 instruction on the host's own x87 unit.
//
// The host CPU is an x87, so the exact results of real hardware (every
// rounding and precision mode, denormals, NaN propagation, the
// transcendental instructions, stack faults, condition codes) come from
// executing the guest's instruction there: load the guest's whole FPU state
// with FRSTOR, run the same opcode and ModRM, save with FNSAVE. Memory
// operands live in a host buffer the caller fills before and copies to
// guest memory after, so guest faults and ordering stay the caller's.
//
// The host never sees an unmasked exception pending when a waiting
// instruction starts (that would be a host SIGFPE): the caller reports
// pending exceptions to the guest first, and flags it chose to ignore
// (FERR with IGNNE) are held out of the host's copy and merged back.
#pragma once

#include <cstdint>

#include "core/fpu/fpu_state.h"

namespace tx86::core {

// Executes escape byte `esc` (D8-DF) with `modrm` on `f`. A register form
// when modrm >= 0xC0; otherwise a memory form whose operand is `mem` (at
// least 10 bytes; the ModRM's mod and r/m bits are ignored). `ah_flags`
// holds SF ZF AF PF CF in LAHF layout: read by FCMOVcc, written by FCOMI.
// The caller has checked that the form is a valid one.
void run_on_host_x87(FpuState& f, uint8_t esc, uint8_t modrm, uint8_t* mem, uint8_t& ah_flags);

// Translated code may run x87 instructions natively with the guest's state
// loaded in the host's x87 across many instructions and blocks. That is
// allowed only when nothing can become pending on the host (every
// exception masked) and no x87 instruction must trap (CR0.EM and TS
// clear): load_into_host_x87 checks that and loads (FRSTOR), or returns
// false. save_from_host_x87 stores the host's state back (FNSAVE, which
// empties the host's x87 again); the last-instruction pointers are the
// guest's, kept in `f` by the translated code, not the host's.
bool load_into_host_x87(const FpuState& f, uint32_t cr0);
void save_from_host_x87(FpuState& f);

// EMMS on the host: what it does besides emptying the tags (TOP, on the
// parts this was checked on) is the host's.
void run_emms_on_host(FpuState& f);

}  // namespace tx86::core
