// A Machine owns a PC's core parts — the CPU, the memory and I/O buses and
// the scheduler — and runs them: the engine executes the CPU until the next
// device event, the scheduler fires it, and so on until something ends the
// run. Devices are built by the board (devices/pc) and attached here.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/cpu/execution_engine.h"
#include "core/io/io_bus.h"
#include "core/machine/machine_control.h"
#include "core/mem/memory_bus.h"
#include "core/sched/scheduler.h"
#include "core/state/state_part.h"

namespace tx86::core {

class Interpreter;

struct MachineConfig {
  uint64_t ram_bytes = 128ull << 20;
  ClockMode clock = ClockMode::kDeterministic;
  uint32_t ps_per_insn = 1000;  // deterministic mode: 1 instruction = 1 ns
  // A triple fault resets the machine, as on a PC; with no_reboot the run
  // ends instead (QEMU's -no-reboot).
  bool no_reboot = false;
};

enum class RunOutcome : uint8_t {
  kExit,           // a device asked to exit (isa-debug-exit, power off): see status
  kTimeout,        // the wall-clock timeout expired
  kGuestStopped,   // HLT with nothing that could ever wake the CPU
  kShutdown,       // triple fault
  kUnimplemented,  // the guest needs something tx86 lacks: see message
  kInterrupted,    // the host asked to stop (signal, window closed)
  kEngineError,    // the CPU engine found itself wrong (JIT verify mode): see message
  kDebugStop,      // at a debugger's breakpoint or watchpoint (Cpu::debug), or stepped
  kPaused,         // request_pause(): stopped between instructions, ready to go on
};

struct RunResult {
  RunOutcome outcome;
  int status = 0;  // for kExit
  std::string message;
};

class Machine final : public MachineControl {
 public:
  explicit Machine(const MachineConfig& config);
  ~Machine() override;

  MemoryBus& memory() { return memory_; }
  IoBus& io() { return io_; }
  Scheduler& scheduler() { return scheduler_; }
  Cpu& cpu() { return cpu_; }
  const MachineConfig& config() const { return config_; }

  void set_engine(std::unique_ptr<ExecutionEngine> engine) { engine_ = std::move(engine); }
  ExecutionEngine& engine() { return *engine_; }

  // Devices keep their reset behaviour here; reset() runs them in order.
  void add_reset_hook(std::function<void()> hook) { reset_hooks_.push_back(std::move(hook)); }
  void reset();

  // Runs until an outcome; timeout is wall-clock seconds.
  RunResult run(std::optional<double> timeout_seconds = std::nullopt);

  // Asynchronous stop from another thread or a signal handler.
  void interrupt() {
    interrupted_.store(true, std::memory_order_relaxed);
    cpu_.request_stop();
  }
  bool interrupted() const { return interrupted_.load(std::memory_order_relaxed); }
  // Asks a run() in progress (or the next one) to return kPaused at an
  // instruction boundary: a debugger's Ctrl+C, a monitor's pause. Safe from
  // another thread.
  void request_pause() {
    pause_requested_.store(true, std::memory_order_relaxed);
    cpu_.request_stop();
  }

  // --- For a debugger. run() returns kDebugStop at a breakpoint or after a
  // watchpoint's access (Cpu::debug). While a watchpoint is set it runs
  // the interpreter, which checks every access, whatever the engine.
  // Executes one instruction (or delivers the exception it raises) and then
  // the device events due. External interrupts are held off, as in QEMU's
  // gdbstub, so that a step stays in the code being stepped; a halted CPU
  // first waits for its next interrupt as run() would. Returns kDebugStop,
  // or how the run ended if the instruction ended it.
  RunResult step();

  void request_exit(int status) override;
  void request_reset() override;
  void request_power_off() override;
  void set_a20(bool enabled) override { memory_.set_a20(enabled); }
  bool a20() const override { return memory_.a20(); }

  // Guest time now, counting the instructions of the slice in progress.
  GuestTime guest_ns() const;

  // --- Save states: the CPU, RAM, guest time and timers, then every part
  // registered here (the board's devices), in the order registered, each in
  // a section of its name. Between run() calls only. A state loads into a
  // machine built the same way (the same command line); anything else is a
  // StateError, and the machine is then as it was mid-load: reset it.
  void add_state_part(std::string name, uint32_t version, StatePart* part) {
    parts_.push_back(Part{std::move(name), version, part});
  }
  void save_state(StateWriter& w);
  void load_state(StateReader& r);

 private:
  MachineConfig config_;
  MemoryBus memory_;
  IoBus io_;
  Scheduler scheduler_;
  Cpu cpu_;
  std::unique_ptr<ExecutionEngine> engine_;
  std::vector<std::function<void()>> reset_hooks_;
  std::optional<int> exit_status_;
  bool reset_requested_ = false;
  GuestTime slice_deadline_ = kNever;  // the deadline the running slice ends at
  // Real-time mode: host nanoseconds per guest instruction, measured over
  // recent slices, to size a slice so that it ends near the next deadline.
  double ns_per_insn_ = 5.0;

  uint64_t slice_budget();
  void measure_rate(uint64_t insns, uint64_t host_ns);
  // What run() and step() do before and after a slice of instructions.
  std::optional<RunResult> pending_outcome();
  std::optional<RunResult> after_slice(StopReason why);
  std::optional<RunResult> wait_in_hlt();
  Interpreter& debug_engine();

  std::unique_ptr<Interpreter> debug_engine_;  // made on first use
  struct Part {
    std::string name;
    uint32_t version;
    StatePart* part;
  };
  std::vector<Part> parts_;
  std::atomic<bool> interrupted_{false};
  std::atomic<bool> pause_requested_{false};
};

}  // namespace tx86::core
