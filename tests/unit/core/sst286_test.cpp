// The SingleStepTests 80286 suite (shared/testdata/sst286; its README gives
// the format): single instructions captured on a real 80286 in real mode.
// Each test loads its registers and RAM bytes into a fresh real-mode CPU,
// steps the interpreter until the HLT that follows the instruction (or the
// HLT at the exception handler), and compares registers and bytes exactly,
// with FLAGS masked where the instruction leaves flags undefined. Every
// form runs twice: on the interpreter, and on the JIT translating one
// instruction per block (so each test exercises that instruction's lowering,
// 16-bit forms above all).
//
// tx86 models a Pentium. Where a 286 and a Pentium truly differ, the tests
// are skipped: whole forms by kFormSkips, single tests by classify() before
// they run and by Runner when the run shows the difference, each with its
// reason in kSkipReasons, and counted in the summary line printed at the end
// of the run.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/cpu/cpu.h"
#include "core/decoder/decoder.h"
#include "core/interp/interpreter.h"
#include "jit/runtime/jit_engine.h"
#include "tests/unit/core/mini_json.h"

namespace tx86::core::testing {
namespace {

namespace fs = std::filesystem;
using tx86::testing::JsonValue;

constexpr const char* kDataDir = TX86_SHARED_TESTDATA "/sst286";
constexpr uint64_t kRamBytes = 16u << 20;  // the 286's whole address space
// Enough for a REP string instruction with CX = 0xFFFF (the interpreter runs
// a bounded number of iterations per step) plus the HLT.
constexpr int kMaxSteps = 64;
constexpr int kMaxMessagesPerForm = 5;
// FLAGS bits 12-15 (IOPL, NT, bit 15) read as 0 on a 286 in real mode; the
// README says to ignore them.
constexpr uint32_t kFlags286 = 0x0FFF;

// --- Why a test is not run ------------------------------------------------

enum class Skip : uint8_t {
  kNone,
  kRevoked,
  kForm,
  kLongInsn,
  kLock,
  kFsGs,
  kStringFault,
  kStackWrap,
  kIpWrap,
  kCount,
};

struct SkipReason {
  const char* tag;
  const char* why;
};

constexpr SkipReason kSkipReasons[] = {
    {"none", ""},
    {"revoked", "listed in the suite's revocation_list.txt as a bad capture"},
    {"form", "the whole instruction form differs between a 286 and a Pentium (kFormSkips)"},
    {"insn>10 bytes",
     "the 286 limits an instruction (prefixes included) to 10 bytes and raises interrupt 13 "
     "beyond it (80286 Programmer's Reference Manual, interrupt 13); the 386 and later allow "
     "15 (SDM Vol. 2A, 2.3.11)"},
    {"LOCK misuse",
     "LOCK on an instruction that cannot be locked or has a register destination: the 286 "
     "runs it, the 386 and later raise #UD (SDM Vol. 2A, LOCK)"},
    {"MOV Sreg FS/GS",
     "MOV r/m,Sreg and MOV Sreg,r/m with reg = 4 or 5 are #UD on the 286, which has no FS or "
     "GS; the 386 and later move FS/GS (SDM Vol. 2B, MOV)"},
    {"string #13",
     "a string instruction faulting at offset 0xFFFF: the 286 takes interrupt 13 with SI/DI "
     "(and CX) already advanced; on a Pentium the fault leaves them as they were before the "
     "element (SDM Vol. 3, 6.5: a fault restores the state before the instruction)"},
    {"SS wrap",
     "an SS-relative access crossing offset 0xFFFF: the 286 raises interrupt 13, the 386 and "
     "later raise #SS (12) (SDM Vol. 3, Architecture Compatibility, 'Segment Wraparound')"},
    {"IP wrap",
     "the HLT ends at offset 0xFFFF: the 286's 16-bit IP wraps to 0, a 386 or later's EIP "
     "becomes 0x10000 (its next fetch would fault: 80386 PRM 14.7, 'sequential execution across "
     "offset 65,535'); everything else in the test matched"},
};
static_assert(std::size(kSkipReasons) == static_cast<size_t>(Skip::kCount));

// Whole forms, by file name.
struct FormSkip {
  const char* form;
  const char* reason;
};
constexpr FormSkip kFormSkips[] = {
    {"D8",
     "ESC D8 (x87): the captured 286 had no 80287, so ESC ran as a no-op; a Pentium's FPU is on "
     "chip and executes it (SDM Vol. 1, chapter 8)"},
};

// --- The tally behind the summary line ------------------------------------

struct Tally {
  int forms = 0;
  long total = 0;
  long passed = 0;
  long failed = 0;
  long unimplemented = 0;
  std::array<long, static_cast<size_t>(Skip::kCount)> skipped{};
};

enum class Engine : uint8_t { kInterp, kJit, kCount };
constexpr const char* kEngineNames[] = {"interp", "jit"};

Tally& tally(Engine e) {
  static std::array<Tally, static_cast<size_t>(Engine::kCount)> t;
  return t[static_cast<size_t>(e)];
}

class SummaryPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    for (size_t e = 0; e < static_cast<size_t>(Engine::kCount); ++e) print(static_cast<Engine>(e));
  }

