// The JIT against the interpreter on random code: blocks of random
// instructions (weighted towards what the JIT lowers, but any byte can
// come), in each mode of tests/support/random_code.h: real, 16- and 32-bit
// protected, 32-bit with paging (some pages absent or read-only) and
// virtual-8086. Registers point near the code, so
// stores often rewrite it (self-modifying code), and accesses fault. Control
// flow goes wherever the code takes it for a fixed number of instructions;
// in protected mode every exception vectors to a HLT. Both engines must
// end in the same state (the x87 state too) with the same memory.
//
// TX86_JIT_FUZZ_BLOCKS sets how many random programs per mode (CI: 3000),
// TX86_JIT_FUZZ_SEED the seed (printed, so a failure can be repeated),
// TX86_JIT_FUZZ_LOG=N writes program N's translations to stdout.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "tests/support/random_code.h"

namespace tx86::jit {
namespace {

using core::CpuState;
using testing::CodeMachine;
using testing::CodeMode;
using testing::kCode;
using testing::kCodeBytes;
using testing::kPageTable;
using testing::kRamBytes;
using testing::memory_diff;
using testing::same_state;
using testing::state_text;

constexpr uint64_t kSteps = 64;

uint64_t env_u64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 0) : fallback;
}

// Opcodes the JIT lowers, weighted in; two-byte ones follow a 0x0F.
constexpr uint8_t kOneByte[] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0A, 0x0B, 0x10, 0x11, 0x12, 0x13, 0x18, 0x19,
    0x1A, 0x1B, 0x20, 0x21, 0x22, 0x23, 0x25, 0x28, 0x29, 0x2A, 0x2B, 0x30, 0x31, 0x32, 0x33, 0x38,
    0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x40, 0x43, 0x47, 0x48, 0x4B, 0x50, 0x53, 0x55, 0x58, 0x5B, 0x5D,
    0x66, 0x67, 0x69, 0x6A, 0x6B, 0x70, 0x72, 0x74, 0x75, 0x77, 0x7C, 0x7E, 0x80, 0x81, 0x83, 0x84,
    0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8D, 0x90, 0x93, 0x98, 0x99, 0xA0, 0xA1, 0xA2, 0xA3,
    0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0, 0xB3, 0xB8, 0xBB, 0xC0, 0xC1,
    0xC3, 0xC6, 0xC7, 0xC9, 0xD0, 0xD1, 0xD3, 0xD3, 0xE2, 0xE3, 0xE8, 0xEB, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFC, 0xFD, 0xFE, 0xFF, 0x0F, 0x0F, 0x0F, 0x0F, 0x9E, 0x9F,
    // The x87: native in translated code while every exception is masked.
    0xD8, 0xD9, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDD, 0xDE, 0xDF, 0x9B};
