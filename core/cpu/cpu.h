// The guest CPU: its architectural state plus the machinery every engine
// shares — segmented and linear memory access, the stack, segment and
// descriptor-table loads, far transfers through gates, task switches, and
// exception and interrupt delivery in real, protected and virtual-8086
// mode. Instruction semantics live in core/interp; this class holds what
// they are built from, so the JIT's helpers can use the same code.
//
// Protected-mode rules follow the SDM Vol. 3 pseudo-code of each
// instruction; each file names the section it implements.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "core/cpu/cpu_state.h"
#include "core/cpu/debug_points.h"
#include "core/cpu/descriptors.h"
#include "core/cpu/guest_fault.h"
#include "core/io/io_bus.h"
#include "core/irq/interrupt_source.h"
#include "core/mem/memory_bus.h"
#include "core/mem/mmu.h"
#include "core/state/state_stream.h"

namespace tx86::core {

// CPUID leaf 1 EAX and EDX at reset: family 5, model 4, stepping 3.
inline constexpr uint32_t kCpuSignature = 0x00000543;

// Where a far transfer or task switch comes from; the rules differ.
enum class Transfer : uint8_t { kJmp, kCall, kIret, kInterrupt };

// What kind of event is being delivered through the IVT/IDT.
enum class EventKind : uint8_t {
  kException,  // EXT = 1 in error codes raised while delivering it
  kSoftware,   // INT n, INT3, INTO: gate DPL checked against CPL
  kIcebp,      // INT1 (F1): no DPL check
  kExternal,   // INTR: EXT = 1
};

class Cpu {
 public:
  Cpu(MemoryBus& mem, IoBus& io);

  CpuState state;
  MemoryBus& mem;
  IoBus& io;
  Mmu mmu;
  // The debugger's breakpoints and watchpoints (the GDB stub's).
  DebugPoints debug;

  void reset();

  void set_interrupt_source(InterruptSource* src) { intr_ = src; }
  InterruptSource* interrupt_source() const { return intr_; }
  // An external interrupt is requested and IF lets it in (an interrupt
  // shadow aside): poll_interrupts() would take it.
  bool interrupt_waiting() const {
    return intr_ != nullptr && state.flag(flags::kIf) && intr_->intr_pending();
  }
  // Guest time in nanoseconds, for the TSC (PIT and TSC share it).
  void set_clock(std::function<uint64_t()> guest_ns) { clock_ = std::move(guest_ns); }
  uint64_t read_tsc() const;
  void write_tsc(uint64_t value);

  // x87 errors with CR0.NE clear assert FERR#, which the board routes to
  // IRQ 13; its port F0 write asserts IGNNE#, so the instruction that found
  // the error goes on ignoring it (PLATFORM.md, ports 0xF0-0xF1).
  void set_ferr_handler(std::function<void()> raise) { ferr_ = std::move(raise); }
  void assert_ignne() { ignne_ = true; }
  // Called by a waiting x87 instruction that finds an unmasked exception
  // pending: raises #MF, or FERR# and the freeze, or returns under IGNNE#.
  void report_fpu_error();
  // IGNNE# follows FERR#: it drops once no error is pending.
  void fpu_error_cleared() { ignne_ = false; }

  void request_stop() { stop_.store(true, std::memory_order_relaxed); }
  bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
  void clear_stop() { stop_.store(false, std::memory_order_relaxed); }

  bool in_shutdown() const { return shutdown_; }
  static Cpu& of(CpuState* s) { return *static_cast<Cpu*>(s->owner); }
  std::string error;  // why the engine stopped with kUnimplemented
  // A fault raised in translated code, waiting for the engine to deliver it.
  std::optional<GuestFault> pending_fault;

  // Current privilege level: 0 in real mode, 3 in virtual-8086 mode, else
  // the RPL of CS (which equals its DPL, or the CPL for conforming code).
  unsigned cpl() const {
    if (!state.protected_mode()) return 0;
    if (state.flag(flags::kVm)) return 3;
    return state.seg[kCs].selector & 3u;
  }
  unsigned iopl() const { return (state.eflags & flags::kIoplMask) >> flags::kIoplShift; }

