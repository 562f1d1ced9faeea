#include <stdexcept>

#include "core/cpu/cpu.h"

namespace tx86::core {

void Cpu::save_state(StateWriter& w) const {
  if (pending_fault || state.lazy_flags != 0 || state.fpu_live != 0) {
    throw std::logic_error("CPU state saved in the middle of an instruction");
  }
  w.begin("cpu", 1);
  // The state without what points into this process or belongs to the
  // engine that ran it.
  CpuState s = state;
  s.owner = nullptr;
  s.tlb[0] = s.tlb[1] = nullptr;
  s.ram_window = 0;
  s.icount_limit = 0;
  s.code_modified = 0;
  s.jit_fs_gs = 0;
  w.pod(s);
  w.i64(tsc_offset_);
  w.boolean(shutdown_);
  w.boolean(ignne_);
  w.end();
}

void Cpu::load_state(StateReader& r) {
  r.begin("cpu", 1);
  CpuState s{};
  r.pod(s);
  s.owner = state.owner;
  s.tlb[0] = state.tlb[0];
  s.tlb[1] = state.tlb[1];
  state = s;
  tsc_offset_ = r.i64();
  shutdown_ = r.boolean();
  ignne_ = r.boolean();
  r.end();
  pending_fault.reset();
  // Whatever the TLB held was for the state before.
  mmu.flush_all();
}

}  // namespace tx86::core