constexpr uint8_t kTwoByte[] = {0x40, 0x44, 0x45, 0x4C, 0x4F, 0x82, 0x84, 0x85,
                                0x8E, 0x90, 0x94, 0x95, 0x9C, 0xA3, 0xAB, 0xAF,
                                0xB3, 0xB6, 0xB7, 0xBA, 0xBA, 0xBB, 0xBE, 0xBF};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  uint8_t byte() { return static_cast<uint8_t>(rng_()); }

  void program(CodeMode mode, std::vector<uint8_t>& ram, CpuState& s) {
    ram.assign(kRamBytes, 0);
    // Data near the code: random bytes all around it.
    for (uint32_t a = 0; a < 0x4000; ++a) ram[a] = byte();
    uint32_t at = kCode;
    while (at < kCode + kCodeBytes - 16) {
      if (below(24) == 0) {
        // A repeated string instruction (MOVS STOS CMPS SCAS LODS) after
        // MOV ECX (ECX often small, so that runs fit a page and take the
        // JIT's inline path, or cross into the code, a read-only or absent
        // page) and mostly after CLD.
        static constexpr uint8_t kStrings[] = {0xA4, 0xA5, 0xA6, 0xA7, 0xAA,
                                               0xAB, 0xAC, 0xAE, 0xAF};
        const uint32_t count = below(2) ? below(64) : below(0x1400);
        ram[at++] = 0xB9;  // MOV ECX, imm32 (imm16 under a 16-bit operand size)
        for (int i = 0; i < 4; ++i) ram[at++] = static_cast<uint8_t>(count >> (8 * i));
        if (below(4) != 0) ram[at++] = 0xFC;
        if (below(4) == 0) ram[at++] = 0x66;
        ram[at++] = below(2) ? 0xF3 : 0xF2;
        ram[at++] = kStrings[below(sizeof kStrings)];
        continue;
      }
      if (below(4) != 0) {
        const uint8_t op = kOneByte[below(sizeof kOneByte)];
        ram[at++] = op;
        if (op == 0x0F) ram[at++] = kTwoByte[below(sizeof kTwoByte)];
      }
      // ModRM, SIB, displacement, immediate: random; the decoder takes what
      // it needs and the rest starts the next instruction.
      const uint32_t tail = 1 + below(5);
      for (uint32_t i = 0; i < tail; ++i) ram[at++] = byte();
    }
    s = CpuState{};
    // The x87 as FNINIT leaves it (all exceptions masked: translated code
    // runs x87 instructions natively), now and then as RESET does (all
    // unmasked: the interpreter's path), registers holding random bits.
    if (below(4) != 0) s.fpu.init();
    for (core::X87Reg& r : s.fpu.reg) {
      r.mantissa = rng_();
      r.sign_exp = static_cast<uint16_t>(rng_());
    }
    for (uint32_t& r : s.gpr) r = below(3) == 0 ? static_cast<uint32_t>(rng_()) : below(0x3000);
    s.eflags = core::flags::kReserved1 | (byte() & 0xD5) | (below(2) ? core::flags::kDf : 0);
    s.eip = kCode;
    enter_mode(mode, ram, s, [this](uint32_t n) { return below(n); });
  }

 private:
  std::mt19937_64 rng_;
};

// Runs one program under both engines for `steps` instructions: they must
// stop alike, in the same state, with the same memory. Returns the
// interpreter's state at the end.
CpuState expect_same_run(const std::vector<uint8_t>& ram, const CpuState& start, uint64_t steps,
                         const std::string& what) {
  CodeMachine reference(false);
  CodeMachine translated(true);
  reference.load(ram, start);
  translated.load(ram, start);
  const core::StopReason ra = reference.run(steps);
  const core::StopReason rb = translated.run(steps);
  EXPECT_EQ(ra, rb) << what;
  EXPECT_TRUE(same_state(reference.cpu(), translated.cpu()))
      << what << "\ninterp: " << state_text(reference.cpu())
      << "\njit:    " << state_text(translated.cpu());
  EXPECT_EQ(std::memcmp(reference.mem().ram(), translated.mem().ram(), kRamBytes), 0) << what;
  return reference.cpu().state;
}