  static void print(Engine engine) {
    const Tally& t = tally(engine);
    if (t.forms == 0) return;
    long skipped = 0;
    std::string reasons;
    for (size_t i = 1; i < t.skipped.size(); ++i) {
      skipped += t.skipped[i];
      if (t.skipped[i] == 0) continue;
      if (!reasons.empty()) reasons += ", ";
      reasons += fmt::format("{} {}", kSkipReasons[i].tag, t.skipped[i]);
    }
    std::printf(
        "sst286 (%s): %ld tests in %d forms: %ld run, %ld passed, %ld failed, %ld skipped (%s), "
        "%ld unimplemented\n",
        kEngineNames[static_cast<size_t>(engine)], t.total, t.forms, t.passed + t.failed, t.passed,
        t.failed, skipped, reasons.c_str(), t.unimplemented);
  }
};

[[maybe_unused]] ::testing::Environment* const kSummary =
    ::testing::AddGlobalTestEnvironment(new SummaryPrinter);

// --- Reading the data ------------------------------------------------------

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Decompresses with the system gzip: no library dependency for test data.
std::string read_gzip(const fs::path& path) {
  const std::string p = path.string();
  if (p.find('\'') != std::string::npos) throw std::runtime_error("unusable path " + p);
  const std::string cmd = "gzip -dc '" + p + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  if (pclose(pipe) != 0) throw std::runtime_error(cmd + " failed");
  return out;
}

// The registers a test names, in the README's order.
constexpr const char* kRegNames[] = {"ax", "bx", "cx", "dx", "cs", "ss", "ds",
                                     "es", "sp", "bp", "si", "di", "ip", "flags"};
constexpr int kRegCount = static_cast<int>(std::size(kRegNames));
// Indexes into kRegNames.
namespace ix {
enum : int { kAx, kBx, kCx, kDx, kCs, kSs, kDs, kEs, kSp, kBp, kSi, kDi, kIp, kFlags };
}
// Where each register lives in CpuState.
enum class Where : uint8_t { kGpr, kSeg, kIp, kFlags };
struct RegSlot {
  Where where;
  uint8_t n;  // Gpr or SegReg
};
constexpr RegSlot kRegSlots[kRegCount] = {
    {Where::kGpr, kEax}, {Where::kGpr, kEbx}, {Where::kGpr, kEcx}, {Where::kGpr, kEdx},
    {Where::kSeg, kCs},  {Where::kSeg, kSs},  {Where::kSeg, kDs},  {Where::kSeg, kEs},
    {Where::kGpr, kEsp}, {Where::kGpr, kEbp}, {Where::kGpr, kEsi}, {Where::kGpr, kEdi},
    {Where::kIp, 0},     {Where::kFlags, 0}};

struct RamByte {
  uint32_t addr;
  uint8_t value;
};

struct TestCase {
  int idx = 0;
  std::string name;
  std::vector<uint8_t> bytes;
  std::string hash;
  std::array<uint16_t, kRegCount> initial{};
  std::array<uint16_t, kRegCount> expected{};  // final value, or initial when unchanged
  std::vector<RamByte> initial_ram;
  std::vector<RamByte> final_ram;
  int exception = -1;  // interrupt number, when the 286 took one
};

