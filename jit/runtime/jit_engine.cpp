#include "jit/runtime/jit_engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <x86intrin.h>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "core/trace/tracer.h"
#include "jit/runtime/block_mode.h"
#include "jit/runtime/helpers.h"

namespace tx86::jit {

namespace {

using core::CpuState;

// 32 Ki sets of 4 (2 MiB). With 16 Ki, the 200-process run lost the
// entries of translated kernel blocks and warmed them up again in the
// interpreter, process after process (one block 5682 times): 6.63 M
// instructions interpreted, 6.17 M now; host instructions -1.4%.
constexpr size_t kHeatSets = size_t{1} << 15;
constexpr unsigned kMaxInterpretedRun = 64;  // instructions, when no branch comes

}  // namespace

JitEngine::JitEngine(core::Cpu& cpu, JitOptions options, core::Tracer* tracer)
    : cpu_(cpu),
      options_(options),
      arena_(options.arena_bytes, options.perf_map != nullptr
                                      ? CodeArena::Mapping::kSingleForProfiling
                                      : CodeArena::Mapping::kDual),
      trampoline_(x64::emit_trampoline(arena_)),
      cache_(arena_, jump_cache_),
      interp_(tracer) {
  created_ticks_ = __rdtsc();
  jump_cache_.set_miss(trampoline_.jump_miss);
  if (options_.verify) {
    options_.link = false;
    options_.background = false;  // (each block is checked as it is translated)
    verifier_ = std::make_unique<Verifier>(cpu_);
  }
  // (A block translated "at once" is translated before it runs.)
  if (options_.background && options_.hot_threshold > 1) {
    background_ = std::make_unique<BackgroundTranslator>(
        [this](TranslationJob& job, x64::EmitScratch& scratch) { build(job, scratch); });
  }
  // Self-modifying code: a write to a page holding translations drops them.
  cpu_.mem.set_code_write_listener([this](core::PhysAddr addr, unsigned size) {
    const size_t dropped = cache_.invalidate_range(addr, size);
    if (dropped != 0) {
      stats_.invalidated_blocks += dropped;
      cpu_.mem.note_code_write();
    }
    return cache_.page_has_code(addr & ~0xFFFu);
  });
  // Shadow RAM, BARs, SMRAM: the bytes behind an address changed.
  cpu_.mem.add_remap_listener([this](core::PhysAddr base, uint64_t size) {
    for (uint64_t p = base & ~0xFFFull; p < uint64_t{base} + size; p += core::kPageSize) {
      const auto page = static_cast<uint32_t>(p);
      if (cache_.page_has_code(page)) {
        stats_.invalidated_blocks += cache_.invalidate_page(page);
        cpu_.mem.set_code_page(page, false);
      }
    }
  });
}

JitEngine::~JitEngine() {
  cpu_.mem.set_code_write_listener({});
  // (The remap listener stays registered; the machine owns both and dies
  // with the engine.)
}

std::string JitEngine::translate_text() const {
  // TSC ticks to time at the rate the TSC ran since the engine was made.
  const double ticks = static_cast<double>(__rdtsc() - created_ticks_);
  const double ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - created_)
                                            .count());
  const double ms =
      ticks <= 0 ? 0.0 : static_cast<double>(stats_.translate_ticks) * ns / ticks / 1e6;
  return fmt::format(" made in {:.1f} ms ({:.1f} us per block)", ms,
                     ms * 1e3 / static_cast<double>(stats_.blocks_translated));
}

std::string JitEngine::stats_text() const {
  return fmt::format(
      "jit: {} blocks translated ({} guest instructions, {} of them interpreter calls), {} "
      "dispatcher entries, {} links, {} jump-cache fills, {} blocks invalidated, {} flushes, {} "
      "instructions interpreted ({} blocks taken over from the background thread), {} bytes of "
      "host code{}{}",
      stats_.blocks_translated, stats_.guest_insns_translated, stats_.fallbacks,
      stats_.block_entries, stats_.links, stats_.jump_cache_fills, stats_.invalidated_blocks,
      stats_.flushes, stats_.interpreted, stats_.taken_over, stats_.host_bytes,
      options_.time_translation && stats_.blocks_translated != 0 ? translate_text() : std::string(),
      verifier_ ? fmt::format("; verify: {} blocks checked, {} skipped (device access)",
                              verifier_->checked(), verifier_->skipped())
                : std::string());
}