// arena_bytes: the JIT's code arena (0: the default); a small one flushes
// often, also while the dispatcher links a block to one it translates.
void fuzz(CodeMode mode, const char* name, size_t arena_bytes = 0) {
  const uint64_t seed = env_u64("TX86_JIT_FUZZ_SEED", 0x5eed) + static_cast<uint64_t>(mode);
  const uint64_t programs = env_u64("TX86_JIT_FUZZ_BLOCKS", 3000);
  std::printf("jit fuzz (%s): seed %llu, %llu programs of %llu instructions\n", name,
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(programs),
              static_cast<unsigned long long>(kSteps));
  Generator gen(seed);
  const uint64_t log_program = env_u64("TX86_JIT_FUZZ_LOG", UINT64_MAX);
  CodeMachine reference(false);
  JitOptions options;
  options.log = log_program != UINT64_MAX ? stdout : nullptr;
  if (arena_bytes != 0) options.arena_bytes = arena_bytes;
  CodeMachine translated(true, options);
  std::vector<uint8_t> ram;
  CpuState start;
  int failures = 0;
  for (uint64_t n = 0; n < programs && failures < 3; ++n) {
    gen.program(mode, ram, start);
    if (log_program != UINT64_MAX && n != log_program) continue;
    reference.load(ram, start);
    translated.load(ram, start);
    core::StopReason ra = core::StopReason::kBudget;
    core::StopReason rb = core::StopReason::kBudget;
    // Run in two slices, so that blocks are entered warm (linked) too.
    for (uint64_t slice : {kSteps / 2, kSteps / 2}) {
      if (ra == core::StopReason::kBudget) ra = reference.run(slice);
      if (rb == core::StopReason::kBudget) rb = translated.run(slice);
    }
    const bool same_memory =
        std::memcmp(reference.mem().ram(), translated.mem().ram(), kRamBytes) == 0;
    if (ra == rb && same_state(reference.cpu(), translated.cpu()) && same_memory) continue;
    ++failures;
    const std::string diff = memory_diff(reference, translated);
    // The verify mode names the first block that differs, if it can.
    std::string verdict;
    {
      JitOptions verify;
      verify.verify = true;
      CodeMachine verifying(true, verify);
      verifying.load(ram, start);
      for (int i = 0; i < 2; ++i) {
        if (verifying.run(kSteps / 2) == core::StopReason::kEngineError) {
          verdict = "\n" + verifying.cpu().error;
          break;
        }
      }
    }
    ADD_FAILURE() << name << " program " << n << " (seed " << seed << "): stop "
                  << static_cast<int>(ra) << "/" << static_cast<int>(rb)
                  << "\ninterp: " << state_text(reference.cpu())
                  << "\njit:    " << state_text(translated.cpu())
                  << (diff.empty() ? "" : "\nmemory (interp/jit):" + diff) << verdict;
  }
  std::printf("jit fuzz (%s): %s\n", name, translated.stats().c_str());
}

// An access site remembers the TLB entry it used last (emit_memory.cpp).
// The same loads and a store, run on addresses from a table: a page, one
// that starts in the page below it and ends in it, a page again, one whose
// linear address (DS has base 0x10) starts below 4 GiB and wraps to page 0
// after page 0 was used, and the same at each size. Each must read and
// write what the interpreter does.
TEST(JitFuzz, AccessSitesFollowTheirAddressesAcrossPages) {
  Generator gen(1);
  std::vector<uint8_t> ram;
  CpuState start;
  gen.program(CodeMode::kProtected, ram, start);
  constexpr uint32_t kBase = 0x10;
  start.seg[core::kDs].base = kBase;
  constexpr uint32_t kTable = 0x3000;
  const uint32_t linear[] = {0x6010, 0x5FFE, 0x5FEC, 0x0010, 0xFFFFFFFEu,
                             0x5020, 0x5FFF, 0x6000, 0x0004, 0xFFFFFFFFu};
  for (size_t i = 0; i < std::size(linear); ++i) {
    const uint32_t offset = linear[i] - kBase;
    std::memcpy(ram.data() + kTable + 4 * i, &offset, 4);
  }
  for (uint32_t a = 0x5000; a < 0x7000; ++a) ram[a] = static_cast<uint8_t>(a * 7 + (a >> 8));
  constexpr uint8_t kTableOffset = (kTable - kBase) & 0xFF;  // 0x2FF0
  const std::vector<uint8_t> code = {0xBE, kTableOffset,
                                     0x2F, 0x00,
                                     0x00,  // mov esi, kTable - kBase
                                     0xB9, static_cast<uint8_t>(std::size(linear)),
                                     0,    0,
                                     0,           // mov ecx, n
                                     0x8B, 0x1E,  // loop: mov ebx, [esi]
                                     0x8B, 0x03,  // mov eax, [ebx]
                                     0x01, 0xC2,  // add edx, eax
                                     0x66, 0x8B,
                                     0x3B,  // mov di, [ebx]
                                     0x0F, 0xB6,
                                     0x2B,        // movzx ebp, byte [ebx]
                                     0x01, 0xEF,  // add edi, ebp
                                     0x89, 0x13,  // mov [ebx], edx
                                     0x83, 0xC6,
                                     0x04,        // add esi, 4
                                     0x49,        // dec ecx
                                     0x75, 0xE6,  // jnz loop
                                     0xF4};       // hlt
  std::copy(code.begin(), code.end(), ram.begin() + kCode);
  const CpuState end = expect_same_run(ram, start, 400, "");
  EXPECT_EQ(end.gpr[core::kEcx], 0u);  // (the loop ran to its end)
}

