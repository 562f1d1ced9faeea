#include "core/firmware/multiboot.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::core {
namespace {

constexpr uint64_t kRam = 4ull << 20;
constexpr uint32_t kFlags = mb_header::kPageAlignModules | mb_header::kMemoryInfo;

void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  if (b.size() < off + 4) b.resize(off + 4);
  std::memcpy(&b[off], &v, 4);
}
void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  if (b.size() < off + 2) b.resize(off + 2);
  std::memcpy(&b[off], &v, 2);
}
void put_bytes(std::vector<uint8_t>& b, size_t off, const std::vector<uint8_t>& bytes) {
  if (b.size() < off + bytes.size()) b.resize(off + bytes.size());
  std::memcpy(&b[off], bytes.data(), bytes.size());
}

// A Multiboot header at `off`; with the address fields when flags has bit 16.
void put_header(std::vector<uint8_t>& b, size_t off, uint32_t flags,
                std::initializer_list<uint32_t> address_fields = {}) {
  put32(b, off, kMultibootHeaderMagic);
  put32(b, off + 4, flags);
  put32(b, off + 8, 0u - kMultibootHeaderMagic - flags);
  size_t at = off + 12;
  for (uint32_t v : address_fields) {
    put32(b, at, v);
    at += 4;
  }
}

struct Seg {
  uint32_t paddr;
  uint32_t vaddr;
  std::vector<uint8_t> bytes;
  uint32_t memsz;
  uint32_t type = 1;  // PT_LOAD
};