bool JitEngine::needs_interpreter(const CpuState& s) const {
  // RF lasts one instruction; the interpreter clears it.
  return s.flag(core::flags::kTf) || s.flag(core::flags::kRf) || (s.dr[7] & 0xFF) != 0 ||
         s.debug_trap != 0 || s.interrupt_shadow;
}

void JitEngine::flush() {
  // (What the background thread made or is making was emitted into the
  // arena about to be reset.)
  if (background_) background_->drop_all();
  pending_.clear();
  cache_.for_each_code_page([this](uint32_t page) { cpu_.mem.set_code_page(page, false); });
  cache_.clear();
  arena_.reset(trampoline_.bytes);
  heat_.clear();
  ++stats_.flushes;
}

x64::EmitContext JitEngine::emit_context(core::Cpu& cpu, const BlockKey& key) {
  uint8_t flat = 0;
  uint8_t plain = 0;
  block_mode(cpu, flat, plain);
  x64::EmitContext ctx;
  ctx.arena = &arena_;
  ctx.trampoline = &trampoline_;
  ctx.user = cpu.cpl() == 3;
  // A memory access's TLB-entry slot (emit_memory.cpp) pays off where a
  // site keeps touching the same pages: without paging (firmware, the
  // kernel's decompressor). With paging, kernel code mostly touches a
  // different page each time (each process's stack, task and page tables),
  // and a missed slot costs a load, a mispredicted branch and then the
  // index anyway. Without slots, the ELF boot made 19% less host code
  // (19.6 -> 15.8 MB), and the 200-process run was faster in 7 of 8 pairs.
  ctx.use_tlb_slots = !(cpu.state.cr0 & core::cr0::kPg);
  // Such code may also read RAM through the MMU's window. (A block may run
  // with paging on too, where the window is closed.)
  ctx.ram_base = ctx.use_tlb_slots ? reinterpret_cast<uint64_t>(cpu.mem.ram()) : 0;
  ctx.code_near = ctx.ram_base != 0 ? reinterpret_cast<uint64_t>(cpu.mem.code_near_map()) : 0;
  ctx.flat_segments = flat;
  ctx.plain_segments = plain;
  ctx.cs_base = key.cs_base;
  ctx.cs_limit = key.cs_limit;
  ctx.mode = key.mode;
  ctx.jump_cache = options_.link ? jump_cache_.targets() : nullptr;
  ctx.fs_gs = fs_gs_bits(key.mode);
  ctx.context_id = context_id(key.mode & ~kModeFsGs, key.cs_base, key.cs_limit);
  ctx.link_page = options_.link ? ((key.cs_base + key.eip) & ~0xFFFu) : 0xFFFFFFFFu;
  return ctx;
}

void JitEngine::optimize(ir::Block& block, const BlockKey& key) const {
  opt::optimize(block, options_.passes);
#ifndef NDEBUG
  if (const std::string bad = opt::verify(block); !bad.empty()) {
    throw std::logic_error("jit: invalid IR at " + fmt::format("{:08x}", key.eip) + ": " + bad +
                           "\n" + ir::dump(block));
  }
#else
  (void)key;
#endif
}

