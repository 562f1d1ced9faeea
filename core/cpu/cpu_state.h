// The architectural state of the guest CPU: everything an instruction can
// read or write, in one plain struct. Engines keep it current at
// instruction (interpreter) or block (JIT) boundaries; generated code
// addresses it through one pinned host register.
#pragma once

#include <cstdint>

#include "core/cpu/registers.h"
#include "core/fpu/fpu_state.h"

namespace tx86::core {

// A segment register's hidden part, loaded from a descriptor in protected
// mode or from selector * 16 in real and virtual-8086 mode. It keeps its
// value across mode switches, which is what makes "unreal mode" work.
struct SegmentCache {
  uint16_t selector = 0;
  uint32_t base = 0;
  uint32_t limit = 0xFFFF;  // byte granular, already expanded
  // Descriptor access rights: bits 0-7 = type, S, DPL, P (descriptor byte 5);
  // bits 12-15 = AVL, L, D/B, G (the high nibble of byte 6).
  uint16_t attrs = 0;
};

namespace seg_attr {
inline constexpr uint16_t kAccessed = 1u << 0;
inline constexpr uint16_t kWritable = 1u << 1;    // data; readable for code
inline constexpr uint16_t kExpandDown = 1u << 2;  // data; conforming for code
inline constexpr uint16_t kCode = 1u << 3;
inline constexpr uint16_t kS = 1u << 4;  // code or data (not system)
inline constexpr int kDplShift = 5;
inline constexpr uint16_t kPresent = 1u << 7;
inline constexpr uint16_t kDefaultBig = 1u << 14;  // D/B
inline constexpr uint16_t kGranularity = 1u << 15;
// What real mode and reset give every segment: present, accessed, writable data.
inline constexpr uint16_t kRealModeData = kPresent | kS | kWritable | kAccessed;
}  // namespace seg_attr

struct DescriptorTableReg {
  uint32_t base = 0;
  uint16_t limit = 0xFFFF;
};

struct CpuState {
  uint32_t gpr[8] = {};
  uint32_t eip = 0;
  uint32_t eflags = flags::kReserved1;
  SegmentCache seg[kSegCount];
  SegmentCache ldtr;
  SegmentCache tr;
  DescriptorTableReg gdtr;
  DescriptorTableReg idtr;
  uint32_t cr0 = 0;
  uint32_t cr2 = 0;
  uint32_t cr3 = 0;
  uint32_t cr4 = 0;
  uint32_t dr[8] = {};

  uint64_t icount = 0;  // retired instructions since power-on
  // Translated code runs until icount would pass this (the engine's budget).
  uint64_t icount_limit = 0;
  // The Cpu this state belongs to, for helpers that generated code calls
  // with a CpuState* (see core/cpu/cpu.h), and the MMU's TLBs
  // (supervisor, user) for generated code's inline lookups.
  void* owner = nullptr;
  const void* tlb[2] = {nullptr, nullptr};
  // Translated code's direct RAM reads without paging (Mmu::ram_window):
  // a read at linear address 1 MiB + x, x below this, reads guest RAM at
  // that offset. 0 while paging is on, A20 is off, or the MMU has not
  // filled a TLB entry since its last flush.
  uint64_t ram_window = 0;
  // Nonzero while translated code holds the status flags of the last flag
  // write of a block in the raw form it captured them in
  // (jit/runtime/lazy_flags.h): then EFLAGS' status bits are there, not in
  // `eflags`. Only translated code sees it nonzero: whatever leaves it for
  // C++ merges them first.
  uint32_t lazy_flags = 0;
  // Set when a store rewrote translated code: translated code leaves at the
  // end of the storing instruction.
  uint8_t code_modified = 0;
  // The FS and GS bits of the mode the dispatcher last entered translated
  // code in (jit/runtime/block_mode.h): blocks that use those segments
  // check it on entry, since blocks that do not are shared between them.
  uint8_t jit_fs_gs = 0;
  // Translated code keeps the x87 state in the host's x87 between x87
  // instructions (jit/backend/x64/emit_x87.cpp); `fpu` is stale while this
  // is set, and whatever reads or writes `fpu` syncs it first
  // (save_from_host_x87).
  uint8_t fpu_live = 0;
  bool halted = false;
  // STI, MOV SS and POP SS hold off interrupts until after the next
  // instruction; MOV SS and POP SS hold off debug traps as well.
  bool interrupt_shadow = false;
  bool debug_shadow = false;
  // DR6 status bits of a #DB trap to raise when the current instruction
  // completes (single step, data breakpoints, the TSS T bit).
  uint32_t debug_trap = 0;
  FpuState fpu;

  bool protected_mode() const { return (cr0 & cr0::kPe) != 0; }
  bool code32() const { return (seg[kCs].attrs & seg_attr::kDefaultBig) != 0; }
  bool stack32() const { return (seg[kSs].attrs & seg_attr::kDefaultBig) != 0; }

  uint8_t reg8(uint8_t r) const {
    return r < 4 ? static_cast<uint8_t>(gpr[r]) : static_cast<uint8_t>(gpr[r - 4] >> 8);
  }
  void set_reg8(uint8_t r, uint8_t v) {
    if (r < 4) {
      gpr[r] = (gpr[r] & ~0xFFu) | v;
    } else {
      gpr[r - 4] = (gpr[r - 4] & ~0xFF00u) | (uint32_t{v} << 8);
    }
  }
  uint16_t reg16(uint8_t r) const { return static_cast<uint16_t>(gpr[r]); }
  void set_reg16(uint8_t r, uint16_t v) { gpr[r] = (gpr[r] & 0xFFFF0000u) | v; }
  // Reads or writes a register of 1, 2 or 4 bytes; 8-bit numbering for size 1.
  uint32_t reg(uint8_t r, unsigned size) const {
    return size == 1 ? reg8(r) : size == 2 ? reg16(r) : gpr[r];
  }
  void set_reg(uint8_t r, unsigned size, uint32_t v) {
    if (size == 1) {
      set_reg8(r, static_cast<uint8_t>(v));
    } else if (size == 2) {
      set_reg16(r, static_cast<uint16_t>(v));
    } else {
      gpr[r] = v;
    }
  }

  bool flag(uint32_t f) const { return (eflags & f) != 0; }
  void set_flag(uint32_t f, bool on) { eflags = on ? (eflags | f) : (eflags & ~f); }
};

// Power-on / RESET state (SDM Vol. 3, 9.1.1, Table 9-1). cpu_signature goes
// to EDX (family/model/stepping, as CPUID leaf 1 reports it).
void reset_cpu_state(CpuState& s, uint32_t cpu_signature);

}  // namespace tx86::core
