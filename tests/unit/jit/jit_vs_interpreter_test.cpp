// The JIT against the interpreter (which the differential test holds to the
// host CPU): the differential tester's random sequences — every user-level
// integer form, edge values, deliberate faults — run on two identical
// machines, one stepped by the interpreter, one by the JIT as whole blocks.
// Registers, EFLAGS, EIP, the data window and the stop state must match
// exactly: the JIT implements the interpreter's model, undefined flags
// included.
//
// TX86_JIT_FUZZ_CASES sets how many sequences (CI: 20000), TX86_JIT_FUZZ_SEED
// the seed (printed, so any run can be repeated).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "core/decoder/decoder.h"
#include "jit/runtime/jit_engine.h"
#include "tests/difftest/generator.h"
#include "tests/difftest/tx86_machine.h"

namespace tx86::jit {
namespace {

using difftest::TestCase;
using difftest::Tx86Machine;

uint64_t env_u64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 0) : fallback;
}

std::string listing(const TestCase& c) {
  std::string out;
  for (const difftest::Bytes& insn : c.insns) {
    core::DecodedInsn d;
    core::decode(insn, true, d);
    std::string bytes;
    for (uint8_t b : insn) bytes += fmt::format("{:02x} ", b);
    out += fmt::format("  {:<30} {}\n", bytes, core::mnemonic_name(d.mnemonic));
  }
  return out;
}

std::string state_text(const core::Cpu& cpu) {
  const core::CpuState& s = cpu.state;
  std::string fpu = fmt::format(
      " cw={:04x} sw={:04x} tags={:02x} fop={:03x} fip={:04x}:{:08x} "
      "fdp={:04x}:{:08x}",
      s.fpu.cw, s.fpu.sw, s.fpu.valid, s.fpu.fop, s.fpu.fcs, s.fpu.fip, s.fpu.fds, s.fpu.fdp);
  for (int i = 0; i < 8; ++i) {
    fpu += fmt::format(" r{}={:04x}:{:016x}", i, s.fpu.reg[i].sign_exp, s.fpu.reg[i].mantissa);
  }
  return fmt::format(
      "eax={:08x} ecx={:08x} edx={:08x} ebx={:08x} esp={:08x} ebp={:08x} esi={:08x} edi={:08x} "
      "eip={:08x} eflags={:08x} halted={} shutdown={}\n       {}",
      s.gpr[0], s.gpr[1], s.gpr[2], s.gpr[3], s.gpr[4], s.gpr[5], s.gpr[6], s.gpr[7], s.eip,
      s.eflags, s.halted, cpu.in_shutdown(), fpu);
}

// Runs the sequence and the HLT after it (a #GP at CPL 3, which with no IDT
// ends in a shutdown, as does a faulting instruction).
void run_interpreter(Tx86Machine& m, size_t steps) {
  core::Interpreter interp;
  for (size_t i = 0; i < steps && !m.cpu().in_shutdown(); ++i) interp.step(m.cpu());
}

// The failing case again, with the JIT's log of what it translated.
std::string translation_log(const TestCase& c, size_t steps) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* log = open_memstream(&text, &size);
  if (log == nullptr) return "";
  {
    Tx86Machine m;
    JitOptions options;
    options.log = log;
    JitEngine jit(m.cpu(), options);
    m.load(c);
    jit.flush();
    jit.run(m.cpu(), steps);
  }
  std::fclose(log);
  std::string out(text, size);
  std::free(text);
  return out;
}

// Runs case `c` under both engines; on a difference, adds a failure that
// shows both states, the window bytes that differ and the JIT's log.
bool engines_agree(const TestCase& c, uint64_t n, uint64_t seed, Tx86Machine& reference,
                   Tx86Machine& translated, JitEngine& jit, size_t steps = 0) {
  if (steps == 0) steps = c.insns.size() + 1;
  reference.load(c);
  translated.load(c);
  jit.flush();  // load() rewrote the code page behind the memory bus

  run_interpreter(reference, steps);
  const core::StopReason why = jit.run(translated.cpu(), steps);
  EXPECT_NE(why, core::StopReason::kUnimplemented) << translated.cpu().error;

  const core::CpuState& a = reference.state();
  const core::CpuState& b = translated.state();
  bool same = a.eip == b.eip && a.eflags == b.eflags && a.halted == b.halted &&
              reference.cpu().in_shutdown() == translated.cpu().in_shutdown() &&
              reference.window() == translated.window();
  for (int i = 0; i < 8; ++i) same = same && a.gpr[i] == b.gpr[i];
  same = same && a.fpu == b.fpu;  // the pointers included
  if (same) return true;
  std::string window;
  const difftest::Window wa = reference.window();
  const difftest::Window wb = translated.window();
  for (size_t i = 0; i < wa.size(); ++i) {
    if (wa[i] != wb[i]) window += fmt::format(" [{:#x}] {:02x}/{:02x}", i, wa[i], wb[i]);
  }
  ADD_FAILURE() << "case " << n << " (seed " << seed << "):\n"
                << listing(c) << "interp: " << state_text(reference.cpu()) << "\n"
                << "jit:    " << state_text(translated.cpu()) << "\n"
                << (window.empty() ? "" : "window (interp/jit):" + window + "\n")
                << translation_log(c, steps);
  return false;
}