std::unique_ptr<CompiledBlock> JitEngine::emit(ir::Block& block, const BlockKey& key,
                                               x64::EmitContext ctx) const {
  // A block runs the same whatever the mode bits of FS or GS when it does
  // not name that segment: it is kept without them (block_mode.h). It
  // checks those of a segment it names on entry, so that links and
  // jump-cache exits, whose contexts leave them out, may reach it from any
  // block.
  uint32_t named = 0;
  for (const ir::GuestInsn& g : block.guest) {
    if (g.decoded.seg_override == core::kFs) named |= kModeFs;
    if (g.decoded.seg_override == core::kGs) named |= kModeGs;
  }
  ctx.fs_gs_mask = fs_gs_bits(named);

  auto compiled = std::make_unique<CompiledBlock>();
  compiled->key = key;
  compiled->ignored_mode = kModeFsGs & ~named;
  compiled->key.mode &= ~compiled->ignored_mode;
  compiled->ir = std::move(block);  // the code will point into its guest instructions
  x64::EmittedBlock emitted = x64::emit_block(compiled->ir, ctx);
  if (emitted.code == nullptr) {  // the arena is full
    block = std::move(compiled->ir);
    return nullptr;
  }
  compiled->start = emitted.start;
  compiled->code = emitted.code;
  compiled->size = emitted.size;
  compiled->links = std::move(emitted.links);
  compiled->guest_count = static_cast<uint32_t>(compiled->ir.guest.size());
  bool calls_interpreter = false;  // (RepString's slow path runs REP steps in it)
  for (const ir::Inst& in : compiled->ir.insts) {
    calls_interpreter =
        calls_interpreter || in.op == ir::Op::kFallback || in.op == ir::Op::kRepString;
    compiled->fallbacks += in.op == ir::Op::kFallback ? 1 : 0;
  }
  compiled->lowered_only = !calls_interpreter;
  // The IR is needed after this only by the verifier (which prints the IR
  // of a block that differs) and the log. It goes here, on the thread
  // that made it: freed by the dispatcher's thread, the background
  // thread's memory went back through that thread's malloc arena, whose
  // lock the two then took turns waiting for (1,100 futex waits on the
  // dispatcher's thread in a boot).
  if (!options_.verify && options_.log == nullptr) {
    compiled->ir.insts.clear();
    compiled->ir.insts.shrink_to_fit();
  }
  return compiled;
}

CompiledBlock* JitEngine::install(core::Cpu& cpu, std::unique_ptr<CompiledBlock> compiled,
                                  uint32_t phys_page, const std::string& unoptimized) {
  stats_.fallbacks += compiled->fallbacks;
  ++stats_.blocks_translated;
  stats_.host_bytes += compiled->size;
  stats_.guest_insns_translated += compiled->guest_count;
  if (options_.log != nullptr) log_block(*compiled, unoptimized);
  if (options_.perf_map != nullptr) {
    std::fprintf(options_.perf_map, "%lx %zx tx86 %04x:%08x\n",
                 static_cast<unsigned long>(reinterpret_cast<uintptr_t>(compiled->start)),
                 compiled->size, cpu.state.seg[core::kCs].selector, compiled->key.eip);
    std::fflush(options_.perf_map);
  }
  // Kept until here for the log only: emit cleared it otherwise, and the
  // verifier keeps it (it prints the IR of a block that differs).
  if (options_.log != nullptr && !options_.verify) {
    compiled->ir.insts.clear();
    compiled->ir.insts.shrink_to_fit();
  }
  cpu.mem.set_code_page(phys_page, true);
  return cache_.add(std::move(compiled));
}

CompiledBlock* JitEngine::translate(core::Cpu& cpu, const BlockKey& key) {
  struct Timed {
    bool on;
    uint64_t& total;
    uint64_t started = on ? __rdtsc() : 0;
    ~Timed() {
      if (on) total += __rdtsc() - started;
    }
  } timed{options_.time_translation, stats_.translate_ticks};
  ir::Block block;
  uint32_t phys_page = 0;
  if (!translate_block(cpu, options_.translate, block, phys_page, &interp_.decode_cache())) {
    return nullptr;
  }
  const std::string unoptimized = options_.log != nullptr ? ir::dump(block) : std::string();
  optimize(block, key);
  x64::EmitContext ctx = emit_context(cpu, key);
  ctx.scratch = emit_scratch_.get();
  std::unique_ptr<CompiledBlock> compiled = emit(block, key, ctx);
  if (compiled == nullptr) {
    flush();
    ctx = emit_context(cpu, key);
    ctx.scratch = emit_scratch_.get();
    compiled = emit(block, key, ctx);
    if (compiled == nullptr) throw std::runtime_error("jit: a block does not fit the code arena");
  }
  return install(cpu, std::move(compiled), phys_page, unoptimized);
}

