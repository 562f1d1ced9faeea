// The Linux 32-bit boot protocol loader on a synthetic bzImage: what it
// writes into the zero page, where the initramfs goes, the CPU state at
// entry, and a clear error for each bad input.
#include "core/firmware/linux_boot.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/machine/user_error.h"

namespace tx86::core {
namespace {

constexpr uint64_t kRam = 64ull << 20;

template <typename T>
void put(std::vector<uint8_t>& b, size_t off, T v) {
  std::memcpy(&b[off], &v, sizeof v);
}
template <typename T>
T get(const std::vector<uint8_t>& b, size_t off) {
  T v;
  std::memcpy(&v, &b[off], sizeof v);
  return v;
}

// Setup sectors (4), then 8 KiB of "protected-mode code" (0x90 bytes).
std::vector<uint8_t> bzimage(uint16_t version = 0x020F) {
  std::vector<uint8_t> f(5 * 512 + 8192, 0x90);
  std::fill(f.begin(), f.begin() + 5 * 512, 0);
  f[0x1F1] = 4;                       // setup_sects
  put<uint16_t>(f, 0x1FE, 0xAA55);    // boot_flag
  f[0x200] = 0xEB;                    // jump over the header,
  f[0x201] = 0x66;                    // which ends at 0x268
  std::memcpy(&f[0x202], "HdrS", 4);  //
  put<uint16_t>(f, 0x206, version);
  f[0x211] = 0x01 | 0x20;               // LOADED_HIGH, QUIET
  put<uint32_t>(f, 0x214, 0x100000);    // code32_start
  put<uint32_t>(f, 0x22C, 0x7FFFFFFF);  // initrd_addr_max
  put<uint32_t>(f, 0x238, 255);         // cmdline_size
  put<uint64_t>(f, 0x258, 0x1000000);   // pref_address
  put<uint32_t>(f, 0x260, 0x800000);    // init_size
  return f;
}

std::string error_of(const std::vector<uint8_t>& file, uint64_t ram = kRam,
                     const std::vector<uint8_t>& initrd = {}, const std::string& cmdline = "") {
  try {
    prepare_linux("vmlinuz", file, initrd.empty() ? std::nullopt : std::optional<std::string>("rd"),
                  initrd, ram, cmdline);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(LinuxBoot, ZeroPageHasTheHeaderAndWhatTheLoaderFillsIn) {
  const std::vector<uint8_t> file = bzimage();
  const std::vector<uint8_t> initrd(10000, 0xAB);
  const LinuxKernel k =
      prepare_linux("vmlinuz", file, std::string("rd"), initrd, kRam, std::string("console=ttyS0"));
  ASSERT_EQ(k.segments.size(), 1u);
  EXPECT_EQ(k.segments[0].addr, 0x100000u);
  EXPECT_EQ(k.entry, 0x100000u);
  ASSERT_EQ(k.segments[0].bytes.size(), 8192u);
  EXPECT_EQ(k.segments[0].bytes[0], 0x90);
  const std::vector<uint8_t>& zp = k.boot_params;
  ASSERT_EQ(zp.size(), 4096u);
  EXPECT_EQ(std::memcmp(&zp[0x202], "HdrS", 4), 0);
  EXPECT_EQ(get<uint16_t>(zp, 0x206), 0x020F);
  EXPECT_EQ(zp[0x210], 0xFF) << "type_of_loader must not be 0";
  EXPECT_EQ(zp[0x211], 0x01) << "QUIET cleared";
  EXPECT_EQ(get<uint16_t>(zp, 0x1FA), 0xFFFF);
  EXPECT_EQ(get<uint32_t>(zp, 0x228), kLinuxCmdlineAddr);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(k.cmdline.data())), "console=ttyS0");
  // The initramfs: page-aligned, as high as RAM allows.
  EXPECT_EQ(k.initrd_addr, (kRam - 10000) & ~0xFFFull);
  EXPECT_EQ(get<uint32_t>(zp, 0x218), k.initrd_addr);
  EXPECT_EQ(get<uint32_t>(zp, 0x21C), 10000u);
  // E820: low RAM, the EBDA's kilobyte reserved, extended RAM.
  ASSERT_EQ(zp[0x1E8], 3);
  EXPECT_EQ(get<uint64_t>(zp, 0x2D0), 0u);
  EXPECT_EQ(get<uint64_t>(zp, 0x2D8), 0x9FC00u);
  EXPECT_EQ(get<uint32_t>(zp, 0x2E0), 1u);
  EXPECT_EQ(get<uint32_t>(zp, 0x2D0 + 20 + 16), 2u);
  EXPECT_EQ(get<uint64_t>(zp, 0x2D0 + 40), 0x100000u);
  EXPECT_EQ(get<uint64_t>(zp, 0x2D0 + 48), kRam - 0x100000);
}

TEST(LinuxBoot, StartStoresEverythingAndEntersInProtectedMode) {
  MachineConfig config;
  config.ram_bytes = kRam;
  Machine machine(config);
  const std::vector<uint8_t> initrd(5000, 0xCD);
  const LinuxKernel k =
      prepare_linux("vmlinuz", bzimage(), std::string("rd"), initrd, kRam, std::string("quiet"));
  start_linux(machine, k);
  MemoryBus& mem = machine.memory();
  EXPECT_EQ(mem.read8(0x100000), 0x90);
  EXPECT_EQ(mem.read8(k.initrd_addr + 4999), 0xCD);
  EXPECT_EQ(mem.read32(kLinuxBootParamsAddr + 0x202), 0x53726448u);  // "HdrS"
  EXPECT_EQ(mem.read8(kLinuxCmdlineAddr), 'q');
  const CpuState& s = machine.cpu().state;
  EXPECT_EQ(s.eip, 0x100000u);
  EXPECT_EQ(s.gpr[kEsi], kLinuxBootParamsAddr);
  EXPECT_EQ(s.gpr[kEbx], 0u);
  EXPECT_EQ(s.seg[kCs].selector, kLinuxCodeSelector);
  EXPECT_EQ(s.seg[kDs].selector, kLinuxDataSelector);
  EXPECT_EQ(s.seg[kSs].selector, kLinuxDataSelector);
  EXPECT_TRUE(s.cr0 & cr0::kPe);
  EXPECT_FALSE(s.flag(flags::kIf));
  EXPECT_TRUE(machine.a20());
  // The GDT's entries 2 and 3 are the flat code and data segments.
  EXPECT_EQ(mem.read32(kLinuxGdtAddr + 16 + 4), 0x00CF9A00u);
  EXPECT_EQ(mem.read32(kLinuxGdtAddr + 24 + 4), 0x00CF9200u);
}

TEST(LinuxBoot, BadInputsAreErrorsThatSayWhy) {
  std::vector<uint8_t> f = bzimage();
  f[0x202] = 'X';
  EXPECT_NE(error_of(f).find("not a Linux bzImage"), std::string::npos);
  EXPECT_NE(error_of(bzimage(0x0209)).find("too old"), std::string::npos);
  f = bzimage();
  f.resize(5 * 512);
  EXPECT_NE(error_of(f).find("truncated"), std::string::npos);
  f = bzimage();
  f[0x211] = 0;
  EXPECT_NE(error_of(f).find("below 1 MiB"), std::string::npos);
  EXPECT_NE(error_of(bzimage(), 16ull << 20).find("--memory"), std::string::npos)
      << "the decompressor needs RAM up to 24 MiB";
  EXPECT_NE(error_of(bzimage(), kRam, {}, std::string(300, 'x')).find("at most 255"),
            std::string::npos);
  EXPECT_NE(error_of(bzimage(), kRam, std::vector<uint8_t>(50u << 20, 1)).find("do not fit"),
            std::string::npos);
  EXPECT_EQ(error_of(bzimage()), "");
}

// A vmlinux-like ELF: one segment linked at 16 MiB (virtual 0xC1000000),
// 4 KiB of code and 8 KiB of bss, entry at its start.
std::vector<uint8_t> vmlinux() {
  std::vector<uint8_t> f(0x1000 + 0x1000, 0);
  std::memcpy(f.data(),
              "\x7F"
              "ELF",
              4);
  f[4] = 1;                              // ELFCLASS32
  f[5] = 1;                              // little-endian
  put<uint16_t>(f, 16, 2);               // ET_EXEC
  put<uint16_t>(f, 18, 3);               // EM_386
  put<uint32_t>(f, 24, 0x1000000);       // e_entry (physical, as phys_startup_32)
  put<uint32_t>(f, 28, 52);              // e_phoff
  put<uint16_t>(f, 42, 32);              // e_phentsize
  put<uint16_t>(f, 44, 1);               // e_phnum
  put<uint32_t>(f, 52, 1);               // PT_LOAD
  put<uint32_t>(f, 52 + 4, 0x1000);      // p_offset
  put<uint32_t>(f, 52 + 8, 0xC1000000);  // p_vaddr
  put<uint32_t>(f, 52 + 12, 0x1000000);  // p_paddr
  put<uint32_t>(f, 52 + 16, 0x1000);     // p_filesz
  put<uint32_t>(f, 52 + 20, 0x3000);     // p_memsz
  std::fill(f.begin() + 0x1000, f.end(), 0xF4);
  return f;
}

TEST(LinuxBoot, UncompressedKernelGetsAMadeUpSetupHeader) {
  const LinuxKernel k = prepare_linux("vmlinux", vmlinux(), std::string("rd"),
                                      std::vector<uint8_t>(100, 7), kRam, std::string("nokaslr"));
  ASSERT_EQ(k.segments.size(), 1u);
  EXPECT_EQ(k.segments[0].addr, 0x1000000u);
  EXPECT_EQ(k.segments[0].zero_bytes, 0x2000u);
  EXPECT_EQ(k.entry, 0x1000000u);
  const std::vector<uint8_t>& zp = k.boot_params;
  EXPECT_EQ(get<uint16_t>(zp, 0x1FE), 0xAA55);
  EXPECT_EQ(std::memcmp(&zp[0x202], "HdrS", 4), 0);
  EXPECT_EQ(get<uint16_t>(zp, 0x206), 0x020F);
  EXPECT_EQ(zp[0x210], 0xFF);
  EXPECT_EQ(zp[0x211], 0x01) << "LOADED_HIGH";
  EXPECT_EQ(get<uint32_t>(zp, 0x214), 0x1000000u);
  EXPECT_EQ(get<uint32_t>(zp, 0x238), 2047u);
  EXPECT_EQ(get<uint32_t>(zp, 0x21C), 100u);
  EXPECT_EQ(zp[0x1E8], 3);

  MachineConfig config;
  config.ram_bytes = kRam;
  Machine machine(config);
  machine.memory().write8(0x1002000, 0x55);  // in the bss: cleared
  start_linux(machine, k);
  EXPECT_EQ(machine.memory().read8(0x1000000), 0xF4);
  EXPECT_EQ(machine.memory().read8(0x1002000), 0x00);
  EXPECT_EQ(machine.cpu().state.eip, 0x1000000u);

  EXPECT_NE(error_of(vmlinux(), 16ull << 20).find("outside guest RAM"), std::string::npos);
}

}  // namespace
}  // namespace tx86::core