TEST(JitVsInterpreter, RandomSequencesMatch) {
  const uint64_t seed = env_u64("TX86_JIT_FUZZ_SEED", 0x717);
  const uint64_t cases = env_u64("TX86_JIT_FUZZ_CASES", 20000);
  std::printf("jit fuzz: seed %llu, %llu cases\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(cases));
  difftest::Generator gen(seed);
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  int failures = 0;
  uint64_t insns = 0;
  for (uint64_t n = 0; n < cases && failures < 5; ++n) {
    const TestCase c = gen.next();
    insns += c.insns.size() + 1;
    if (!engines_agree(c, n, seed, reference, translated, jit)) ++failures;
  }
  std::printf("jit fuzz: %llu instructions compared; %s\n", static_cast<unsigned long long>(insns),
              jit.stats_text().c_str());
}

// x87 and MMX sequences as whole blocks: native x87 runs (emit_x87.cpp)
// with the state kept in the host's x87 between instructions, its
// fallbacks (TLB misses, unmasked exceptions, control instructions), the
// interpreter's MMX, and #MF at the next waiting instruction.
TEST(JitVsInterpreter, X87AndMmxSequencesMatch) {
  const uint64_t seed = env_u64("TX86_JIT_FUZZ_SEED", 0x787);
  const uint64_t cases = env_u64("TX86_JIT_FUZZ_CASES", 20000) / 4;
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  int failures = 0;
  for (const difftest::Family family : {difftest::Family::kX87, difftest::Family::kMmx}) {
    difftest::GeneratorOptions options;
    options.family = family;
    difftest::Generator gen(seed, options);
    for (uint64_t n = 0; n < cases && failures < 5; ++n) {
      if (!engines_agree(gen.next(), n, seed, reference, translated, jit)) ++failures;
    }
  }
  std::printf("x87/mmx: %s\n", jit.stats_text().c_str());
}

// Calls the block follows and the RETs that come back from them: the
// predicted return (the block goes on after the CALL), a callee that
// changes its return address (the side exit to the real one), RET imm16,
// and calls nested two deep.
TEST(JitVsInterpreter, ReturnsFromFollowedCallsMatch) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  const auto rel32 = [](uint32_t v) {
    return difftest::Bytes{0xE8, static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                           static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
  };
  struct Case {
    const char* name;
    std::vector<difftest::Bytes> insns;
  };
  const difftest::Bytes mov_ebx{0xBB, 0x05, 0x00, 0x00, 0x00};  // mov ebx, 5
  const difftest::Bytes add{0x01, 0xD8};                        // add eax, ebx
  const difftest::Bytes mov_eax{0xB8, 0x07, 0x00, 0x00, 0x00};  // mov eax, 7
  const Case cases[] = {
      // call f; add eax, ebx; jmp +6 | f: mov eax, 7; ret
      {"predicted", {mov_ebx, rel32(4), add, {0xEB, 0x06}, mov_eax, {0xC3}}},
      // f adds 2 to its return address: back at the JMP, the ADD skipped
      {"mispredicted",
       {mov_ebx, rel32(4), add, {0xEB, 0x0A}, mov_eax, {0x83, 0x04, 0x24, 0x02}, {0xC3}}},
      // push 9; call f; add eax, ebx; jmp +8 | f: mov eax, [esp+4]; ret 4
      {"ret imm16",
       {mov_ebx,
        {0x6A, 0x09},
        rel32(4),
        add,
        {0xEB, 0x07},
        {0x8B, 0x44, 0x24, 0x04},
        {0xC2, 0x04, 0x00}}},
      // call f; add eax, ebx; jmp | f: call g; inc eax; ret | g: mov eax, 7; ret
      {"nested", {mov_ebx, rel32(4), add, {0xEB, 0x0D}, rel32(2), {0x40}, {0xC3}, mov_eax, {0xC3}}},
  };
  uint64_t n = 0;
  for (const Case& k : cases) {
    TestCase c;
    c.insns = k.insns;
    EXPECT_TRUE(engines_agree(c, n++, 0, reference, translated, jit, 64)) << k.name;
    EXPECT_EQ(translated.state().gpr[core::kEax], reference.state().gpr[core::kEax]) << k.name;
  }
}

// Lazy flags: a block's last flag write leaves its flags raw for the next
// block, which reads them. A loop runs a producer, leaves the block (JMP
// EAX, linked from the second round on) and runs a consumer of the flags
// at the next block's start, for producers of every kind (all status
// flags, AF cleared, CF kept) and consumers that read one flag, several,
// or all of them; DEC EBP; JNZ leaves CF-keeping flags for the next round.
TEST(JitVsInterpreter, FlagsLeftByOneBlockAreReadByTheNext) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  const std::vector<difftest::Bytes> producers = {
      {0x39, 0xD1},        // cmp ecx, edx
      {0x01, 0xD1},        // add ecx, edx
      {0x21, 0xD1},        // and ecx, edx
      {0xD1, 0xE1},        // shl ecx, 1
      {0x49},              // dec ecx (CF kept)
      {0xF7, 0xD9},        // neg ecx
      {0x0F, 0xAF, 0xCA},  // imul ecx, edx
  };
  const std::vector<std::vector<difftest::Bytes>> consumers = {
      {{0x0F, 0x92, 0xC3}},                      // setb bl
      {{0x83, 0xD6, 0x00}},                      // adc esi, 0
      {{0x46}, {0x0F, 0x92, 0xC3}},              // inc esi; setb bl
      {{0x9C}, {0x5F}},                          // pushfd; pop edi
      {{0x9F}, {0x88, 0xE3}},                    // lahf; mov bl, ah
      {{0x0F, 0x9E, 0xC3}, {0x0F, 0x9F, 0xC7}},  // setle bl; setg bh
      {{0x19, 0xFF}},                            // sbb edi, edi
      {{0x76, 0x01}, {0x47}},                    // jbe +1; inc edi
      {{0x0F, 0x98, 0xC3}, {0x0F, 0x9A, 0xC7}},  // sets bl; setp bh
  };
  const std::pair<uint32_t, uint32_t> inputs[] = {
      {5, 5}, {3, 7}, {7, 3}, {0x80000000u, 1}, {0x7FFFFFFFu, 0xFFFFFFFFu}, {0, 0}, {0x10, 0x0F}};
  uint64_t n = 0;
  for (const difftest::Bytes& producer : producers) {
    for (const std::vector<difftest::Bytes>& consumer : consumers) {
      // top: mov eax, next; <producer>; jmp eax | next: <consumer>; dec ebp; jnz top
      TestCase c;
      c.insns.push_back({0xBD, 0x03, 0x00, 0x00, 0x00});  // mov ebp, 3
      c.insns.push_back({0xB8, 0, 0, 0, 0});              // mov eax, next
      c.insns.push_back(producer);
      c.insns.push_back({0xFF, 0xE0});  // jmp eax
      const size_t next = c.insns.size();
      for (const difftest::Bytes& b : consumer) c.insns.push_back(b);
      c.insns.push_back({0x4D});  // dec ebp
      const uint32_t jnz_end = c.boundary(c.insns.size()) + 2;
      c.insns.push_back({0x75, static_cast<uint8_t>(c.boundary(1) - jnz_end)});  // jnz top
      const uint32_t target = c.boundary(next);
      std::memcpy(c.insns[1].data() + 1, &target, 4);
      for (const auto& [x, y] : inputs) {
        for (const uint32_t carry : {0u, 1u}) {
          c.gpr = {0, x, y, 0x1234, 0, 0, 0x40, 0x99};
          c.eflags = carry | (x & 0x8C4u);  // CF and some other status flags set before
          EXPECT_TRUE(engines_agree(c, n++, 0, reference, translated, jit, 200));
        }
      }
    }
  }
  std::printf("lazy flags: %s\n", jit.stats_text().c_str());
}