bool JitEngine::request(core::Cpu& cpu, const BlockKey& key) {
  if (const auto it = pending_.find(key); it != pending_.end()) {
    if (++it->second.visits < kMaxPendingVisits) return true;
    // The dispatcher translates it now: the thread need not, if it has
    // not started yet.
    it->second.job->cancelled.store(true, std::memory_order_relaxed);
    ++stats_.taken_over;
    return false;
  }
  const uint8_t* page = cpu.mem.host_page_for_read(key.phys & ~0xFFFu);
  if (page == nullptr) return true;  // (not RAM or ROM: it stays with the interpreter)
  auto job = std::make_unique<TranslationJob>();
  pending_.emplace(key, Pending{0, job.get()});
  job->key = key;
  job->phys_page = key.phys & ~0xFFFu;
  std::memcpy(job->page.data(), page, job->page.size());
  job->snapshot = snapshot_mode(cpu);
  job->snapshot.page = job->page.data();
  job->ctx = emit_context(cpu, key);
  background_->submit(std::move(job));
  return true;
}

void JitEngine::build(TranslationJob& job, x64::EmitScratch& scratch) const {
  ir::Block block;
  if (!translate_snapshot(job.snapshot, options_.translate, block)) return;
  if (options_.log != nullptr) job.unoptimized = ir::dump(block);
  optimize(block, job.key);
  job.ctx.scratch = &scratch;
  job.block = emit(block, job.key, job.ctx);
  job.arena_full = job.block == nullptr;
}

void JitEngine::install_translations(core::Cpu& cpu) {
  for (std::unique_ptr<TranslationJob>& job : background_->take_results()) {
    pending_.erase(job->key);
    if (job->error) std::rethrow_exception(job->error);
    stats_.translate_ticks += options_.time_translation ? job->ticks : 0;
    if (job->arena_full) {
      flush();  // (drops the other results too; their blocks are asked for again)
      return;
    }
    if (job->block == nullptr && job->cancelled.load(std::memory_order_relaxed)) continue;
    if (job->block == nullptr) {
      // Nothing the snapshot alone could translate (an instruction running
      // into the next page, an undecodable one): translate() will try.
      synchronous_.insert(job->key);
      continue;
    }
    // The guest may have rewritten the code since the snapshot was taken
    // (the page is watched for writes only from now on).
    const uint8_t* page = cpu.mem.host_page_for_read(job->phys_page);
    bool same = page != nullptr;
    for (const ir::GuestInsn& g : job->block->ir.guest) {
      const uint32_t at = (job->key.cs_base + g.eip) & 0xFFFu;
      same = same && std::memcmp(page + at, g.bytes.data(), g.decoded.length) == 0;
    }
    if (!same || cache_.find(job->block->key) != nullptr) continue;
    install(cpu, std::move(job->block), job->phys_page, job->unoptimized);
  }
}

void JitEngine::log_block(const CompiledBlock& b, const std::string& unoptimized) {
  if (!disassembler_) disassembler_ = std::make_unique<core::Tracer>();
  if (!host_listing_) host_listing_ = std::make_unique<HostListing>();
  const std::string host = host_listing_->list({b.start, b.size}, arena_.offset_of(b.start));
  std::string text = fmt::format(
      "block {:08x} (cs base {:08x}, phys {:08x}, mode {:x}): {} guest instructions, {} host bytes "
      "at "
      "arena offset {:#x}\n",
      b.key.eip, b.key.cs_base, b.key.phys, b.key.mode, b.guest_count, b.size,
      arena_.offset_of(b.start));
  for (const ir::GuestInsn& g : b.ir.guest) {
    std::string hex;
    for (unsigned i = 0; i < g.decoded.length; ++i) hex += fmt::format("{:02x} ", g.bytes[i]);
    text += fmt::format(
        "  {:08x}  {:<24} {}\n", g.eip, hex,
        disassembler_->disassemble({g.bytes.data(), g.decoded.length}, b.ir.code32, g.eip));
  }
  text +=
      "IR:\n" + unoptimized + "IR after the passes:\n" + ir::dump(b.ir) + "host:\n" + host + "\n";
  std::fputs(text.c_str(), options_.log);
  std::fflush(options_.log);
}