std::vector<RamByte> ram_of(const JsonValue& list) {
  std::vector<RamByte> out;
  out.reserve(list.items.size());
  for (const JsonValue& pair : list.items) {
    out.push_back({static_cast<uint32_t>(pair.items.at(0).as_int()),
                   static_cast<uint8_t>(pair.items.at(1).as_int())});
  }
  return out;
}

TestCase test_of(const JsonValue& j) {
  TestCase t;
  t.idx = static_cast<int>(j.at("idx").as_int());
  t.name = j.at("name").str;
  for (const JsonValue& b : j.at("bytes").items)
    t.bytes.push_back(static_cast<uint8_t>(b.as_int()));
  t.hash = j.at("hash").str;
  const JsonValue& init = j.at("initial");
  const JsonValue& fin = j.at("final");
  for (int r = 0; r < kRegCount; ++r) {
    t.initial[r] = static_cast<uint16_t>(init.at("regs").at(kRegNames[r]).as_int());
    const JsonValue* f = fin.at("regs").find(kRegNames[r]);
    t.expected[r] = f != nullptr ? static_cast<uint16_t>(f->as_int()) : t.initial[r];
  }
  t.initial_ram = ram_of(init.at("ram"));
  t.final_ram = ram_of(fin.at("ram"));
  if (const JsonValue* e = j.find("exception")) {
    t.exception = static_cast<int>(e->at("number").as_int());
  }
  return t;
}

// The suite-wide files, read once.
struct SuiteData {
  JsonValue metadata;
  std::set<std::string> revoked;
};

const SuiteData& suite_data() {
  static const SuiteData data = [] {
    SuiteData d;
    d.metadata = tx86::testing::parse_json(read_text(fs::path(kDataDir) / "metadata.json"));
    std::istringstream in(read_text(fs::path(kDataDir) / "revocation_list.txt"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      d.revoked.insert(line.substr(0, line.find_first_of(" \t\r")));
    }
    return d;
  }();
  return data;
}

// FLAGS mask from metadata.json for a form "XX" or "XX.R".
uint32_t flags_mask_of(const std::string& form) {
  const size_t dot = form.find('.');
  const JsonValue* op = suite_data().metadata.at("opcodes").find(form.substr(0, dot));
  if (op != nullptr && dot != std::string::npos) {
    const JsonValue* regs = op->find("reg");
    op = regs != nullptr ? regs->find(form.substr(dot + 1)) : nullptr;
  }
  const JsonValue* mask = op != nullptr ? op->find("flags-mask") : nullptr;
  return (mask != nullptr ? static_cast<uint32_t>(mask->as_int()) : 0xFFFFu) & kFlags286;
}

std::vector<std::string> list_forms() {
  std::vector<std::string> forms;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kDataDir, ec)) {
    const std::string name = e.path().filename().string();
    const std::string suffix = ".json.gz";
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      forms.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  std::sort(forms.begin(), forms.end());
  return forms;
}

// --- Skip rules decided before running --------------------------------------

const char* form_skip_reason(const std::string& form) {
  for (const FormSkip& f : kFormSkips) {
    if (form == f.form) return f.reason;
  }
  return nullptr;
}

Skip classify(const TestCase& t) {
  if (suite_data().revoked.contains(t.hash)) return Skip::kRevoked;
  DecodedInsn insn;
  const DecodeStatus st = decode(t.bytes, false, insn);
  if (st == DecodeStatus::kOk && insn.length > 10) return Skip::kLongInsn;
  if (st != DecodeStatus::kOk) return Skip::kNone;
  if (insn.has(prefix::kLock)) {
    const bool lockable = (insn.attrs & attr::kLock) != 0 && insn.ops[0].kind == OperandKind::kMem;
    if (!lockable) return Skip::kLock;
  }
  if (insn.map == OpcodeMap::kOneByte && (insn.opcode == 0x8C || insn.opcode == 0x8E) &&
      (insn.modrm_reg() == kFs || insn.modrm_reg() == kGs)) {
    return Skip::kFsGs;
  }
  if ((insn.attrs & attr::kString) != 0 && t.exception == vec::kGp) return Skip::kStringFault;
  return Skip::kNone;
}