// Shifts and rotates by more than one, whose OF the SDM leaves undefined:
// the JIT must give the interpreter's model (core/interp/shift.cpp), not
// whatever the host CPU does (hosts differ: on a Rocket Lake the host's
// own OF after SHL by 5 is not the model's), read in the block and by the
// next one, at every width and by CL too.
TEST(JitVsInterpreter, ShiftsByMoreThanOneGiveTheModelsOverflowFlag) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  const std::vector<difftest::Bytes> producers = {
      {0xC1, 0xE2, 0x02},        // shl edx, 2
      {0xC1, 0xE2, 0x05},        // shl edx, 5
      {0xC1, 0xE2, 0x1F},        // shl edx, 31
      {0xC0, 0xE2, 0x05},        // shl dl, 5
      {0x66, 0xC1, 0xE2, 0x03},  // shl dx, 3
      {0xC1, 0xEA, 0x03},        // shr edx, 3
      {0xC1, 0xFA, 0x03},        // sar edx, 3
      {0xC1, 0xC2, 0x03},        // rol edx, 3
      {0xC1, 0xCA, 0x03},        // ror edx, 3
      {0xD3, 0xE2},              // shl edx, cl
      {0xD3, 0xEA},              // shr edx, cl
      {0xD3, 0xC2},              // rol edx, cl
      {0xD3, 0xCA},              // ror edx, cl
  };
  uint64_t n = 0;
  for (const difftest::Bytes& producer : producers) {
    for (const bool next_block : {false, true}) {
      // mov eax, next; <producer>; [jmp eax |] next: pushfd; pop edi
      TestCase c;
      c.insns.push_back({0xB8, 0, 0, 0, 0});
      c.insns.push_back(producer);
      if (next_block) c.insns.push_back({0xFF, 0xE0});
      const uint32_t target = c.boundary(c.insns.size());
      std::memcpy(c.insns[0].data() + 1, &target, 4);
      c.insns.push_back({0x9C});
      c.insns.push_back({0x5F});
      for (const uint32_t x : {0x1Du, 0x5A5A5A5Au, 0x80000001u, 0x3FFFFFFFu, 0xC0000000u}) {
        for (const uint32_t count : {2u, 3u, 7u}) {
          c.gpr = {0, count, x, 0x1234, 0, 0, 0x40, 0x99};
          c.eflags = 0x8C5u;
          EXPECT_TRUE(engines_agree(c, n++, 0, reference, translated, jit));
        }
      }
    }
  }
}