// An ELF32 i386 executable: header, program headers at 52, the Multiboot
// header at 0x100, segment bytes from 0x200.
std::vector<uint8_t> make_elf(uint32_t entry, const std::vector<Seg>& segs,
                              uint32_t flags = kFlags) {
  std::vector<uint8_t> b(0x200, 0);
  const uint8_t ident[] = {0x7F, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(b.data(), ident, sizeof ident);
  put16(b, 16, 2);  // ET_EXEC
  put16(b, 18, 3);  // EM_386
  put32(b, 20, 1);
  put32(b, 24, entry);
  put32(b, 28, 52);  // e_phoff
  put16(b, 40, 52);  // e_ehsize
  put16(b, 42, 32);  // e_phentsize
  put16(b, 44, static_cast<uint16_t>(segs.size()));
  size_t data = 0x200;
  for (size_t i = 0; i < segs.size(); ++i) {
    const size_t ph = 52 + 32 * i;
    put32(b, ph, segs[i].type);
    put32(b, ph + 4, static_cast<uint32_t>(data));
    put32(b, ph + 8, segs[i].vaddr);
    put32(b, ph + 12, segs[i].paddr);
    put32(b, ph + 16, static_cast<uint32_t>(segs[i].bytes.size()));
    put32(b, ph + 20, segs[i].memsz);
    put_bytes(b, data, segs[i].bytes);
    data += segs[i].bytes.size();
  }
  put_header(b, 0x100, flags);
  return b;
}

// A kernel with the address fields ("a.out kludge"): 32 bytes of header at
// file offset 16, loaded from file offset 0 at load_addr.
std::vector<uint8_t> make_kludge(uint32_t load_addr, uint32_t load_end, uint32_t bss_end,
                                 uint32_t entry, const std::vector<uint8_t>& code) {
  std::vector<uint8_t> b(48, 0x90);
  put_header(b, 16, kFlags | mb_header::kAddressFields,
             {load_addr + 16, load_addr, load_end, bss_end, entry});
  put_bytes(b, 48, code);
  return b;
}

MachineConfig config(uint64_t ram = kRam) {
  MachineConfig c;
  c.ram_bytes = ram;
  return c;
}

MultibootKernel prepare(const std::vector<uint8_t>& file,
                        std::optional<std::string> cmdline = std::nullopt, uint64_t ram = kRam) {
  return prepare_multiboot("k.elf", file, ram, cmdline);
}

TEST(Multiboot, ElfSegmentsLoadAtTheirPhysicalAddressesWithBssZeroed) {
  Machine m(config());
  m.reset();
  for (uint32_t a = 0x100000; a < 0x103000; ++a) m.memory().write8(a, 0xCC);
  const auto file = make_elf(0x100000, {{0x100000, 0x100000, {0xFA, 0xF4, 1, 2, 3}, 5},
                                        {0x101FFE, 0x101FFE, {0xAB, 0xCD, 0xEF}, 0x1000}});
  start_multiboot(m, prepare(file));
  MemoryBus& mem = m.memory();
  EXPECT_EQ(mem.read32(0x100000), 0x0201F4FAu);
  EXPECT_EQ(mem.read8(0x100004), 3);
  EXPECT_EQ(mem.read8(0x100005), 0xCC);  // beyond the segment: untouched
  EXPECT_EQ(mem.read8(0x101FFE), 0xAB);
  EXPECT_EQ(mem.read8(0x102000), 0xEF);  // across the page boundary
  EXPECT_EQ(mem.read8(0x102001), 0);     // bss
  EXPECT_EQ(mem.read32(0x102FFA), 0u);   // its last bytes
  EXPECT_EQ(mem.read8(0x102FFE), 0xCC);
}

TEST(Multiboot, TheCpuStartsInFlatProtectedModeAtTheEntry) {
  Machine m(config());
  m.reset();
  m.set_a20(false);
  m.cpu().state.eflags |= flags::kIf;
  const auto k = prepare(make_elf(0x100002, {{0x100000, 0x100000, {0x90, 0x90, 0xF4}, 3}}));
  start_multiboot(m, k);
  const CpuState& s = m.cpu().state;
  EXPECT_EQ(s.gpr[kEax], 0x2BADB002u);
  EXPECT_EQ(s.gpr[kEbx], kMultibootDataBase + kMultibootInfoOffset);
  EXPECT_EQ(s.gpr[kEbx], k.info_addr);
  EXPECT_EQ(s.eip, 0x100002u);
  EXPECT_EQ(s.cr0, cr0::kPe | cr0::kEt);
  EXPECT_EQ(s.eflags, flags::kReserved1);
  EXPECT_TRUE(m.a20());
  EXPECT_EQ(s.seg[kCs].selector, 0x08);
  EXPECT_EQ(s.seg[kCs].base, 0u);
  EXPECT_EQ(s.seg[kCs].limit, 0xFFFFFFFFu);
  EXPECT_EQ(s.seg[kCs].attrs, 0xC09B);
  for (int r : {kDs, kEs, kFs, kGs, kSs}) {
    EXPECT_EQ(s.seg[r].selector, 0x10) << r;
    EXPECT_EQ(s.seg[r].limit, 0xFFFFFFFFu) << r;
    EXPECT_EQ(s.seg[r].attrs, 0xC093) << r;
  }
  EXPECT_EQ(s.gdtr.base, kMultibootDataBase);
  EXPECT_EQ(s.gdtr.limit, 23);
  // The descriptors the segment caches came from.
  MemoryBus& mem = m.memory();
  EXPECT_EQ(mem.read32(kMultibootDataBase), 0u);
  EXPECT_EQ(mem.read32(kMultibootDataBase + 8), 0x0000FFFFu);
  EXPECT_EQ(mem.read32(kMultibootDataBase + 12), 0x00CF9B00u);
  EXPECT_EQ(mem.read32(kMultibootDataBase + 16), 0x0000FFFFu);
  EXPECT_EQ(mem.read32(kMultibootDataBase + 20), 0x00CF9300u);
}

TEST(Multiboot, InformationStructureDescribesRamNameAndCommandLine) {
  Machine m(config());
  m.reset();
  const auto k = prepare(make_elf(0x100000, {{0x100000, 0x100000, {0xF4}, 1}}), "scale=3 x");
  start_multiboot(m, k);
  MemoryBus& mem = m.memory();
  const uint32_t info = k.info_addr;
  EXPECT_EQ(mem.read32(info), 0x245u);  // memory, cmdline, mmap, boot loader name
  EXPECT_EQ(mem.read32(info + 4), 640u);
  EXPECT_EQ(mem.read32(info + 8), 3u * 1024);  // KiB from 1 MiB
  auto string_at = [&](uint32_t a) {
    std::string s;
    for (uint8_t c; (c = mem.read8(a)) != 0; ++a) s += static_cast<char>(c);
    return s;
  };
  EXPECT_EQ(string_at(mem.read32(info + 16)), "scale=3 x");
  EXPECT_EQ(string_at(mem.read32(info + 64)), "tx86");

  const uint32_t mmap = mem.read32(info + 48);
  ASSERT_EQ(mem.read32(info + 44), 3u * 24);
  struct Entry {
    uint64_t base, length;
    uint32_t type;
  };
  const Entry want[] = {{0, 0xA0000, 1}, {0xA0000, 0x60000, 2}, {0x100000, 0x300000, 1}};
  for (int i = 0; i < 3; ++i) {
    const uint32_t e = mmap + 24 * i;
    EXPECT_EQ(mem.read32(e), 20u) << i;
    EXPECT_EQ(mem.read32(e + 4) | uint64_t{mem.read32(e + 8)} << 32, want[i].base) << i;
    EXPECT_EQ(mem.read32(e + 12) | uint64_t{mem.read32(e + 16)} << 32, want[i].length) << i;
    EXPECT_EQ(mem.read32(e + 20), want[i].type) << i;
  }
}

TEST(Multiboot, WithoutACommandLineTheFieldIsNotValid) {
  Machine m(config(1 << 20));
  m.reset();
  const auto k = prepare(make_elf(0x10000, {{0x10000, 0x10000, {0xF4}, 1}}), std::nullopt, 1 << 20);
  start_multiboot(m, k);
  EXPECT_EQ(m.memory().read32(k.info_addr), 0x241u);
  EXPECT_EQ(m.memory().read32(k.info_addr + 8), 0u);        // no memory above 1 MiB
  EXPECT_EQ(m.memory().read32(k.info_addr + 44), 2u * 24);  // and no map entry for it
}

TEST(Multiboot, AVideoModeRequestIsIgnoredAsQemuDoes) {
  const auto k = prepare(
      make_elf(0x100000, {{0x100000, 0x100000, {0xF4}, 1}}, kFlags | mb_header::kVideoMode));
  uint32_t info_flags = 0;
  std::memcpy(&info_flags, &k.data[kMultibootInfoOffset], 4);
  EXPECT_EQ(info_flags, 0x241u);  // no video information (bit 11)
}

TEST(Multiboot, AVirtualEntryPointIsTranslatedThroughItsSegment) {
  const auto k = prepare(make_elf(0xC0100010, {{0x100000, 0xC0100000, {0xF4}, 0x20}}));
  EXPECT_EQ(k.entry, 0x100010u);
}

TEST(Multiboot, AddressFieldsLoadTheFileWithoutLookingAtElf) {
  Machine m(config());
  m.reset();
  const std::vector<uint8_t> code = {0xFA, 0xF4, 0x11, 0x22};
  // Load 52 bytes of the file (header and the first code bytes), then bss.
  const auto k = prepare(make_kludge(0x200000, 0x200034, 0x200100, 0x200030, code));
  start_multiboot(m, k);
  EXPECT_EQ(m.cpu().state.eip, 0x200030u);
  EXPECT_EQ(m.memory().read32(0x200010), kMultibootHeaderMagic);
  EXPECT_EQ(m.memory().read32(0x200030), 0x2211F4FAu);
  EXPECT_EQ(m.memory().read8(0x200034), 0);
  EXPECT_EQ(m.memory().read8(0x2000FF), 0);
}

TEST(Multiboot, AddressFieldsWithoutLoadEndLoadTheWholeFile) {
  const auto k = prepare(make_kludge(0x200000, 0, 0, 0x200030, {1, 2, 3, 4, 5}));
  ASSERT_EQ(k.segments.size(), 1u);
  EXPECT_EQ(k.segments[0].addr, 0x200000u);
  EXPECT_EQ(k.segments[0].bytes.size(), 53u);
  EXPECT_EQ(k.segments[0].zero_bytes, 0u);
}

TEST(Multiboot, BootDataMovesAfterAKernelThatLoadsOverIt) {
  const auto k = prepare(make_kludge(0x7000, 0, 0x9100, 0x7030, {0xF4}));
  EXPECT_EQ(k.data_addr, 0xA000u);
  EXPECT_EQ(k.info_addr, 0xA000u + kMultibootInfoOffset);
}

TEST(Multiboot, AKernelReloadingItsSegmentsRuns) {
  Machine m(config());
  m.reset();
  const std::vector<uint8_t> code = {
      0x0F, 0x01, 0x15, 0x40, 0x00, 0x10, 0x00,  // lgdt [0x100040]: our GDTR image
      0x66, 0xB8, 0x10, 0x00,                    // mov ax, 0x10
      0x8E, 0xD8,                                // mov ds, ax
      0x8E, 0xD0,                                // mov ss, ax
      0xEA, 0x16, 0x00, 0x10, 0x00, 0x08, 0x00,  // jmp 0x08:0x100016
      0x8B, 0x0B,                                // mov ecx, [ebx]
      0xFA, 0xF4,                                // cli; hlt
  };
  std::vector<uint8_t> image = code;
  image.resize(0x40, 0x90);
  const std::vector<uint8_t> gdtr = {23, 0, 0x00, 0x80, 0, 0};  // base 0x8000
  image.insert(image.end(), gdtr.begin(), gdtr.end());
  start_multiboot(m, prepare(make_elf(0x100000, {{0x100000, 0x100000, image, 0x100}}), "x"));
  const RunResult r = m.run(10.0);
  EXPECT_EQ(r.outcome, RunOutcome::kGuestStopped) << r.message;
  EXPECT_EQ(m.cpu().state.gpr[kEcx], 0x245u);
  EXPECT_EQ(m.cpu().state.eip, 0x10001Au);
  EXPECT_EQ(m.cpu().state.seg[kCs].selector, 0x08);
}

TEST(Multiboot, ResetHookRestartsTheKernel) {
  Machine m(config());
  const auto k = prepare(make_elf(0x100000, {{0x100000, 0x100000, {0xF4}, 1}}));
  m.add_reset_hook([&] { start_multiboot(m, k); });
  m.reset();
  m.cpu().state.eip = 0x1234;
  m.reset();
  EXPECT_EQ(m.cpu().state.eip, 0x100000u);
  EXPECT_TRUE(m.cpu().state.protected_mode());
}

TEST(Multiboot, HeaderMustBeInTheFirst8KiBWithAValidChecksum) {
  std::vector<uint8_t> file(16384, 0);
  put_header(file, 8192, kFlags);
  EXPECT_FALSE(has_multiboot_header(file));
  put_header(file, 8180, kFlags);
  EXPECT_TRUE(has_multiboot_header(file));
  put32(file, 8188, 0);  // checksum
  EXPECT_FALSE(has_multiboot_header(file));
  std::vector<uint8_t> unaligned(64, 0);
  put_header(unaligned, 6, kFlags);
  EXPECT_FALSE(has_multiboot_header(unaligned));
}

struct BadFile {
  const char* name;
  std::vector<uint8_t> file;
  const char* message;
  std::optional<std::string> cmdline = std::nullopt;
};

std::vector<BadFile> bad_files() {
  const Seg code = {0x100000, 0x100000, {0xF4}, 1};
  std::vector<BadFile> v;
  v.push_back({"Empty", {}, "k.elf: not a Multiboot kernel (no Multiboot header"});
  {
    auto f = make_elf(0x100000, {code});
    put32(f, 0x108, 0x12345678);
    v.push_back({"BadChecksum", f, "k.elf: not a Multiboot kernel"});
  }
  {
    auto f = make_elf(0x100000, {code});
    f[4] = 2;
    v.push_back({"Elf64", f, "k.elf: a 64-bit ELF file; 32-bit x86 kernels must be ELF32"});
  }
  {
    auto f = make_elf(0x100000, {code});
    put16(f, 18, 40);  // EM_ARM
    v.push_back({"NotX86", f, "k.elf: not an x86 (EM_386) ELF file"});
  }
  {
    auto f = make_elf(0x100000, {code});
    put16(f, 16, 3);  // ET_DYN
    v.push_back({"NotExecutable", f, "k.elf: not an executable ELF file"});
  }
  {
    std::vector<uint8_t> f(64, 0);
    put_header(f, 0, kFlags);
    v.push_back({"NotElfWithoutAddressFields", f, "k.elf: not an ELF file, and its Multiboot"});
  }
  {
    std::vector<uint8_t> f = {0x7F, 'E', 'L', 'F'};
    put_header(f, 4, kFlags);
    v.push_back({"TruncatedElfHeader", f, "k.elf: truncated ELF header"});
  }
  {
    auto f = make_elf(0x100000, {code});
    put32(f, 28, 0x1F0);  // e_phoff: the table would run past the end
    v.push_back({"TruncatedProgramHeaders", f, "k.elf: truncated: the ELF program headers"});
  }
  {
    auto f = make_elf(0x100000, {code});
    put16(f, 44, 0);
    v.push_back({"NoProgramHeaders", f, "k.elf: ELF file has no program headers"});
  }
  {
    auto f = make_elf(0x100000, {code});
    put16(f, 42, 16);
    v.push_back({"ShortProgramHeaders", f, "k.elf: bad ELF program header size 16"});
  }
  {
    auto f = make_elf(0x100000, {code});
    put32(f, 52 + 16, 0x10000);  // p_filesz beyond the file (and memsz)
    put32(f, 52 + 20, 0x10000);
    v.push_back({"TruncatedSegment", f, "k.elf: truncated: ELF segment 0 runs past the end"});
  }
  v.push_back({"FileSizeAboveMemorySize",
               make_elf(0x100000, {{0x100000, 0x100000, {1, 2, 3, 4}, 2}}),
               "k.elf: ELF segment 0 has a file size larger than its memory size"});
  v.push_back({"NoLoadableSegments",
               make_elf(0x100000, {{0x100000, 0x100000, {1}, 1, 4 /* PT_NOTE */}}),
               "k.elf: ELF file has no loadable segments"});
  v.push_back({"EntryOutsideSegments", make_elf(0x200000, {code}),
               "k.elf: ELF entry point 0x200000 is outside every loadable segment"});
  v.push_back({"SegmentBeyondRam", make_elf(0x3FFFFF, {{0x3FFFFF, 0x3FFFFF, {0xF4}, 2}}),
               "k.elf: loads 0x3fffff-0x400000, outside guest RAM (guest RAM is 0-0x9ffff and "
               "0x100000-0x3fffff)"});
  v.push_back({"SegmentInTheHole", make_elf(0xB8000, {{0xB8000, 0xB8000, {0xF4}, 1}}),
               "k.elf: loads 0xb8000-0xb8000, outside guest RAM"});
  v.push_back({"SegmentWrappingAround4G",
               make_elf(0xFFFFFFF0, {{0xFFFFFFF0, 0xFFFFFFF0, {0xF4}, 0x100}}),
               "k.elf: loads 0xfffffff0-0x1000000ef, outside guest RAM"});
  {
    auto f = make_elf(0x100000, {code}, kFlags | (1u << 3));
    v.push_back({"UnknownRequirement", f,
                 "k.elf: the kernel requires Multiboot features tx86 lacks (header flags 0xb)"});
  }
  {
    auto f = make_kludge(0x200000, 0, 0, 0x200030, {0xF4});
    put32(f, 16 + 12, 0x1FF000);  // header_addr below load_addr
    v.push_back({"LoadAddrAboveHeaderAddr", f,
                 "k.elf: Multiboot load_addr 0x200000 does not fit header_addr 0x1ff000"});
  }
  {
    auto f = make_kludge(0x200000, 0, 0, 0x200030, {0xF4});
    put32(f, 16 + 12, 0x200100);  // header_addr: the load would start before the file
    v.push_back({"LoadStartsBeforeTheFile", f, "k.elf: Multiboot load_addr 0x200000 does not fit"});
  }
  v.push_back({"LoadEndBeyondTheFile", make_kludge(0x200000, 0x201000, 0, 0x200030, {0xF4}),
               "k.elf: truncated: load_end_addr 0x201000 needs 4096 bytes, the file has 49"});
  v.push_back({"LoadEndBelowLoadAddr", make_kludge(0x200000, 0x100000, 0, 0x200030, {0xF4}),
               "k.elf: Multiboot load_end_addr 0x100000 is not above load_addr 0x200000"});
  v.push_back({"BssEndBelowTheImage", make_kludge(0x200000, 0, 0x200010, 0x200030, {0xF4}),
               "k.elf: Multiboot bss_end_addr 0x200010 is below the end of the loaded image"});
  v.push_back({"KludgeEntryOutside", make_kludge(0x200000, 0, 0, 0x300000, {0xF4}),
               "k.elf: Multiboot entry_addr 0x300000 is outside the loaded image"});
  v.push_back({"KludgeBeyondRam", make_kludge(0x3FFFF0, 0, 0, 0x3FFFF0, {0xF4}),
               "k.elf: loads 0x3ffff0-0x400020, outside guest RAM"});
  v.push_back({"NoRoomForTheBootData", make_kludge(0x1000, 0, 0xA0000, 0x1030, {0xF4}),
               "k.elf: no room in guest RAM for the Multiboot information"});
  {
    std::vector<uint8_t> f(24, 0);
    put_header(f, 0, kFlags | mb_header::kAddressFields);
    v.push_back({"TruncatedAddressFields", f, "k.elf: truncated Multiboot header"});
  }
  v.push_back({"CommandLineTooLong", make_elf(0x100000, {code}),
               "--append: the kernel command line is longer than 32768 bytes",
               std::string(kMaxKernelCmdline + 1, 'x')});
  return v;
}

class MultibootBadFile : public ::testing::TestWithParam<BadFile> {};

TEST_P(MultibootBadFile, IsAOneLineUserError) {
  const BadFile& bad = GetParam();
  try {
    prepare(bad.file, bad.cmdline);
    FAIL() << "no error";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(bad.message), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(Multiboot, MultibootBadFile, ::testing::ValuesIn(bad_files()),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace tx86::core
