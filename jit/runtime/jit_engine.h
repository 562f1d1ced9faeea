// The JIT as an ExecutionEngine: the dispatcher. It looks up (or
// translates) the block at CS:EIP, runs translated code until it returns,
// links direct exits as they are first taken, delivers faults, and hands
// single instructions to the interpreter where translated code would not be
// exact (single-stepping, debug breakpoints, the STI shadow, an instruction
// straddling a page).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/cpu/execution_engine.h"
#include "core/interp/interpreter.h"
#include "jit/backend/x64/trampoline.h"
#include "jit/frontend/translator.h"
#include "jit/opt/passes.h"
#include "jit/runtime/background_translator.h"
#include "jit/runtime/block_cache.h"
#include "jit/runtime/block_mode.h"
#include "jit/runtime/code_arena.h"
#include "jit/runtime/host_listing.h"
#include "jit/runtime/jump_cache.h"
#include "jit/runtime/verifier.h"

namespace tx86::jit {

struct JitStats {
  uint64_t blocks_translated = 0;
  uint64_t guest_insns_translated = 0;
  uint64_t block_entries = 0;     // from the dispatcher
  uint64_t links = 0;             // direct exits patched
  uint64_t jump_cache_fills = 0;  // dispatcher lookups entered into the jump cache
  uint64_t invalidated_blocks = 0;
  uint64_t flushes = 0;          // whole-arena flushes
  uint64_t interpreted = 0;      // instructions handed to the interpreter
  uint64_t fallbacks = 0;        // instructions translated as interpreter calls
  uint64_t host_bytes = 0;       // translated code made (flushed blocks included)
  uint64_t translate_ticks = 0;  // host TSC ticks spent translating (time_translation)
  // Blocks asked of the background thread that the dispatcher translated
  // itself, having waited kMaxPendingVisits visits for them.
  uint64_t taken_over = 0;
};

struct JitOptions {
  size_t arena_bytes = 64u << 20;
  TranslateOptions translate;
  opt::PassOptions passes;
  bool link = true;  // patch direct exits (off: every exit returns to the dispatcher)
  // Check every block of lowered instructions against the interpreter
  // (verifier.h); implies link = false.
  bool verify = false;
  // Each translated block written out: guest code, IR before and after the
  // passes, host code (--jit-log).
  std::FILE* log = nullptr;
  // Each block's host code range and guest address, for perf (--perf-map:
  // /tmp/perf-PID.map, the format perf report reads for JIT code).
  std::FILE* perf_map = nullptr;
  // A block is translated the Nth time it is about to run; until then the
  // interpreter runs it (0 or 1: at once). Code that runs a few times, as
  // most of an OS's start-up does, costs less interpreted than translated.
  uint32_t hot_threshold = 0;
  // Translate on a thread of its own, interpreting a hot block until its
  // translation is ready (off, or with a hot_threshold of 0 or 1: the
  // dispatcher translates it before it runs, and when each block is
  // translated depends only on the guest's run).
  bool background = false;
  // Time each translation (JitStats::translate_ticks; --stats), with the
  // host's TSC: on a VM clock_gettime can be a system call, microseconds
  // a block.
  bool time_translation = false;
};

class JitEngine final : public core::ExecutionEngine {
 public:
  JitEngine(core::Cpu& cpu, JitOptions options = {}, core::Tracer* tracer = nullptr);
  ~JitEngine() override;

  const char* name() const override { return "jit"; }
  core::StopReason run(core::Cpu& cpu, uint64_t max_insns) override;
  void drop_translations() override { flush(); }

  const JitStats& stats() const { return stats_; }
  // Drops every translation (for callers that rewrote guest code behind the
  // memory bus's back, such as tests that memcpy into RAM).
  void flush();
  // Waits until the background thread (JitOptions::background) has built
  // every block asked of it; the next run() installs them. (Tests order
  // things with it.)
  void wait_for_background() {
    if (background_ != nullptr) background_->wait_idle();
  }
  // While held, the background thread builds nothing (tests: a thread that
  // falls behind).
  void hold_background(bool held) {
    if (background_ != nullptr) background_->hold(held);
  }
  std::string stats_text() const;

  // How many more times a block asked of the background thread runs in
  // the interpreter before the dispatcher translates it itself. (64: with
  // 16 the dispatcher translated 1,460 blocks of a direct Linux boot
  // itself, 28 us each, 1,130 of them while they still waited in the
  // queue; with 64, 650, and the boot was 2-4% faster, pinned to one CPU
  // too. 32 and 128 measured the same as 64.)
  static constexpr uint32_t kMaxPendingVisits = 64;

