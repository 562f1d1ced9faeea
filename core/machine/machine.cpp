#include "core/machine/machine.h"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/interp/interpreter.h"
#include "core/machine/user_error.h"

namespace tx86::core {

namespace {

constexpr uint64_t kMinRam = 1ull << 20;
constexpr uint64_t kMaxRam = 3584ull << 20;
// The longest stretch the CPU runs without the loop looking at the clock,
// stop requests and timeouts.
constexpr uint64_t kMaxSlice = 1'000'000;
constexpr PhysAddr kLowRamEnd = 0xA0000;
constexpr PhysAddr kHighRamStart = 0x100000;

uint64_t checked_ram(uint64_t bytes) {
  if (bytes < kMinRam || bytes > kMaxRam || (bytes & (kPageSize - 1)) != 0) {
    throw UserError("memory size must be a multiple of 4 KiB between 1 MiB and 3584 MiB");
  }
  return bytes;
}

uint64_t host_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

double wall_seconds() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

}  // namespace

Machine::Machine(const MachineConfig& config)
    : config_(config),
      memory_(checked_ram(config.ram_bytes)),
      scheduler_(config.clock, config.ps_per_insn),
      cpu_(memory_, io_),
      engine_(std::make_unique<Interpreter>()) {
  cpu_.set_clock([this] { return guest_ns(); });
  scheduler_.attach_instruction_counter(&cpu_.state.icount);
  // A device arming a timer inside the running slice ends the slice there,
  // so events fire at their exact instruction count (in real time: the
  // next slice is sized to end near it).
  scheduler_.set_arm_listener([this](GuestTime when) {
    if (when < slice_deadline_) cpu_.request_stop();
  });
  // A stall moved guest time on: the slice's instruction budget would now
  // run past its deadline.
  scheduler_.set_stall_listener([this] { cpu_.request_stop(); });
  // Conventional memory and extended memory; 640K-1M is for the VGA window,
  // option ROMs and the BIOS, whose RAM stays hidden until shadowing.
  memory_.map_ram(0, kLowRamEnd, 0);
  // The RAM under 640K-1M exists but stays hidden until the chipset's
  // shadow registers switch it in (SMRAM, PAM).
  memory_.attach_hidden_ram(kLowRamEnd, kHighRamStart - kLowRamEnd, kLowRamEnd);
  if (config.ram_bytes > kHighRamStart) {
    memory_.map_ram(kHighRamStart, config.ram_bytes - kHighRamStart, kHighRamStart);
  }
}

Machine::~Machine() = default;

void Machine::reset() {
  memory_.set_a20(true);  // as QEMU's pc: the gate is open after reset
  cpu_.reset();
  for (auto& hook : reset_hooks_) hook();
}

GuestTime Machine::guest_ns() const {
  return scheduler_.now();
}

void Machine::request_exit(int status) {
  if (!exit_status_) exit_status_ = status;
  cpu_.request_stop();
}

void Machine::request_power_off() {
  request_exit(0);
}

void Machine::request_reset() {
  reset_requested_ = true;
  cpu_.request_stop();
}

uint64_t Machine::slice_budget() {
  const GuestTime next = scheduler_.next_deadline();
  if (scheduler_.mode() == ClockMode::kDeterministic) {
    return std::min(kMaxSlice, scheduler_.insns_until(next));
  }
  // Real time: guest time is the host clock, so a slice of N instructions
  // lasts about N times the recent cost of one. Sized to end at the next
  // deadline, it lets timers fire close to their time (a PIT tick, a UART
  // character) rather than up to a whole slice late.
  if (next == kNever) return kMaxSlice;
  const GuestTime now = scheduler_.now();
  if (next <= now) return 0;
  const double insns = static_cast<double>(next - now) / ns_per_insn_;
  return insns >= static_cast<double>(kMaxSlice)
             ? kMaxSlice
             : std::max<uint64_t>(1, static_cast<uint64_t>(insns));
}

void Machine::measure_rate(uint64_t insns, uint64_t host_ns) {
  if (insns < 1000) return;
  // A moving average: one slow slice (a page fault storm, the JIT
  // translating) should not make the next ones tiny.
  const double sample =
      std::clamp(static_cast<double>(host_ns) / static_cast<double>(insns), 0.05, 1000.0);
  ns_per_insn_ = 0.875 * ns_per_insn_ + 0.125 * sample;
}

Interpreter& Machine::debug_engine() {
  if (!debug_engine_) debug_engine_ = std::make_unique<Interpreter>();
  return *debug_engine_;
}

std::optional<RunResult> Machine::pending_outcome() {
  if (exit_status_) {
    const int status = *exit_status_;
    exit_status_.reset();  // a later run() continues the machine
    return RunResult{RunOutcome::kExit, status, {}};
  }
  if (interrupted_.load(std::memory_order_relaxed))
    return RunResult{RunOutcome::kInterrupted, 0, {}};
  if (pause_requested_.exchange(false, std::memory_order_relaxed)) {
    return RunResult{RunOutcome::kPaused, 0, {}};
  }
  if (reset_requested_) {
    reset_requested_ = false;
    // QEMU's -no-reboot: a guest that resets the machine ends the run.
    if (config_.no_reboot) return RunResult{RunOutcome::kExit, 0, "guest reset"};
    reset();
  }
  return std::nullopt;
}

std::optional<RunResult> Machine::wait_in_hlt() {
  CpuState& s = cpu_.state;
  if (exit_status_ || reset_requested_) return std::nullopt;
  const GuestTime next = scheduler_.next_deadline();
  // Only a maskable interrupt can end this HLT: with IF clear, or with
  // no event left that could raise one, the guest has stopped for good.
  if (!s.flag(flags::kIf) || next == kNever) {
    return RunResult{RunOutcome::kGuestStopped, 0, "HLT with nothing left to wake the CPU"};
  }
  if (scheduler_.mode() == ClockMode::kDeterministic) {
    scheduler_.skip_to(next);
  } else {
    const GuestTime now = scheduler_.now();
    if (next > now) {
      std::this_thread::sleep_for(
          std::chrono::nanoseconds(std::min<GuestTime>(next - now, 10'000'000)));
    }
  }
  scheduler_.run_due();
  return std::nullopt;
}

std::optional<RunResult> Machine::after_slice(StopReason why) {
  switch (why) {
    case StopReason::kBudget:
    case StopReason::kStopRequested: return std::nullopt;
    case StopReason::kShutdown:
      if (config_.no_reboot) return RunResult{RunOutcome::kShutdown, 0, "triple fault"};
      spdlog::info("triple fault: resetting the machine");
      reset();
      return std::nullopt;
    case StopReason::kUnimplemented: return RunResult{RunOutcome::kUnimplemented, 0, cpu_.error};
    case StopReason::kEngineError: return RunResult{RunOutcome::kEngineError, 0, cpu_.error};
    case StopReason::kDebug: return RunResult{RunOutcome::kDebugStop, 0, {}};
    case StopReason::kHalted: return wait_in_hlt();
  }
  return std::nullopt;
}

RunResult Machine::run(std::optional<double> timeout_seconds) {
  const double deadline = timeout_seconds ? wall_seconds() + *timeout_seconds : 0.0;
  CpuState& s = cpu_.state;

  for (;;) {
    if (std::optional<RunResult> r = pending_outcome()) return *r;
    if (timeout_seconds && wall_seconds() >= deadline) return {RunOutcome::kTimeout, 0, {}};

    cpu_.clear_stop();
    const uint64_t budget = slice_budget();
    slice_deadline_ = scheduler_.next_deadline();
    const bool realtime = scheduler_.mode() == ClockMode::kRealtime;
    const uint64_t icount_before = s.icount;
    const uint64_t host_before = realtime ? host_ns() : 0;
    ExecutionEngine& engine = cpu_.debug.watching() ? debug_engine() : *engine_;
    const StopReason why = budget == 0 ? StopReason::kBudget : engine.run(cpu_, budget);
    slice_deadline_ = kNever;
    if (realtime && why != StopReason::kHalted) {
      measure_rate(s.icount - icount_before, host_ns() - host_before);
    }
    scheduler_.sync();
    scheduler_.run_due();
    if (std::optional<RunResult> r = after_slice(why)) return *r;
  }
}

RunResult Machine::step() {
  if (std::optional<RunResult> r = pending_outcome()) return *r;
  CpuState& s = cpu_.state;
  cpu_.clear_stop();
  // A CPU in HLT steps into the handler of the interrupt that wakes it.
  while (s.halted) {
    cpu_.poll_interrupts();
    if (!s.halted) return {RunOutcome::kDebugStop, 0, {}};
    if (std::optional<RunResult> r = wait_in_hlt()) return *r;
    if (std::optional<RunResult> r = pending_outcome()) return *r;
  }
  StopReason why = StopReason::kBudget;
  try {
    debug_engine().step(cpu_);
    ++s.icount;
    if (cpu_.in_shutdown()) why = StopReason::kShutdown;
  } catch (const Unimplemented& u) {
    cpu_.error = u.what;
    why = StopReason::kUnimplemented;
  }
  scheduler_.sync();
  scheduler_.run_due();
  if (std::optional<RunResult> r = after_slice(why)) return *r;
  if (std::optional<RunResult> r = pending_outcome()) {
    if (r->outcome != RunOutcome::kPaused) return *r;
  }
  return {RunOutcome::kDebugStop, 0, {}};
}

void Machine::save_state(StateWriter& w) {
  scheduler_.sync();
  w.begin("machine", 1);
  w.u64(memory_.ram_size());
  w.u32(config_.ps_per_insn);
  w.boolean(memory_.a20());
  w.boolean(reset_requested_);
  w.boolean(exit_status_.has_value());
  w.u32(static_cast<uint32_t>(exit_status_.value_or(0)));
  w.end();
  cpu_.save_state(w);
  w.begin("ram", 1);
  w.bytes({memory_.ram(), memory_.ram_size()});
  w.end();
  scheduler_.save_state(w);
  for (const Part& p : parts_) {
    w.begin(p.name, p.version);
    p.part->save_state(w);
    w.end();
  }
}

void Machine::load_state(StateReader& r) {
  r.begin("machine", 1);
  if (r.u64() != memory_.ram_size()) r.fail("it was saved with another RAM size (-m)");
  if (r.u32() != config_.ps_per_insn) r.fail("another instruction period");
  memory_.set_a20(r.boolean());
  reset_requested_ = r.boolean();
  const bool exiting = r.boolean();
  const auto status = static_cast<int>(r.u32());
  exit_status_ = exiting ? std::optional<int>(status) : std::nullopt;
  r.end();
  cpu_.load_state(r);
  r.begin("ram", 1);
  r.bytes_into({memory_.ram(), memory_.ram_size()});
  r.end();
  scheduler_.load_state(r);
  for (const Part& p : parts_) {
    r.begin(p.name, p.version);
    p.part->load_state(r);
    r.end();
  }
  if (!r.at_end()) r.fail("it holds parts this machine does not have");
  // RAM changed behind the memory bus, and the maps the devices chose may
  // have too.
  cpu_.mmu.flush_all();
  engine_->drop_translations();
  if (debug_engine_) debug_engine_->drop_translations();
}

}  // namespace tx86::core