// An instruction that crosses into the next page has a block of its own,
// which fetches it each time; when it leaves for another CS (a far jump)
// the dispatcher must take over, and the jump counts once. (Found by
// fuzz_guest_code: the helper's "go to the dispatcher" read as "go on",
// and the block counted the jump a second time.) Each budget from the
// jump's to past it must end both engines alike.
TEST(JitFuzz, AFarJumpAcrossAPageCountsOnce) {
  for (const CodeMode mode : {CodeMode::kReal, CodeMode::kVirtual8086}) {
    Generator gen(3);
    std::vector<uint8_t> ram;
    CpuState start;
    gen.program(mode, ram, start);
    const std::vector<uint8_t> code = {0x90, 0x90,                    // nop, nop
                                       0xEA, 0x00, 0x00, 0x12, 0x00,  // jmp 0012:0000 (at 0xFFF)
                                       0xF4};
    std::copy(code.begin(), code.end(), ram.begin() + 0xFFD);
    ram[0x120] = 0x40;  // inc ax
    ram[0x121] = 0xF4;
    start.eip = 0xFFD;
    for (uint64_t steps = 2; steps <= 6; ++steps) {
      const CpuState end = expect_same_run(ram, start, steps,
                                           fmt::format("{}, {}", testing::mode_name(mode), steps));
      if (steps <= 4) {
        EXPECT_EQ(end.icount, steps);  // (then the HLT, which faults in V86)
      }
    }
  }
}

// A value an instruction computes after its store, for a later
// instruction's write of a pinned register, must not be computed in that
// register: when the store rewrote translated code the block leaves after
// the storing instruction, with the register's old value. (Found by
// fuzz_guest_code: CMPXCHG [ECX], EAX on its own code, then XCHG EAX, ECX,
// left ECX holding the value loaded for EAX.)
TEST(JitFuzz, AStoreIntoItsOwnCodeLeavesThePinnedRegistersOfTheNextInstruction) {
  Generator gen(4);
  std::vector<uint8_t> ram;
  CpuState start;
  gen.program(CodeMode::kProtected, ram, start);
  const std::vector<uint8_t> code = {0x0F, 0xB1, 0x01,  // cmpxchg [ecx], eax
                                     0x91,              // xchg eax, ecx
                                     0xF4};
  std::copy(code.begin(), code.end(), ram.begin() + kCode);
  start.gpr[core::kEcx] = kCode;
  start.gpr[core::kEax] = 0x1234;  // not the code's first dword: loaded into EAX
  const CpuState end = expect_same_run(ram, start, 10, "");
  EXPECT_EQ(end.gpr[core::kEax], kCode);
  EXPECT_EQ(end.gpr[core::kEcx], 0x9101B10Fu);
}