// A loop of two blocks: `top`, which names no segment, and `b`, which
// reads through the segment of `prefix` (0x64 FS, 0x65 GS) and adds it to
// EDX, 40 times. The dword it reads is 0x11111111 with the segment based
// at 0, 0x22222222 based at 0x20.
TestCase segment_loop_case(uint8_t prefix) {
  TestCase c;
  const uint32_t w = DT_WINDOW;
  c.insns = {
      {0x43},        // top: inc ebx        (shared)
      {0xFF, 0xE6},  //      jmp esi        (to b: an inline-cache exit, then linked)
      {prefix, 0xA1, static_cast<uint8_t>(w), static_cast<uint8_t>(w >> 8),
       static_cast<uint8_t>(w >> 16), static_cast<uint8_t>(w >> 24)},  // b: mov eax, seg:[w]
      {0x01, 0xC2},                                                    //      add edx, eax
      {0x49},                                                          //      dec ecx
      {0x75, 0x00},                                                    //      jnz top
  };
  c.insns.back()[1] = static_cast<uint8_t>(c.boundary(0) - c.boundary(c.insns.size()));
  c.gpr = {0, 40, 0, 0, 0, 0, c.boundary(2), 0};
  for (int i = 0; i < 4; ++i) {
    c.window[i] = 0x11;
    c.window[0x20 + i] = 0x22;
  }
  return c;
}

// A block that names neither FS nor GS is kept without their mode bits
// and shared between their states (block_mode.h); a block that names FS
// is kept per state and checks CpuState::jit_fs_gs on entry, also when a
// shared block's exit was linked to it in another state.
TEST(JitVsInterpreter, BlocksWithoutFsOrGsAreSharedAndFsBlocksCheckOnEntry) {
  Tx86Machine m;
  JitEngine jit(m.cpu());
  const TestCase c = segment_loop_case(0x64);
  m.load(c);
  jit.flush();
  jit.run(m.cpu(), 1000);
  EXPECT_EQ(m.state().gpr[core::kEdx], 40u * 0x11111111u);
  EXPECT_EQ(m.state().gpr[core::kEbx], 40u);
  const uint64_t translated = jit.stats().blocks_translated;

  // Again with FS based at 0x20 (plain, no longer flat), the translations
  // kept (the code bytes are the same): `top` is found as it was, and its
  // exit, linked to the flat-FS `b`, must not run that.
  m.load(c);
  m.state().seg[core::kFs].base = 0x20;
  jit.run(m.cpu(), 1000);
  EXPECT_EQ(m.state().gpr[core::kEdx], 40u * 0x22222222u);
  EXPECT_EQ(m.state().gpr[core::kEbx], 40u);
  EXPECT_EQ(jit.stats().blocks_translated - translated, 1u) << "only b, for the other FS";
}