// --- One machine, reused by every test ---------------------------------------

std::string hex_bytes(const std::vector<uint8_t>& bytes) {
  std::string s;
  for (uint8_t b : bytes) s += fmt::format("{}{:02X}", s.empty() ? "" : " ", b);
  return s;
}

std::string flag_names(uint32_t bits) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {flags::kCf, "CF"}, {flags::kPf, "PF"}, {flags::kAf, "AF"},
      {flags::kZf, "ZF"}, {flags::kSf, "SF"}, {flags::kTf, "TF"},
      {flags::kIf, "IF"}, {flags::kDf, "DF"}, {flags::kOf, "OF"}};
  std::string s;
  for (const auto& [bit, name] : kNames) {
    if (bits & bit) s += fmt::format("{}{}", s.empty() ? "" : " ", name);
  }
  return s.empty() ? fmt::format("{:#x}", bits) : s;
}

enum class Outcome : uint8_t { kPassed, kFailed, kUnimplemented, kSkipped };

class Runner {
 public:
  explicit Runner(Engine engine) : mem_(kRamBytes), cpu_(mem_, io_) {
    mem_.map_ram(0, kRamBytes, 0);
    mem_.set_a20(true);
    if (engine == Engine::kJit) {
      jit::JitOptions options;
      options.translate.max_insns = 1;
      jit_ = std::make_unique<jit::JitEngine>(cpu_, options);
    }
  }

  // Runs one test. On failure `why` says what differed; when the run shows
  // a 286-only behaviour, `skip` says which.
  Outcome run(const TestCase& t, uint32_t flags_mask, std::string& why, Skip& skip) {
    load(t);
    Outcome o = execute(t, why, skip);
    if (o == Outcome::kPassed) o = compare(t, flags_mask, why, skip);
    clear(t);
    return o;
  }

 private:
  void load(const TestCase& t) {
    cpu_.reset();
    CpuState& s = cpu_.state;
    s.cr0 = 0;
    for (SegmentCache& sc : s.seg) sc = SegmentCache{0, 0, 0xFFFF, seg_attr::kRealModeData};
    for (int r = 0; r < kRegCount; ++r) {
      const uint16_t v = t.initial[r];
      const RegSlot slot = kRegSlots[r];
      switch (slot.where) {
        case Where::kGpr: s.gpr[slot.n] = v; break;
        case Where::kSeg: {
          const uint16_t attrs = seg_attr::kRealModeData | (slot.n == kCs ? seg_attr::kCode : 0);
          s.seg[slot.n] = SegmentCache{v, uint32_t{v} << 4, 0xFFFF, attrs};
          break;
        }
        case Where::kIp: s.eip = v; break;
        case Where::kFlags: s.eflags = (v & kFlags286) | flags::kReserved1; break;
      }
    }
    for (const RamByte& b : t.initial_ram) mem_.write8(b.addr, b.value);
  }

  void clear(const TestCase& t) {
    for (const RamByte& b : t.initial_ram) mem_.write8(b.addr, 0);
    for (const RamByte& b : t.final_ram) mem_.write8(b.addr, 0);
  }

  // True when the step just taken delivered #SS(12) where the 286 took
  // interrupt 13: the CPU now sits at the IVT's vector 12 with a fresh
  // three-word frame.
  bool delivered_ss_for_13(const TestCase& t, uint16_t sp_before) {
    if (t.exception != vec::kGp) return false;
    const CpuState& s = cpu_.state;
    const uint16_t ss_ip = mem_.read16(vec::kSs * 4u);
    const uint16_t ss_cs = mem_.read16(vec::kSs * 4u + 2);
    const uint16_t gp_ip = mem_.read16(vec::kGp * 4u);
    const uint16_t gp_cs = mem_.read16(vec::kGp * 4u + 2);
    if (ss_ip == gp_ip && ss_cs == gp_cs) return false;
    return s.seg[kCs].selector == ss_cs && s.eip == ss_ip &&
           s.reg16(kEsp) == static_cast<uint16_t>(sp_before - 6);
  }