  // --- Memory through a segment (limit and rights checks, SDM Vol. 3, 5.3-5.6).
  uint32_t linear_address(uint8_t seg, uint32_t offset, unsigned size, Access access);
  uint8_t read8(uint8_t seg, uint32_t off) { return static_cast<uint8_t>(read(seg, off, 1)); }
  uint16_t read16(uint8_t seg, uint32_t off) { return static_cast<uint16_t>(read(seg, off, 2)); }
  uint32_t read32(uint8_t seg, uint32_t off) { return read(seg, off, 4); }
  void write8(uint8_t seg, uint32_t off, uint8_t v) { write(seg, off, 1, v); }
  void write16(uint8_t seg, uint32_t off, uint16_t v) { write(seg, off, 2, v); }
  void write32(uint8_t seg, uint32_t off, uint32_t v) { write(seg, off, 4, v); }
  uint32_t read(uint8_t seg, uint32_t off, unsigned size);
  void write(uint8_t seg, uint32_t off, unsigned size, uint32_t value);
  // As read() and write(), but a page fault comes back in `fault` (false)
  // instead of as a C++ exception (Mmu::try_translate); other faults are
  // still thrown. For translated code's helpers, whose page faults are
  // most of a process's first run.
  bool read_or_fault(uint8_t seg, uint32_t off, unsigned size, uint32_t& value, GuestFault& fault);
  bool write_or_fault(uint8_t seg, uint32_t off, unsigned size, uint32_t value, GuestFault& fault);
  // Raises the fault a write would raise, without writing.
  void probe_write(uint8_t seg, uint32_t off, unsigned size);

  // --- Memory by linear address, at the current privilege, or as the
  // implicit supervisor accesses to descriptor tables and the TSS.
  uint32_t read_linear(uint32_t lin, unsigned size);
  void write_linear(uint32_t lin, unsigned size, uint32_t value);
  uint32_t read_system(uint32_t lin, unsigned size) { return mmu.read(state, lin, size, false); }
  void write_system(uint32_t lin, unsigned size, uint32_t value) {
    mmu.write(state, lin, size, value, false);
  }

  // Copies up to max instruction bytes at CS:EIP, stopping early at the CS
  // limit or before a page that faults. Returns how many were copied; if
  // none, raises the fault the first byte's fetch causes.
  unsigned fetch_code(uint8_t* out, unsigned max);
  // Whether the page of CS:EIP translates for a fetch: false with the #PF
  // that fetch_code would raise (CR2 set), without a C++ exception. (True
  // past the CS limit: fetch_code raises that #GP.)
  bool fetch_page_or_fault(GuestFault& fault);
  // The n bytes at CS:EIP where they are, when all of them are within the
  // CS limit, on one page and that page's TLB entry is filled; else
  // nullptr (fetch_code then). Most fetches, without the copy.
  const uint8_t* code_in_place(unsigned n) const {
    const SegmentCache& cs = state.seg[kCs];
    const uint32_t eip = state.eip;
    if (eip > cs.limit || cs.limit - eip < n - 1) return nullptr;
    const uint32_t lin = cs.base + eip;
    if ((lin & kPageMask) > kPageSize - n) return nullptr;
    return mmu.host_for_read(lin, cpl() == 3);
  }
  // Raises the fault of fetching byte n of the instruction at CS:EIP.
  [[noreturn]] void fetch_fault(unsigned n);

  // --- The stack, sized by SS.B (SP or ESP).
  void push(uint32_t value, unsigned size);
  uint32_t pop(unsigned size);
  uint32_t peek_stack(uint32_t offset, unsigned size);
  uint32_t stack_pointer() const;
  void set_stack_pointer(uint32_t sp);

  // --- Segments and descriptor tables (segments.cpp).
  // MOV/POP/LDS-style load of DS, ES, FS, GS or SS with every check.
  void load_segment(uint8_t seg, uint16_t selector);
  // Reads a GDT/LDT descriptor; false when the selector is outside its table.
  bool fetch_descriptor(uint16_t selector, Descriptor& d);
  // Reads a descriptor or raises `vector` with the selector as error code.
  Descriptor descriptor_or_fault(uint16_t selector, uint8_t vector, bool ext = false);
  void set_accessed(uint16_t selector, Descriptor& d);
  void load_ldtr(uint16_t selector);
  void load_tr(uint16_t selector);
  // The stack for privilege level `dpl`: SS:ESP from the current TSS, with
  // the SS descriptor checked as an inner-level switch requires (#TS, #SS).
  struct InnerStack {
    uint16_t selector;
    uint32_t esp;
    Descriptor descriptor;
  };
  InnerStack inner_stack(unsigned dpl, bool ext);
  // The TSS a task gate names, checked (#GP, #NP) for a task switch.
  Descriptor task_gate_target(uint16_t tss_selector, bool ext);