// A block that names FS only is kept without GS's mode bits, and one that
// names GS only without FS's (Linux's per-CPU code runs with the user's GS
// loaded or not): a change of the other segment finds the same block, also
// through a link, and a change of its own segment translates it again.
TEST(JitVsInterpreter, ABlockThatNamesOneOfFsAndGsIsSharedBetweenStatesOfTheOther) {
  for (const uint8_t named : {uint8_t{0x64}, uint8_t{0x65}}) {  // FS, GS prefix
    const int own = named == 0x64 ? core::kFs : core::kGs;
    const int other = named == 0x64 ? core::kGs : core::kFs;
    SCOPED_TRACE(own == core::kFs ? "fs" : "gs");
    Tx86Machine m;
    JitEngine jit(m.cpu());
    const TestCase c = segment_loop_case(named);
    m.load(c);
    jit.flush();
    jit.run(m.cpu(), 1000);
    EXPECT_EQ(m.state().gpr[core::kEdx], 40u * 0x11111111u);
    uint64_t translated = jit.stats().blocks_translated;

    // The other segment based at 0x20 (plain, not flat): nothing new.
    m.load(c);
    m.state().seg[other].base = 0x20;
    jit.run(m.cpu(), 1000);
    EXPECT_EQ(m.state().gpr[core::kEdx], 40u * 0x11111111u);
    EXPECT_EQ(m.state().gpr[core::kEbx], 40u);
    EXPECT_EQ(jit.stats().blocks_translated, translated) << "b kept for either " << other;

    // Its own segment too: b again, and the linked exit must not run the
    // old one.
    translated = jit.stats().blocks_translated;
    m.load(c);
    m.state().seg[other].base = 0x20;
    m.state().seg[own].base = 0x20;
    jit.run(m.cpu(), 1000);
    EXPECT_EQ(m.state().gpr[core::kEdx], 40u * 0x22222222u);
    EXPECT_EQ(m.state().gpr[core::kEbx], 40u);
    EXPECT_EQ(jit.stats().blocks_translated - translated, 1u) << "only b, for the other " << own;
  }
}

// PUSHF in the middle of a block, after each kind of flag producer, 32-
// and 16-bit: the JIT lowers it (no interpreter call), and the pushed
// flags must be the interpreter's.
TEST(JitVsInterpreter, PushfInsideABlockMatches) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  const std::vector<difftest::Bytes> producers = {
      {0x39, 0xD1},  // cmp ecx, edx
      {0x21, 0xD1},  // and ecx, edx
      {0x49},        // dec ecx (CF kept)
      {0xF9},        // stc
  };
  uint64_t n = 0;
  for (const difftest::Bytes& producer : producers) {
    TestCase c;
    c.insns = {producer, {0x9C}, {0x5F}, {0x01, 0xD1}, {0x66, 0x9C}, {0x66, 0x5E}};
    for (const uint32_t x : {0u, 5u, 0x80000000u, 0x7FFFFFFFu}) {
      c.gpr = {0, x, 5, 0x1234, 0, 0, 0x40, 0x99};
      c.eflags = 0x8C5u;
      const uint64_t fallbacks = jit.stats().fallbacks;
      EXPECT_TRUE(engines_agree(c, n++, 0, reference, translated, jit));
      EXPECT_EQ(jit.stats().fallbacks - fallbacks, 1u);  // the HLT that ends the case
    }
  }
}