  Outcome execute(const TestCase& t, std::string& why, Skip& skip) {
    CpuState& s = cpu_.state;
    try {
      for (int n = 0; n < kMaxSteps && !s.halted && !cpu_.in_shutdown(); ++n) {
        const uint16_t sp = s.reg16(kEsp);
        if (jit_ == nullptr) {
          interp_.step(cpu_);
        } else if (jit_->run(cpu_, 1) == StopReason::kUnimplemented) {
          throw Unimplemented{cpu_.error};
        }
        if (delivered_ss_for_13(t, sp)) {
          skip = Skip::kStackWrap;
          return Outcome::kSkipped;
        }
      }
    } catch (const Unimplemented& u) {
      why = u.what;
      return Outcome::kUnimplemented;
    }
    if (cpu_.in_shutdown()) {
      why = "the CPU shut down (triple fault)";
      return Outcome::kFailed;
    }
    if (!s.halted) {
      why = fmt::format("no HLT reached after {} steps (CS:IP {:04X}:{:04X})", kMaxSteps,
                        s.seg[kCs].selector, s.eip);
      return Outcome::kFailed;
    }
    return Outcome::kPassed;
  }

  uint32_t reg_value(int r) const {
    const CpuState& s = cpu_.state;
    const RegSlot slot = kRegSlots[r];
    switch (slot.where) {
      case Where::kGpr: return s.gpr[slot.n];
      case Where::kSeg: return s.seg[slot.n].selector;
      case Where::kIp: return s.eip;
      case Where::kFlags: break;
    }
    return s.eflags;
  }

  Outcome compare(const TestCase& t, uint32_t flags_mask, std::string& why, Skip& skip) {
    std::vector<std::string> diffs;
    bool ip_wrapped = false;
    for (int r = 0; r < kRegCount; ++r) {
      const uint32_t got = reg_value(r);
      const uint32_t want = t.expected[r];
      if (r == ix::kFlags) {
        const uint32_t d = (got ^ want) & flags_mask;
        if (d != 0) {
          diffs.push_back(fmt::format("flags {:04X} want {:04X} ({})", got & kFlags286,
                                      want & kFlags286, flag_names(d)));
        }
      } else if (r == ix::kIp && got == 0x10000 && want == 0) {
        ip_wrapped = true;
      } else if (got != want) {
        diffs.push_back(fmt::format("{} {:X} want {:X}", kRegNames[r], got, want));
      }
    }
    for (int i = 0; i < kSegCount; ++i) {
      const SegmentCache& sc = cpu_.state.seg[i];
      if (sc.base != uint32_t{sc.selector} << 4) {
        diffs.push_back(
            fmt::format("segment {} base {:X} for selector {:04X}", i, sc.base, sc.selector));
      }
    }
    // Every byte the 286 left: final.ram, and initial.ram where final.ram
    // does not name it. The FLAGS an exception pushed get the mask too. They
    // sit at the final SS:SP+4, under the IP and CS the CPU pushed after them;
    // the data's flag_address is one byte low when SP is odd, so it is not used.
    uint32_t flags_at = kNoFlags;
    if (t.exception >= 0) {
      flags_at =
          (uint32_t{t.expected[ix::kSs]} << 4) + static_cast<uint16_t>(t.expected[ix::kSp] + 4);
    }
    std::set<uint32_t> final_addrs;
    for (const RamByte& b : t.final_ram) {
      final_addrs.insert(b.addr);
      check_byte(b, flags_at, flags_mask, diffs);
    }
    for (const RamByte& b : t.initial_ram) {
      if (!final_addrs.contains(b.addr)) check_byte(b, flags_at, flags_mask, diffs);
    }
    if (diffs.empty() && ip_wrapped) {
      skip = Skip::kIpWrap;
      return Outcome::kSkipped;
    }
    if (diffs.empty()) return Outcome::kPassed;
    for (const std::string& d : diffs) why += (why.empty() ? "" : "; ") + d;
    return Outcome::kFailed;
  }

  static constexpr uint32_t kNoFlags = 0xFFFFFFFFu;

  void check_byte(const RamByte& b, uint32_t flags_at, uint32_t flags_mask,
                  std::vector<std::string>& diffs) {
    uint8_t mask = 0xFF;
    if (b.addr == flags_at) mask = static_cast<uint8_t>(flags_mask);
    if (flags_at != kNoFlags && b.addr == flags_at + 1)
      mask = static_cast<uint8_t>(flags_mask >> 8);
    const uint8_t got = mem_.read8(b.addr);
    if (((got ^ b.value) & mask) != 0) {
      diffs.push_back(fmt::format("ram[{:06X}] {:02X} want {:02X}", b.addr, got, b.value));
    }
  }