  // --- Far transfers (far_transfer.cpp), in every mode.
  void far_jump(uint16_t selector, uint32_t offset, unsigned opsize);
  void far_call(uint16_t selector, uint32_t offset, unsigned opsize);
  void far_return(unsigned opsize, uint16_t release);
  void iret(unsigned opsize);

  // --- Task switches (task_switch.cpp, SDM Vol. 3, 7.3).
  void task_switch(uint16_t selector, const Descriptor& tss, Transfer source,
                   bool push_error = false, uint32_t error_code = 0);

  // --- Interrupts and exceptions (interrupts.cpp).
  // Delivers a fault or trap with EIP already set to the return address.
  // Exceptions during delivery escalate per SDM Vol. 3, 6.15 (#DF, then
  // shutdown).
  void deliver_exception(const GuestFault& fault);
  void deliver_software_interrupt(uint8_t vector, EventKind kind = EventKind::kSoftware);
  void deliver_external_interrupt(uint8_t vector);
  // At an instruction boundary: takes a pending maskable interrupt, unless
  // IF is clear or the STI/MOV SS shadow (which this consumes) holds it off.
  void poll_interrupts();
  // Logs every interrupt and exception delivered (and a triple fault) to
  // `log`, a line each, as QEMU's -d int does; nullptr: none. (-d int)
  void set_event_log(std::FILE* log) { event_log_ = log; }

  // --- I/O permission (io_permission.cpp, SDM Vol. 1, 19.5): raises #GP(0)
  // unless CPL <= IOPL outside virtual-8086 mode, or the TSS I/O bitmap
  // allows every byte of the access.
  void check_io(uint16_t port, unsigned size);

  // --- Control registers and flags (control_regs.cpp).
  void write_cr0(uint32_t value);
  void write_cr3(uint32_t value);
  void write_cr4(uint32_t value);
  // Writes EFLAGS as POPF/IRET may; mask selects the bits that can change.
  void write_eflags(uint32_t value, uint32_t mask);

  // --- Save states (cpu_snapshot.cpp): the architectural state and what the
  // CPU keeps beside it (TSC offset, shutdown, IGNNE#). Between instructions
  // only: no fault pending, flags merged, the x87 state in `fpu`.
  void save_state(StateWriter& w) const;
  void load_state(StateReader& r);

 private:
  void deliver(uint8_t vector, EventKind kind, bool has_error, uint32_t error_code);
  void log_event(uint8_t vector, EventKind kind, bool has_error, uint32_t error_code);
  void deliver_real(uint8_t vector);
  void deliver_protected(uint8_t vector, EventKind kind, bool has_error, uint32_t error_code);
  void far_transfer_protected(uint16_t selector, uint32_t offset, unsigned opsize, bool call);
  void call_gate(uint16_t gate_sel, const Descriptor& gate, bool call);
  void iret_protected(unsigned opsize);
  void iret_to_v86();
  void return_to_outer_level_checks(uint16_t cs_sel, const Descriptor& cs, uint16_t ss_sel,
                                    Descriptor& ss);
  void null_inaccessible_data_segments();
  void check_data_breakpoints(uint32_t lin, unsigned size, bool write);
  void check_alignment(uint32_t lin, unsigned size);
  [[noreturn]] void segment_fault(uint8_t seg) const;

  InterruptSource* intr_ = nullptr;
  std::function<uint64_t()> clock_;
  std::function<void()> ferr_;
  bool ignne_ = false;
  int64_t tsc_offset_ = 0;
  std::atomic<bool> stop_{false};
  bool shutdown_ = false;
  std::FILE* event_log_ = nullptr;
  uint64_t events_logged_ = 0;
};

// True when [offset, offset+size) lies inside the segment (expand-down aware).
bool segment_range_ok(const SegmentCache& s, uint32_t offset, unsigned size);

}  // namespace tx86::core
