// Writes to CR0, CR3, CR4 and EFLAGS, with the TLB flushes they imply.
#include "core/cpu/cpu.h"

namespace tx86::core {

namespace {
// CR0 bits this CPU implements; ET is hardwired to 1 (an integrated FPU
// interface, as on every Pentium).
constexpr uint32_t kCr0Bits = cr0::kPe | cr0::kMp | cr0::kEm | cr0::kTs | cr0::kEt | cr0::kNe |
                              cr0::kWp | cr0::kAm | cr0::kNw | cr0::kCd | cr0::kPg;
constexpr uint32_t kCr4Bits = cr4::kTsd | cr4::kPse | cr4::kPge | cr4::kPce;
}  // namespace

void Cpu::write_cr0(uint32_t value) {
  // SDM "MOV to/from control registers": PG without PE, or NW without CD.
  if ((value & cr0::kPg) && !(value & cr0::kPe)) raise_fault(vec::kGp, 0);
  if ((value & cr0::kNw) && !(value & cr0::kCd)) raise_fault(vec::kGp, 0);
  value = (value & kCr0Bits) | cr0::kEt;
  const uint32_t changed = value ^ state.cr0;
  state.cr0 = value;
  if (changed & (cr0::kPg | cr0::kWp | cr0::kPe)) mmu.flush_all();
}

void Cpu::write_cr3(uint32_t value) {
  state.cr3 = value & 0xFFFFF018u;  // page directory base, PCD, PWT
  mmu.flush_non_global();
}

void Cpu::write_cr4(uint32_t value) {
  if (value & ~kCr4Bits) raise_fault(vec::kGp, 0);
  const uint32_t changed = value ^ state.cr4;
  state.cr4 = value;
  if (changed & (cr4::kPse | cr4::kPge)) mmu.flush_all();
}

void Cpu::write_eflags(uint32_t value, uint32_t mask) {
  constexpr uint32_t kDefined = flags::kArith | flags::kTf | flags::kIf | flags::kDf |
                                flags::kIoplMask | flags::kNt | flags::kRf | flags::kVm |
                                flags::kAc | flags::kVif | flags::kVip | flags::kId;
  mask &= kDefined;
  state.eflags = ((state.eflags & ~mask) | (value & mask)) | flags::kReserved1;
}

}  // namespace tx86::core