// BT BTS BTR BTC by an immediate (register and memory, 32- and 16-bit,
// offsets past the operand's width), BT by a register, and LAHF/SAHF: the
// JIT lowers them; CF, the result and the other flags must be the
// interpreter's.
TEST(JitVsInterpreter, BitTestsAndAhFlagMovesMatch) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  uint64_t n = 0;
  auto run = [&](std::vector<difftest::Bytes> insns, uint32_t ecx, uint32_t edx, uint32_t eflags) {
    TestCase c;
    c.insns = std::move(insns);
    c.insns.insert(c.insns.end(),
                   {{0x0F, 0x92, 0xC3}, {0x9F}, {0x88, 0xE7}});  // setb bl; lahf; mov bh, ah
    c.gpr = {0x1200, ecx, edx, 0, 0, 0, DT_WINDOW + 16, 0};
    for (size_t i = 0; i < c.window.size(); ++i) c.window[i] = static_cast<uint8_t>(i * 37 + 5);
    c.eflags = eflags;
    EXPECT_TRUE(engines_agree(c, n++, 0, reference, translated, jit));
  };
  for (const uint8_t op : {4, 5, 6, 7}) {  // 0F BA /4-/7: BT BTS BTR BTC r/m, imm8
    for (const uint8_t bit : {0, 1, 7, 8, 15, 16, 17, 30, 31, 33, 63, 255}) {
      for (const bool memory : {false, true}) {
        for (const bool word : {false, true}) {
          difftest::Bytes insn;
          if (word) insn.push_back(0x66);
          const uint8_t modrm = memory ? static_cast<uint8_t>(op << 3 | 6)          // [esi]
                                       : static_cast<uint8_t>(0xC0 | op << 3 | 1);  // ecx
          insn.insert(insn.end(), {0x0F, 0xBA, modrm, bit});
          for (const uint32_t flags : {0x0u, 0x8D5u & DT_EFLAGS_MASK}) {
            run({insn}, 0xA5A5F00Fu, 0, flags);
          }
        }
      }
    }
  }
  for (const uint32_t offset : {0u, 1u, 15u, 16u, 31u, 32u, 33u, 0x80000001u}) {
    run({{0x0F, 0xA3, 0xD1}}, 0x8000F00Fu, offset, 0x1);        // bt ecx, edx
    run({{0x66, 0x0F, 0xA3, 0xD1}}, 0x8000F00Fu, offset, 0x0);  // bt cx, dx
  }
  for (const uint32_t ah : {0x00u, 0xFFu, 0xD5u, 0x2Au, 0x41u, 0x80u}) {
    for (const uint32_t flags : {0x0u, 0x8D5u & DT_EFLAGS_MASK}) {
      run({{0xB4, static_cast<uint8_t>(ah)}, {0x9E}}, 0, 0, flags);  // mov ah, imm; sahf
    }
  }
}

// Indirect calls and the RETs back from them (exits whose inline caches
// fill with their first target, hit and miss): a loop calls through EAX
// one of four targets, the same one every time or a different one each
// time, and in the third case a target rewrites another's immediate each
// time it runs (the linked block is dropped and the cache fills again).
TEST(JitVsInterpreter, IndirectExitsMatchAsTheirTargetsChange) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  uint64_t n = 0;
  for (uint8_t mask : {uint8_t{0}, uint8_t{3}}) {
    for (bool rewrite : {false, true}) {
      // The code, from the POP that puts its own address in EBX; the
      // targets are 8 bytes each, from `targets` on.
      const uint8_t targets = 25;
      std::vector<difftest::Bytes> insns = {
          {0xE8, 0x00, 0x00, 0x00, 0x00},  // call +0
          {0x5B},                          // pop ebx
          {0xB9, 0x28, 0x00, 0x00, 0x00},  // mov ecx, 40
          {0x89, 0xC8},                    // loop: mov eax, ecx
          {0x83, 0xE0, mask},              // and eax, mask
          {0xC1, 0xE0, 0x03},              // shl eax, 3
          {0x8D, 0x44, 0x03, targets},     // lea eax, [ebx + eax + targets]
          {0xFF, 0xD0},                    // call eax
          {0x49},                          // dec ecx
          {0x75, 0xEF},                    // jnz loop
          {0xEB, 0x20},                    // jmp past the targets
      };
      for (uint8_t k = 0; k < 4; ++k) {
        if (k == 0 && rewrite) {
          // inc byte [ebx + targets + 8 + 2] (target 1's immediate); ret
          insns.push_back({0xFE, 0x43, static_cast<uint8_t>(targets + 10)});
          insns.push_back({0xC3});
          insns.push_back({0x90, 0x90, 0x90, 0x90});
        } else {
          insns.push_back({0x83, 0xC2, static_cast<uint8_t>(k + 1)});  // add edx, k + 1
          insns.push_back({0xC3});
          insns.push_back({0x90, 0x90, 0x90, 0x90});
        }
      }
      TestCase c;
      c.insns = insns;
      EXPECT_TRUE(engines_agree(c, n++, 0, reference, translated, jit, 2000))
          << "mask " << int{mask} << (rewrite ? ", rewriting" : "");
      EXPECT_EQ(translated.state().gpr[core::kEdx], reference.state().gpr[core::kEdx]);
    }
  }
  std::printf("indirect: %s\n", jit.stats_text().c_str());
}