// A DEC or INC at a block's head keeps the CF the block starts with, which
// the loop's CMP left raw (the back edge goes straight into the block,
// from the fourth pass on) while EFLAGS in CpuState holds an older CF. A
// DEC's flags captured only on its side exit (DEC EDX, JZ out: the loop's
// counter) take that CF from the raw word there, and so does a page fault
// after the exit, which recomputes them; so do an INC's that only a fault
// after it sees (deferred): nothing merges the CF on entry. Each pass moves
// EBX across EAX (CF changes) and ESI to the next page (the fourth absent).
TEST(JitFuzz, AnIncOrDecAtALoopsHeadKeepsTheCarryTheBackEdgeLeftRaw) {
  Generator gen(2);
  std::vector<uint8_t> ram;
  CpuState start;
  gen.program(CodeMode::kPaged, ram, start);
  struct Program {
    std::vector<uint8_t> code;
    size_t step_at;
    std::vector<uint32_t> edx;
  };
  const Program programs[] = {
      {{
           0x90,                          // nop
           0x4A,                          // top: dec edx
           0x74, 0x10,                    // jz out
           0x8B, 0x3E,                    // mov edi, [esi]
           0x8D, 0x5B, 0x00,              // lea ebx, [ebx + step]
           0x8D, 0xB6, 0x00, 0x10, 0, 0,  // lea esi, [esi + 0x1000]
           0x39, 0xD8,                    // cmp eax, ebx
           0x75, 0xEE,                    // jnz top
           0xF4,                          // hlt (EBX never meets EAX)
           0x9C,                          // out: pushfd
           0xF4,                          // hlt
       },
       8,
       {4, 100}},  // the JZ out taken on the fourth pass, or the fault
      {{
           0x90,                          // nop
           0x42,                          // top: inc edx
           0x8B, 0x3E,                    // mov edi, [esi]
           0x8D, 0x5B, 0x00,              // lea ebx, [ebx + step]
           0x8D, 0xB6, 0x00, 0x10, 0, 0,  // lea esi, [esi + 0x1000]
           0x39, 0xD8,                    // cmp eax, ebx
           0x75, 0xF0,                    // jnz top
           0xF4,                          // hlt
       },
       6,
       {0x7FFFFFFD, 5}},  // the fourth INC overflows (OF, SF change), or not
  };
  auto pte = [&](uint32_t page, uint32_t value) {
    std::memcpy(ram.data() + kPageTable + 4 * page, &value, 4);
  };
  pte(3, 0x3007);
  pte(4, 0x4007);
  pte(5, 0x5007);
  pte(6, 0);  // absent
  pte(7, 0x7007);
  start.gpr[core::kEsp] = 0x7800;
  start.gpr[core::kEsi] = 0x3000;
  start.gpr[core::kEax] = 0x40;
  int n = 0;
  for (const Program& program : programs) {
    std::copy(program.code.begin(), program.code.end(), ram.begin() + kCode);
    for (const int8_t step : {int8_t{0x20}, int8_t{-0x20}}) {
      for (const uint32_t edx : program.edx) {
        ram[kCode + program.step_at] = static_cast<uint8_t>(step);
        start.gpr[core::kEbx] = step > 0 ? 0xFFFFFFF0u : 0x90;
        start.gpr[core::kEdx] = edx;
        const std::string what = "case " + std::to_string(n++);
        const CpuState end = expect_same_run(ram, start, 40, what);
        EXPECT_EQ(end.gpr[core::kEsi], 0x6000u) << what;  // (4 passes)
      }
    }
  }
}

TEST(JitFuzz, RealMode) {
  fuzz(CodeMode::kReal, "real mode");
}
TEST(JitFuzz, ProtectedMode) {
  fuzz(CodeMode::kProtected, "protected mode");
}
TEST(JitFuzz, ProtectedModeWithPaging) {
  fuzz(CodeMode::kPaged, "paging");
}
TEST(JitFuzz, SixteenBitProtectedMode) {
  fuzz(CodeMode::kProtected16, "16-bit protected mode");
}
TEST(JitFuzz, Virtual8086Mode) {
  fuzz(CodeMode::kVirtual8086, "virtual-8086 mode");
}
TEST(JitFuzz, SmallArenaFlushingOften) {
  fuzz(CodeMode::kProtected, "small arena", 128 * 1024);
}