 private:
  // The jump cache's code for CS:EIP in mode bits `mode`, or nullptr: the
  // dispatcher's first try, before the heat table, the MMU walk and the
  // block cache (a stale entry costs a page walk).
  const uint8_t* cached_code(core::Cpu& cpu, uint32_t mode);
  // The block at CS:EIP, translated when it is hot; null when it is still
  // cold (cold_) or cannot be translated.
  CompiledBlock* lookup(core::Cpu& cpu);
  CompiledBlock* lookup(core::Cpu& cpu, uint32_t mode);
  // One instruction through the interpreter, counted as its engine would;
  // false (Cpu::error set) when the interpreter does not implement it.
  bool interpret_one(core::Cpu& cpu);
  // A debugger's breakpoint is at CS:EIP: the dispatcher stops there.
  static bool at_breakpoint(const core::Cpu& cpu) {
    return cpu.debug.has_breakpoints() &&
           cpu.debug.has_breakpoint(cpu.state.seg[core::kCs].base + cpu.state.eip);
  }
  // A small number naming (mode bits, CS base, CS limit), for the jump
  // cache's checked entries.
  uint32_t context_id(uint32_t mode, uint32_t cs_base, uint32_t cs_limit);
  CompiledBlock* translate(core::Cpu& cpu, const BlockKey& key);
  // translate()'s parts: the emitter's context for the block at CS:EIP
  // (the dispatcher's); the passes and the emission, into a block ready for
  // the cache or null when the arena is full (either thread's); adding it
  // to the cache (the dispatcher's).
  x64::EmitContext emit_context(core::Cpu& cpu, const BlockKey& key);
  void optimize(ir::Block& block, const BlockKey& key) const;
  std::unique_ptr<CompiledBlock> emit(ir::Block& block, const BlockKey& key,
                                      x64::EmitContext ctx) const;
  CompiledBlock* install(core::Cpu& cpu, std::unique_ptr<CompiledBlock> compiled,
                         uint32_t phys_page, const std::string& unoptimized);
  // Background translation (JitOptions::background): a job for the block
  // at CS:EIP; what the thread does with it; taking in what it made.
  // False when the block has waited too long (pending_): translate()
  // makes it now.
  bool request(core::Cpu& cpu, const BlockKey& key);
  void build(TranslationJob& job, x64::EmitScratch& scratch) const;
  void install_translations(core::Cpu& cpu);
  // Runs instructions in the interpreter up to a control transfer (a
  // block's worth, for code not hot enough to translate), counting the
  // branch targets it goes on to in the heat table under `mode`, the mode
  // it started in. (An instruction of the run that changed the mode makes
  // the rest count under the old one: heat only decides when to
  // translate, and the mode is not computed again at every branch.)
  bool interpret_block(core::Cpu& cpu, uint32_t mode);
  bool needs_interpreter(const core::CpuState& s) const;
  // The --stats words on translation time (time_translation).
  std::string translate_text() const;

  core::Cpu& cpu_;
  JitOptions options_;
  CodeArena arena_;
  // When the engine was made, by the clock and by the TSC (translate_text).
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  uint64_t created_ticks_ = 0;
  x64::Trampoline trampoline_;
  x64::EmitScratchPtr emit_scratch_ = x64::make_emit_scratch();
  JumpCache jump_cache_;
  uint64_t mapping_generation_ = 0;     // of the MMU, when the jump cache was last valid
  uint64_t breakpoint_generation_ = 0;  // of Cpu::debug, when the blocks were made
  BlockCache cache_;
  // How often each untranslated block has been about to run, by its linear
  // address and mode; a translated block's count is the threshold. Sets of
  // four, the lowest count leaving first: in a direct-mapped table two
  // blocks that shared a slot reset each other's counts for ever, and a
  // kernel function called from every process stayed in the interpreter
  // (or, translated, lost its slot and went back to it). A block that
  // loses its entry starts counting again. Cleared by flush.
  struct Heat {
    uint32_t lin = 0;
    uint32_t mode = 0xFFFFFFFFu;  // no block's
    uint32_t count = 0;
  };
  static constexpr unsigned kHeatWays = 4;
  struct alignas(64) HeatSet {
    std::array<Heat, kHeatWays> ways;
    uint32_t next_victim = 0;  // among ties
  };
  uint32_t& heat(uint32_t lin, uint32_t mode);
  static uint32_t heat_set(uint32_t lin, uint32_t mode);
  std::vector<HeatSet> heat_;
  bool cold_ = false;  // the last lookup() found a block not hot yet
  BlockModeCache mode_cache_;
  std::map<std::array<uint32_t, 3>, uint32_t> contexts_;  // context_id()
  void log_block(const CompiledBlock& block, const std::string& unoptimized);

  core::Interpreter interp_;
  std::unique_ptr<core::Tracer> disassembler_;  // --jit-log: guest code
  std::unique_ptr<HostListing> host_listing_;   // --jit-log: host code
  std::unique_ptr<Verifier> verifier_;          // verify mode
  JitStats stats_;
  // Asked of background_, with the dispatcher's visits since. The thread
  // falls behind when new code comes in bursts (a kernel's start-up: many
  // jobs wait a millisecond and more); a block that keeps coming back
  // meanwhile is translated at once. (In the direct Linux boot, 7.4 M
  // instructions were interpreted without that, 5.6 M with it, 5.0 M
  // translating everything at once.)
  struct Pending {
    uint32_t visits = 0;
    TranslationJob* job = nullptr;  // (alive until install_translations takes it in)
  };
  std::unordered_map<BlockKey, Pending, BlockKeyHash> pending_;
  std::unordered_set<BlockKey, BlockKeyHash> synchronous_;  // background_ could not
  // (Last: its thread stops before anything it uses goes.)
  std::unique_ptr<BackgroundTranslator> background_;
};

}  // namespace tx86::jit