// Neighbouring code in neighbouring sets: the branch targets of a cold
// function share the few lines of the table they touch, where a hash of
// the address sent each to its own (heat was 3.5% of the ELF boot's
// samples, mostly missing the cache; 2.0% so).
uint32_t JitEngine::heat_set(uint32_t lin, uint32_t mode) {
  return ((lin >> 4) ^ ((mode * 0x9E3779B1u) >> 17)) & (kHeatSets - 1);
}

uint32_t& JitEngine::heat(uint32_t lin, uint32_t mode) {
  // By linear address and mode, not by the block key's physical address, so
  // that interpret_block can count a branch target without a page walk.
  if (heat_.empty()) heat_.resize(kHeatSets);
  HeatSet& set = heat_[heat_set(lin, mode)];
  for (Heat& e : set.ways) {
    if (e.lin == lin && e.mode == mode) return e.count;
  }
  // The coldest way goes (the rotating start breaks ties, so that two new
  // blocks among translated ones do not keep taking the same way).
  unsigned victim = set.next_victim;
  for (unsigned i = 1; i < kHeatWays; ++i) {
    const unsigned w = (set.next_victim + i) % kHeatWays;
    if (set.ways[w].count < set.ways[victim].count) victim = w;
  }
  set.next_victim = (set.next_victim + 1) % kHeatWays;
  set.ways[victim] = Heat{lin, mode, 0};
  return set.ways[victim].count;
}

bool JitEngine::interpret_block(core::Cpu& cpu, uint32_t mode) {
  CpuState& s = cpu.state;
  for (unsigned n = 0; n < kMaxInterpretedRun; ++n) {
    const uint32_t eip = s.eip;
    const uint16_t cs = s.seg[core::kCs].selector;
    // (the dispatcher checked the first)
    if (n > 0 && at_breakpoint(cpu)) break;
    if (!interpret_one(cpu)) return false;
    if (s.icount >= s.icount_limit || cpu.in_shutdown() || s.halted || s.interrupt_shadow ||
        cpu.stop_requested()) {
      break;
    }
    // A jump, call, return, exception or interrupt moved EIP elsewhere. (A
    // short jump forward looks like the next instruction: the run simply
    // goes on, as the code would.)
    if (s.seg[core::kCs].selector != cs) break;
    if (s.eip > eip && s.eip - eip <= 15) continue;
    // A branch within the code segment: when its target is cold too, the run
    // goes on there and counts it, as the dispatcher's lookup would (which
    // costs more than the instructions it saves); when the target is hot or
    // translated, an interrupt waits or the mappings changed, the dispatcher
    // takes over.
    if (options_.hot_threshold <= 1 || needs_interpreter(s) ||
        cpu.mmu.mapping_generation() != mapping_generation_) {
      break;
    }
    if (cpu.interrupt_waiting()) break;
    uint32_t& count = heat(s.seg[core::kCs].base + s.eip, mode);
    if (count + 1 >= options_.hot_threshold) break;
    ++count;
  }
  return true;
}

bool JitEngine::interpret_one(core::Cpu& cpu) {
  sync_fpu(cpu.state);  // the interpreter's x87 instructions use the host's x87 too
  try {
    interp_.step(cpu);
  } catch (const core::Unimplemented& u) {
    cpu.error = u.what;
    return false;
  }
  ++cpu.state.icount;
  ++stats_.interpreted;
  return true;
}