// REP MOVS/STOS and REPE/REPNE CMPS/SCAS, every element size, both
// directions, counts from 0 past the data page's end, overlapping copies
// and matches at every position. The data page is touched first (read and
// written), so the TLB maps it and runs inside it take the JIT's inline
// path on host memory; runs past it fault (the page beyond is absent).
TEST(JitVsInterpreter, RepeatedStringInstructionsMatch) {
  const uint64_t seed = 0x5717;
  std::mt19937 rng(seed);
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  static constexpr uint8_t kOps[] = {0xA4, 0xA6, 0xAA, 0xAE};  // MOVS CMPS STOS SCAS (byte)
  static constexpr uint32_t kCounts[] = {0, 1, 2, 7, 64, 200, 0x7FF, 0x900};
  int failures = 0;
  uint64_t n = 0;
  for (uint8_t op : kOps) {
    for (unsigned size : {1u, 2u, 4u}) {
      for (uint8_t rep : {uint8_t{0xF3}, uint8_t{0xF2}}) {
        for (bool down : {false, true}) {
          for (uint32_t count : kCounts) {
            TestCase c;
            for (uint8_t& b : c.window) b = static_cast<uint8_t>(rng() % 4);  // many matches
            // Source and destination near the window, sometimes overlapping.
            const uint32_t base = DT_WINDOW + 64;
            const uint32_t src = base + rng() % 128;
            const uint32_t dst = rng() % 3 == 0 ? src + 1 + rng() % 8 : base + rng() % 128;
            c.gpr[core::kEsi] = src;
            c.gpr[core::kEdi] = dst;
            c.gpr[core::kEcx] = count;
            c.gpr[core::kEax] = c.window[dst - DT_WINDOW] * 0x01010101u;
            c.eflags = down ? core::flags::kDf : 0;
            // Warm the TLB: a load and a store of the same byte.
            c.insns.push_back({0x8A, 0x1E});  // mov bl, [esi]
            c.insns.push_back({0x88, 0x1E});  // mov [esi], bl
            c.insns.push_back({0x8A, 0x1F});  // mov bl, [edi]
            c.insns.push_back({0x88, 0x1F});  // mov [edi], bl
            difftest::Bytes insn;
            if (size == 2) insn.push_back(0x66);
            insn.push_back(rep);
            insn.push_back(static_cast<uint8_t>(op + (size > 1 ? 1 : 0)));
            c.insns.push_back(insn);
            c.insns.push_back({0x89, 0xC3});  // mov ebx, eax: the block goes on after it
            if (!engines_agree(c, n++, seed, reference, translated, jit) && ++failures >= 5) {
              return;
            }
          }
        }
      }
    }
  }
  std::printf("%llu cases; %s\n", static_cast<unsigned long long>(n), jit.stats_text().c_str());
}