// Page groups (the backend maps a page once for accesses at constant
// distances from one base, page_groups.cpp): a loop runs a random run of
// ESI-relative and stack accesses three times (the later times find the
// TLB warm), with ESI inside a page, at either end of one (the group's
// span crosses into the next page: each access looks itself up), on the
// code (no write mapping: stores rewrite it) or, with paging, next to
// absent and read-only pages and to a page mapped elsewhere, or where
// ESI + displacement wraps past 4 GiB (either way), which the run
// may remap on the way (a page-table store and INVLPG: an interpreter call
// between accesses of one group).
TEST(JitFuzz, PageGroups) {
  static const std::vector<std::vector<uint8_t>> kData = {
      {0x8B, 0x06},              // mov eax, [esi]
      {0x8B, 0x5E, 0x04},        // mov ebx, [esi + 4]
      {0x89, 0x46, 0x08},        // mov [esi + 8], eax
      {0x03, 0x46, 0xFC},        // add eax, [esi - 4]
      {0x66, 0x89, 0x5E, 0x0E},  // mov [esi + 14], bx
      {0x88, 0x46, 0x02},        // mov [esi + 2], al
      {0x8B, 0x56, 0x10},        // mov edx, [esi + 16]
  };
  static const std::vector<std::vector<uint8_t>> kStack = {
      {0x50},                    // push eax
      {0x53},                    // push ebx
      {0x8B, 0x54, 0x24, 0x04},  // mov edx, [esp + 4]
      {0x5F},                    // pop edi
  };
  static const std::vector<uint8_t> kRemap = {
      0xC7, 0x05, 0x0C, 0x10, 0x01, 0x00, 0x07, 0x50, 0x00, 0x00,  // mov [PTE of 0x3000], 0x5007
      0x0F, 0x01, 0x3D, 0x00, 0x30, 0x00, 0x00,                    // invlpg [0x3000]
  };
  static_assert(kPageTable + 3 * 4 == 0x1100C);
  static constexpr uint32_t kPlaces[] = {0x2100,    0x2002, 0x3000 - 12, 0x3000 - 20,
                                         0x3100,    0x4FFC, 0x5000 - 2,  kCode + 0x300,
                                         kCode + 4, 2,      0xFFFFFFF6};
  Generator gen(0x9A6E);
  CodeMachine reference(false);
  CodeMachine translated(true);
  std::vector<uint8_t> ram;
  CpuState start;
  int failures = 0;
  for (int n = 0; n < 800 && failures < 3; ++n) {
    const bool paged = n % 2 != 0;
    gen.program(paged ? CodeMode::kPaged : CodeMode::kProtected, ram, start);
    if (paged) {  // page 0x3000 at physical 0x6000
      for (int i = 0; i < 4; ++i)
        ram[kPageTable + 3 * 4 + i] = static_cast<uint8_t>(0x6007 >> (8 * i));
    }
    uint32_t at = kCode;
    const auto put = [&](const std::vector<uint8_t>& bytes) {
      for (uint8_t b : bytes) ram[at++] = b;
    };
    put({0xB9, 0x03, 0x00, 0x00, 0x00});  // mov ecx, 3
    const uint32_t loop = at;
    const uint32_t count = 2 + gen.below(6);
    const bool stack = n % 4 >= 2;
    for (uint32_t i = 0; i < count; ++i) {
      if (paged && gen.below(8) == 0) put(kRemap);
      put(stack && gen.below(2) ? kStack[gen.below(kStack.size())]
                                : kData[gen.below(kData.size())]);
    }
    put({0x49});                                         // dec ecx
    put({0x75, static_cast<uint8_t>(loop - (at + 2))});  // jnz loop
    put({0xF4});                                         // hlt
    start.gpr[core::kEsi] = kPlaces[gen.below(sizeof kPlaces / sizeof kPlaces[0])];
    reference.load(ram, start);
    translated.load(ram, start);
    const core::StopReason ra = reference.run(300);
    const core::StopReason rb = translated.run(300);
    const bool same_memory =
        std::memcmp(reference.mem().ram(), translated.mem().ram(), kRamBytes) == 0;
    if (ra == rb && same_state(reference.cpu(), translated.cpu()) && same_memory) continue;
    ++failures;
    ADD_FAILURE() << "page groups case " << n << ": stop " << static_cast<int>(ra) << "/"
                  << static_cast<int>(rb) << "\ninterp: " << state_text(reference.cpu())
                  << "\njit:    " << state_text(translated.cpu())
                  << (same_memory ? "" : "\nmemory differs");
  }
  std::printf("page groups: %s\n", translated.stats().c_str());
}

}  // namespace
}  // namespace tx86::jit