const uint8_t* JitEngine::cached_code(core::Cpu& cpu, uint32_t mode) {
  if (!options_.link) return nullptr;
  CpuState& s = cpu.state;
  const core::SegmentCache& cs = s.seg[core::kCs];
  const uint32_t lin = cs.base + s.eip;
  // (An entry was made for an EIP within its CS limit, so a match is too.)
  if (const uint8_t* code = jump_cache_.find(s.eip, lin, mode, cs.limit)) return code;
  const std::optional<uint32_t> phys = jump_cache_.stale_phys(s.eip, lin, mode, cs.limit);
  if (!phys) return nullptr;
  // (A page fault: lookup finds out again, and the interpreter raises it.)
  if (cpu.mmu.try_translate(s, lin, core::Access::kExecute, cpu.cpl() == 3) != *phys) {
    return nullptr;
  }
  return jump_cache_.revive(lin);
}

uint32_t JitEngine::context_id(uint32_t mode, uint32_t cs_base, uint32_t cs_limit) {
  const std::array<uint32_t, 3> key{mode, cs_base, cs_limit};
  return contexts_.try_emplace(key, static_cast<uint32_t>(contexts_.size())).first->second;
}

CompiledBlock* JitEngine::lookup(core::Cpu& cpu) {
  return lookup(cpu, block_mode(cpu));
}

CompiledBlock* JitEngine::lookup(core::Cpu& cpu, uint32_t mode) {
  CpuState& s = cpu.state;
  const core::SegmentCache& cs = s.seg[core::kCs];
  cold_ = false;
  if (s.eip > cs.limit) return nullptr;
  // Code that is still cold as far as the heat table knows runs in the
  // interpreter without a page walk or a block cache search (most
  // lookups of run-once code are misses, each a hash table probe). A
  // translated block whose heat entry was evicted looks cold too: it is
  // interpreted until it counts up again, then found.
  uint32_t* count = nullptr;
  if (options_.hot_threshold > 1) {
    count = &heat(cs.base + s.eip, mode);
    if (*count + 1 < options_.hot_threshold) {
      ++*count;
      cold_ = true;
      return nullptr;
    }
  }
  BlockKey key;
  const std::optional<core::PhysAddr> phys =
      cpu.mmu.try_translate(s, cs.base + s.eip, core::Access::kExecute, cpu.cpl() == 3);
  if (!phys) return nullptr;  // the interpreter raises the fetch fault
  key.phys = *phys;
  key.eip = s.eip;
  key.cs_base = cs.base;
  key.cs_limit = cs.limit;
  key.mode = mode;
  CompiledBlock* b = cache_.find(key);
  if (b == nullptr && (key.mode & kModeFsGs) != 0) {
    // Kept without the bits of FS, GS or both (most blocks name neither).
    uint32_t tried[4] = {key.mode};
    unsigned n = 1;
    for (const uint32_t ignored : {kModeFsGs, kModeGs, kModeFs}) {
      BlockKey shared = key;
      shared.mode &= ~ignored;
      if (std::find(tried, tried + n, shared.mode) != tried + n) continue;
      tried[n++] = shared.mode;
      b = cache_.find(shared);
      // (One that names a segment whose bits are left out here was
      // translated where they were 0.)
      if (b != nullptr && (key.mode & ~b->ignored_mode) != b->key.mode) b = nullptr;
      if (b != nullptr) break;
    }
  }
  // Translated: interpret_block stops when it gets here. (The reference
  // may not survive translate(), which can flush the heat table.)
  if (count != nullptr) *count = options_.hot_threshold;
  if (b == nullptr) {
    // (Background translation does not see breakpoints: with any set, the
    // dispatcher translates, ending blocks before them.)
    if (background_ != nullptr && !cpu.debug.has_breakpoints() && !synchronous_.contains(key) &&
        request(cpu, key)) {
      // Interpreted (a block's run at a time) until the translation comes.
      cold_ = true;
      return nullptr;
    }
    b = translate(cpu, key);
  }
  if (b != nullptr && options_.link) {
    const uint32_t lin = key.cs_base + key.eip;
    jump_cache_.insert(key.eip, lin, b->key.mode, key.cs_limit, b->start, b->code,
                       cpu.mmu.maps_global(lin, cpu.cpl() == 3), key.phys, b->ignored_mode);
    ++stats_.jump_cache_fills;
  }
  return b;
}