  MemoryBus mem_;
  IoBus io_;
  Cpu cpu_;
  Interpreter interp_;
  std::unique_ptr<jit::JitEngine> jit_;  // when the JIT runs the tests
};

// Built once: a MemoryBus is cheap to clear byte by byte but not to build
// (its page table covers 4 GiB), which matters under ASan.
Runner& shared_runner(Engine engine) {
  static Runner interp(Engine::kInterp);
  static Runner jit(Engine::kJit);
  return engine == Engine::kJit ? jit : interp;
}

// --- The tests ---------------------------------------------------------------

TEST(Sst286, DataIsPresent) {
  if (!fs::is_directory(kDataDir)) GTEST_SKIP() << "missing shared test data: " << kDataDir;
  EXPECT_FALSE(list_forms().empty()) << "no .json.gz files in " << kDataDir;
}

struct FormRun {
  std::string form;
  Engine engine;
};

class Sst286Form : public ::testing::TestWithParam<FormRun> {};

TEST_P(Sst286Form, MatchesThe286) {
  const std::string& form = GetParam().form;
  const Engine engine = GetParam().engine;
  const fs::path file = fs::path(kDataDir) / (form + ".json.gz");
  const JsonValue tests = tx86::testing::parse_json(read_gzip(file));
  ASSERT_TRUE(tests.is_array()) << file;
  const uint32_t flags_mask = flags_mask_of(form);

  Tally& tally_all = tally(engine);
  ++tally_all.forms;
  if (const char* reason = form_skip_reason(form)) {
    tally_all.total += static_cast<long>(tests.items.size());
    tally_all.skipped[static_cast<size_t>(Skip::kForm)] += static_cast<long>(tests.items.size());
    GTEST_SKIP() << form << ": " << reason;
  }
  Runner& runner = shared_runner(engine);
  int failures = 0;
  std::set<std::string> unimplemented;
  for (const JsonValue& j : tests.items) {
    const TestCase t = test_of(j);
    ++tally_all.total;
    Skip skip = classify(t);
    std::string why;
    if (skip == Skip::kNone) {
      switch (runner.run(t, flags_mask, why, skip)) {
        case Outcome::kPassed: ++tally_all.passed; break;
        case Outcome::kSkipped: break;
        case Outcome::kUnimplemented:
          ++tally_all.unimplemented;
          unimplemented.insert(why.substr(0, why.find(" at ")));
          break;
        case Outcome::kFailed:
          ++tally_all.failed;
          if (++failures <= kMaxMessagesPerForm) {
            ADD_FAILURE() << form << " #" << t.idx << " \"" << t.name << "\" ["
                          << hex_bytes(t.bytes) << "]: " << why;
          }
          break;
      }
    }
    if (skip != Skip::kNone) ++tally_all.skipped[static_cast<size_t>(skip)];
  }
  EXPECT_EQ(failures, 0) << form << ": " << failures << " of " << tests.items.size()
                         << " tests differ from the 286";
  for (const std::string& u : unimplemented) {
    std::printf("sst286 %s: unimplemented: %s\n", form.c_str(), u.c_str());
  }
}

std::vector<FormRun> form_runs() {
  std::vector<FormRun> runs;
  for (const std::string& form : list_forms()) {
    for (size_t e = 0; e < static_cast<size_t>(Engine::kCount); ++e) {
      runs.push_back({form, static_cast<Engine>(e)});
    }
  }
  return runs;
}

// "80.3" on the JIT becomes op80_3_jit.
std::string form_test_name(const ::testing::TestParamInfo<FormRun>& param) {
  std::string name = "op" + param.param.form;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name + "_" + kEngineNames[static_cast<size_t>(param.param.engine)];
}

INSTANTIATE_TEST_SUITE_P(Sst286, Sst286Form, ::testing::ValuesIn(form_runs()), form_test_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Sst286Form);

}  // namespace
}  // namespace tx86::core::testing
