// The guest CPU: its architectural state plus the machinery every engine
// shares — segmented and linear memory access with limit checks, the stack,
// segment loads, and exception and interrupt delivery. Instruction semantics
// live in core/interp; this class holds what they are built from.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/cpu/cpu_state.h"
#include "core/cpu/guest_fault.h"
#include "core/io/io_bus.h"
#include "core/irq/interrupt_source.h"
#include "core/mem/memory_bus.h"

namespace tx86::core {

// CPUID leaf 1 EAX / EDX at reset: family 5, model 4, stepping 3.
inline constexpr uint32_t kCpuSignature = 0x00000543;

enum class Access : uint8_t { kRead, kWrite, kExecute };

class Cpu {
 public:
  Cpu(MemoryBus& mem, IoBus& io);

  CpuState state;
  MemoryBus& mem;
  IoBus& io;

  void reset();

  void set_interrupt_source(InterruptSource* src) { intr_ = src; }
  InterruptSource* interrupt_source() const { return intr_; }

  // Another thread or a device asks the engine to return at the next
  // instruction boundary.
  void request_stop() { stop_.store(true, std::memory_order_relaxed); }
  bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }
  void clear_stop() { stop_.store(false, std::memory_order_relaxed); }

  // Set when a triple fault put the processor into shutdown.
  bool in_shutdown() const { return shutdown_; }
  // Why the engine stopped with kUnimplemented.
  std::string error;

  // --- Memory through a segment (limit and access checks, SDM Vol. 3, 5.3).
  uint32_t linear_address(uint8_t seg, uint32_t offset, unsigned size, Access access);
  uint8_t read8(uint8_t seg, uint32_t off) { return static_cast<uint8_t>(read(seg, off, 1)); }
  uint16_t read16(uint8_t seg, uint32_t off) { return static_cast<uint16_t>(read(seg, off, 2)); }
  uint32_t read32(uint8_t seg, uint32_t off) { return read(seg, off, 4); }
  void write8(uint8_t seg, uint32_t off, uint8_t v) { write(seg, off, 1, v); }
  void write16(uint8_t seg, uint32_t off, uint16_t v) { write(seg, off, 2, v); }
  void write32(uint8_t seg, uint32_t off, uint32_t v) { write(seg, off, 4, v); }
  uint32_t read(uint8_t seg, uint32_t off, unsigned size);
  void write(uint8_t seg, uint32_t off, unsigned size, uint32_t value);

  // --- Memory by linear address (paging, once enabled, applies here).
  uint32_t read_linear(uint32_t lin, unsigned size);
  void write_linear(uint32_t lin, unsigned size, uint32_t value);

  // Copies up to out.size() instruction bytes at CS:EIP, stopping early at
  // the CS limit. Returns how many were available; if none, raises the fault
  // the first byte's fetch causes.
  unsigned fetch_code(uint8_t* out, unsigned max);

  // --- The stack, sized by SS.B (SP or ESP).
  void push(uint32_t value, unsigned size);
  uint32_t pop(unsigned size);
  // Reads the value size bytes at SP+offset without popping (POP's check-first).
  uint32_t peek_stack(uint32_t offset, unsigned size);
  uint32_t stack_pointer() const;
  void set_stack_pointer(uint32_t sp);

  // --- Segment registers. In real and virtual-8086 mode the base is
  // selector * 16 and the cached limit and rights are kept.
  void load_segment(uint8_t seg, uint16_t selector);

  // --- Control flow.
  // Far transfer to sel:offset (JMP/CALL/RET far in real mode).
  void far_jump(uint16_t selector, uint32_t offset);
  // Delivers interrupt vector through the IVT/IDT with EIP already set to the
  // return address. Exceptions during delivery escalate per SDM 6.15 (#DF,
  // then shutdown).
  void deliver_exception(const GuestFault& fault);
  void deliver_software_interrupt(uint8_t vector);
  void deliver_external_interrupt(uint8_t vector);

  // Writes EFLAGS as POPF/IRET may (reserved bits fixed, RF/VM/VIP/VIF kept
  // as the mode allows). mask selects the bits the instruction may change.
  void write_eflags(uint32_t value, uint32_t mask);

 private:
  void deliver(uint8_t vector, bool has_error, uint32_t error_code);
  [[noreturn]] void segment_fault(uint8_t seg) const;

  InterruptSource* intr_ = nullptr;
  std::atomic<bool> stop_{false};
  bool shutdown_ = false;
};

}  // namespace tx86::core