core::StopReason JitEngine::run(core::Cpu& cpu, uint64_t max_insns) {
  CpuState& s = cpu.state;
  s.icount_limit = s.icount + max_insns;
  // Translated x87 code leaves the guest's x87 state in the host's x87
  // (CpuState::fpu_live), and it stays there from block to block: the
  // dispatcher itself never uses the x87. It comes back before anything
  // that may: the interpreter, delivering an interrupt or exception (a task
  // switch sets CR0.TS, which the next x87 instruction must see), and
  // whatever runs after this returns.
  struct FpuBack {
    CpuState& s;
    ~FpuBack() { sync_fpu(s); }
  } fpu_back{s};
  // A debugger's breakpoints: no translated block holds one (the translator
  // ends blocks before them), so every way to one comes through here or
  // through the interpreter, which check them. Blocks made for another set
  // of breakpoints go.
  if (cpu.debug.breakpoint_generation() != breakpoint_generation_) {
    breakpoint_generation_ = cpu.debug.breakpoint_generation();
    flush();
  }
  while (s.icount < s.icount_limit) {
    if (background_ != nullptr && background_->has_results()) install_translations(cpu);
    // Where the guest goes next is mostly code that ran a while ago: the
    // entries the lookups below read are in memory, not in the cache.
    // Their loads start now, under the checks.
    const uint32_t next_lin = s.seg[core::kCs].base + s.eip;
    jump_cache_.prefetch(next_lin);
    interp_.decode_cache().prefetch(next_lin);
    if (cpu.stop_requested()) return core::StopReason::kStopRequested;
    if (cpu.mmu.mapping_generation() != mapping_generation_) {
      // Linear-to-physical mappings changed: the jump cache's may be stale.
      const bool pages_only = cpu.mmu.for_each_page_flush_since(
          mapping_generation_, [&](uint32_t page) { jump_cache_.make_page_stale(page); });
      if (!pages_only) {
        if (cpu.mmu.kept_global_since(mapping_generation_)) {
          jump_cache_.clear_non_global();
        } else {
          jump_cache_.make_stale();
        }
      }
      mapping_generation_ = cpu.mmu.mapping_generation();
    }
    // The instruction after STI or MOV SS runs before interrupts are
    // recognised again (the poll consumes that shadow): alone, so that the
    // next poll comes right after it. A block would run on past it, and in
    // a "sti; nop; cli" wait loop never leave a window at all.
    const bool shadow = s.interrupt_shadow;
    if (s.fpu_live && !shadow && cpu.interrupt_waiting()) sync_fpu(s);
    cpu.poll_interrupts();
    if (cpu.in_shutdown()) return core::StopReason::kShutdown;
    if (s.halted) return core::StopReason::kHalted;
    if (cpu.debug.has_breakpoints() && cpu.debug.breaks_at(s.seg[core::kCs].base + s.eip)) {
      return core::StopReason::kDebug;
    }
    if (shadow) {
      if (!interpret_one(cpu)) return core::StopReason::kUnimplemented;
      if (cpu.in_shutdown()) return core::StopReason::kShutdown;
      continue;
    }

    CompiledBlock* block = nullptr;
    const uint8_t* code = nullptr;
    cold_ = false;
    uint32_t mode = 0;
    if (!needs_interpreter(s)) {
      mode = mode_cache_.get(cpu);
      // (lookup and interpret_block count it there)
      if (!heat_.empty()) __builtin_prefetch(&heat_[heat_set(next_lin, mode)]);
      code = verifier_ ? nullptr : cached_code(cpu, mode);
      if (code == nullptr) {
        block = lookup(cpu, mode);
        if (block != nullptr) code = block->code;
      }
    }
    if (code == nullptr) {
      if (!(cold_ ? interpret_block(cpu, mode) : interpret_one(cpu))) {
        return core::StopReason::kUnimplemented;
      }
      if (cpu.in_shutdown()) return core::StopReason::kShutdown;
      continue;
    }

    ++stats_.block_entries;
    s.jit_fs_gs = fs_gs_bits(mode);
    const x64::ExitValue exit = verifier_ && block->lowered_only
                                    ? verifier_->run(cpu, *block, trampoline_)
                                    : trampoline_.enter(&s, code);
    if (verifier_) {
      sync_state(s);
    } else {
      materialize_flags(s);
    }
    if (verifier_ && !verifier_->mismatch().empty()) {
      cpu.error = verifier_->mismatch();
      return core::StopReason::kEngineError;
    }
    s.code_modified = 0;
    switch (static_cast<ExitStatus>(exit.status)) {
      case ExitStatus::kNext:
      case ExitStatus::kDispatch:
      case ExitStatus::kInvalidated: break;
      case ExitStatus::kBudget: {
        // Not enough budget for a whole block: finish the slice exactly in
        // the interpreter. (A chain of linked blocks may have used it all
        // up.) Here rather than one instruction per dispatch, which would
        // enter the block each time only to fail its budget check again.
        while (s.icount < s.icount_limit && !at_breakpoint(cpu)) {
          if (!interpret_one(cpu)) return core::StopReason::kUnimplemented;
          if (cpu.in_shutdown() || s.halted || s.interrupt_shadow || cpu.stop_requested() ||
              cpu.interrupt_waiting() || needs_interpreter(s)) {
            break;
          }
        }
        break;
      }
      case ExitStatus::kFault: {
        const core::GuestFault f = *cpu.pending_fault;
        cpu.pending_fault.reset();
        sync_fpu(s);
        cpu.deliver_exception(f);
        ++s.icount;  // the faulting instruction counts as a step, as in the interpreter
        if (cpu.in_shutdown()) return core::StopReason::kShutdown;
        break;
      }
      case ExitStatus::kUnimplemented: return core::StopReason::kUnimplemented;
      case ExitStatus::kInterpret:
        // The next page no longer holds what a straddling instruction's
        // block was translated from, or is not in the TLB: the
        // interpreter fetches it (and raises the fetch's fault).
        if (at_breakpoint(cpu)) break;
        if (!interpret_one(cpu)) return core::StopReason::kUnimplemented;
        if (cpu.in_shutdown()) return core::StopReason::kShutdown;
        break;
      case ExitStatus::kLink: {
        // A direct exit taken for the first time: link it to its target.
        const auto* jump = reinterpret_cast<const uint8_t*>(exit.link_slot);
        CompiledBlock* from = nullptr;
        size_t index = 0;
        cache_.find_link(jump, from, index);
        if (from != nullptr && from->valid && from->links[index].ic_cmp != nullptr) {
          // An indirect exit's inline cache: linked only within the page
          // its block starts in, as direct exits are (a target elsewhere
          // may map to another physical page next time).
          const uint32_t page = (from->key.cs_base + from->key.eip) & ~0xFFFu;
          if (((s.seg[core::kCs].base + s.eip) & ~0xFFFu) != page || needs_interpreter(s)) {
            cache_.fill_inline_cache(from, index, s.eip, nullptr);
            break;
          }
        }
        if (from != nullptr && from->valid && !needs_interpreter(s)) {
          // Translating the target may flush the whole cache, and `from`
          // with it (freed, not just invalid): then there is nothing to link.
          const uint64_t flushes = stats_.flushes;
          CompiledBlock* to = lookup(cpu);
          if (to != nullptr && stats_.flushes == flushes && from->valid) {
            if (from->links[index].ic_cmp != nullptr) {
              cache_.fill_inline_cache(from, index, s.eip, to);
            } else {
              cache_.link(from, index, to);
            }
            ++stats_.links;
          }
        }
        break;
      }
    }
  }
  return cpu.stop_requested() ? core::StopReason::kStopRequested : core::StopReason::kBudget;
}

}  // namespace tx86::jit