// Flags and registers that only a fault would show (forward_state defers
// them; the backend writes them on the fault's exit, recomputing the
// flags): an ALU op or a register write, sometimes an INC merging into the
// flags (it keeps CF), a load or store that faults or not, then
// instructions that overwrite the flags and the registers. The fault must
// show the state the instructions before it left.
TEST(JitVsInterpreter, DeferredStateIsExactAtFaults) {
  const uint64_t seed = 0xF1A6;
  std::mt19937 rng(seed);
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  const std::vector<difftest::Bytes> ops = {
      {0x01, 0xD8},        // add eax, ebx
      {0x29, 0xD8},        // sub eax, ebx
      {0x21, 0xD8},        // and eax, ebx
      {0x09, 0xD8},        // or eax, ebx
      {0x31, 0xD8},        // xor eax, ebx
      {0x40},              // inc eax
      {0x48},              // dec eax
      {0xF7, 0xD8},        // neg eax
      {0xC1, 0xE0, 0x05},  // shl eax, 5
      {0xC1, 0xE8, 0x05},  // shr eax, 5
      {0xC1, 0xF8, 0x05},  // sar eax, 5
      {0x0F, 0xAF, 0xC3},  // imul eax, ebx
      {0x00, 0xD8},        // add al, bl
      {0x66, 0x29, 0xD8},  // sub ax, bx
      {0x80, 0xC3, 0x7F},  // add bl, 0x7f
      {0x11, 0xD8},        // adc eax, ebx (not recomputed: stays on the main path)
      {0x50},              // push eax (ESP and EAX below are deferred register writes)
      {0x8D, 0x40, 0x05},  // lea eax, [eax + 5]
  };
  const std::vector<difftest::Bytes> accesses = {
      {0x64, 0x8B, 0x16},  // mov edx, fs:[esi] (FS is null: #GP)
      {0x2E, 0x89, 0x16},  // mov cs:[esi], edx (code is not writable: #GP)
      {0x8B, 0x17},        // mov edx, [edi] (no fault)
  };
  int failures = 0;
  uint64_t n = 0;
  for (const difftest::Bytes& op : ops) {
    for (const difftest::Bytes& access : accesses) {
      for (int variant = 0; variant < 16; ++variant) {
        TestCase c;
        for (uint32_t& r : c.gpr) r = static_cast<uint32_t>(rng());
        if (variant & 1) c.gpr[core::kEax] = 0x7FFFFFFF + static_cast<uint32_t>(variant);
        c.gpr[core::kEsi] = DT_WINDOW;
        c.gpr[core::kEdi] = DT_WINDOW;
        c.eflags = static_cast<uint32_t>(rng()) & DT_EFLAGS_MASK & ~core::flags::kDf;
        c.insns.push_back(op);
        // A branch out on the op's flags: the side exit alone captures
        // them (plan_exit_captures), so the fault after it recomputes them.
        const size_t branch = c.insns.size();
        if (variant & 8) c.insns.push_back({0x72, 0});  // jc to the end
        if (variant & 2) c.insns.push_back({0x41});     // inc ecx
        c.insns.push_back(access);
        if (variant & 4) c.insns.push_back({0x8B, 0x17});  // a second access
        c.insns.push_back({0x39, 0xD8});                   // cmp eax, ebx
        c.insns.push_back({0x89, 0xD8});                   // mov eax, ebx
        c.insns.push_back({0x89, 0xD9});                   // mov ecx, ebx
        c.insns.push_back({0x53});                         // push ebx
        if (variant & 8) {
          size_t rest = 0;
          for (size_t i = branch + 1; i < c.insns.size(); ++i) rest += c.insns[i].size();
          c.insns[branch][1] = static_cast<uint8_t>(rest);
        }
        if (!engines_agree(c, n++, seed, reference, translated, jit) && ++failures >= 5) return;
      }
    }
  }
}

// A block that jumps over data is decoded from the bytes before and after
// it, not from the data: a loop that stores into the data keeps its
// translation (as a DOS kernel's routines next to their variables need).
// The stores still reach memory as the interpreter's do.
TEST(JitVsInterpreter, StoresBetweenABlocksInstructionsKeepIt) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitEngine jit(translated.cpu());
  TestCase c;
  c.insns = {
      {0xB9, 0x64, 0x00, 0x00, 0x00},  // mov ecx, 100
      {0xE8, 0x00, 0x00, 0x00, 0x00},  // call $+5
      {0x5B},                          // pop ebx: ebx = this byte's address
      {0xEB, 0x02},                    // L: jmp over
      {0x00, 0x00},                    // data (ebx + 3)
      {0x66, 0x89, 0x4B, 0x03},        // over: mov [ebx + 3], cx
      {0xE2, 0xF6},                    // loop L
  };
  const uint64_t invalidated = jit.stats().invalidated_blocks;
  EXPECT_TRUE(engines_agree(c, 0, 0, reference, translated, jit, 4 + 3 * 100));
  EXPECT_EQ(translated.state().gpr[core::kEcx], 0u);
  EXPECT_LE(jit.stats().invalidated_blocks - invalidated, 1u);
}

TEST(JitVsInterpreter, ColdBlocksRunInTheInterpreterUntilHot) {
  Tx86Machine reference;
  Tx86Machine translated;
  JitOptions options;
  options.hot_threshold = 5;
  JitEngine jit(translated.cpu(), options);
  TestCase c;
  c.insns = {
      {0xB9, 0x64, 0x00, 0x00, 0x00},  // mov ecx, 100
      {0x01, 0xC8},                    // L: add eax, ecx
      {0xD1, 0xC3},                    // rol ebx, 1
      {0xE2, 0xFA},                    // loop L
  };
  EXPECT_TRUE(engines_agree(c, 0, 0, reference, translated, jit, 1 + 3 * 100));
  EXPECT_EQ(translated.state().gpr[core::kEax], 5050u);
  // The loop's block ran interpreted four times, then translated once.
  EXPECT_EQ(jit.stats().blocks_translated, 1u);
  EXPECT_GE(jit.stats().interpreted, 1u + 3 * 4);
  EXPECT_LT(jit.stats().interpreted, 1u + 3 * 6);
}

}  // namespace
}  // namespace tx86::jit
