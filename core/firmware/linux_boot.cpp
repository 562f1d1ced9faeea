#include "core/firmware/linux_boot.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "core/firmware/file_fields.h"
#include "core/firmware/flat_entry.h"
#include "core/machine/user_error.h"

namespace tx86::core {

namespace {

// The setup header: offsets in the file and in the zero page alike.
constexpr uint32_t kSetupSects = 0x1F1;
constexpr uint32_t kVidMode = 0x1FA;
constexpr uint32_t kBootFlag = 0x1FE;
constexpr uint32_t kJump = 0x200;  // its second byte: where the header ends, from 0x202
constexpr uint32_t kHeaderMagic = 0x202;
constexpr uint32_t kVersion = 0x206;
constexpr uint32_t kTypeOfLoader = 0x210;
constexpr uint32_t kLoadFlags = 0x211;
constexpr uint32_t kCode32Start = 0x214;
constexpr uint32_t kRamdiskImage = 0x218;
constexpr uint32_t kRamdiskSize = 0x21C;
constexpr uint32_t kCmdLinePtr = 0x228;
constexpr uint32_t kInitrdAddrMax = 0x22C;
constexpr uint32_t kCmdlineSize = 0x238;
constexpr uint32_t kPrefAddress = 0x258;
constexpr uint32_t kInitSize = 0x260;
// The rest of the zero page.
constexpr uint32_t kE820Entries = 0x1E8;
constexpr uint32_t kE820Table = 0x2D0;
constexpr uint32_t kE820EntrySize = 20;

constexpr uint8_t kLoadedHigh = 0x01;  // loadflags: the kernel runs at 1 MiB
constexpr uint8_t kQuiet = 0x20;
constexpr uint8_t kLoaderUndefined = 0xFF;  // type_of_loader: "not assigned an ID"
constexpr uint32_t kE820Ram = 1;
constexpr uint32_t kE820Reserved = 2;

constexpr uint64_t kLowRamEnd = 0x9FC00;  // the last KiB below 640K: an EBDA's place
constexpr uint64_t kHighRamStart = 0x100000;
// Linux maps at most this much RAM directly (lowmem, with the 686 kernel's
// 3G/1G split); the initramfs must sit below it.
constexpr uint64_t kLowmemLimit = 0x37000000;

std::string hex(uint64_t v) {
  return fmt::format("{:#x}", v);
}

void add_e820(std::vector<uint8_t>& zp, uint64_t addr, uint64_t size, uint32_t type) {
  const uint8_t n = zp[kE820Entries];
  const uint32_t at = kE820Table + n * kE820EntrySize;
  put_le<uint64_t>(zp, at, addr);
  put_le<uint64_t>(zp, at + 8, size);
  put_le<uint32_t>(zp, at + 16, type);
  zp[kE820Entries] = static_cast<uint8_t>(n + 1);
}

}  // namespace

bool is_linux_bzimage(std::span<const uint8_t> file) {
  return file.size() >= 0x264 && le16(file, kBootFlag) == 0xAA55 &&
         std::memcmp(&file[kHeaderMagic], "HdrS", 4) == 0;
}

LinuxKernel prepare_linux(const std::string& name, std::span<const uint8_t> file,
                          const std::optional<std::string>& initrd_name,
                          std::span<const uint8_t> initrd, uint64_t ram_bytes,
                          const std::optional<std::string>& cmdline) {
  const auto bad = [&](const std::string& why) { return UserError(name + ": " + why); };
  if (!is_linux_bzimage(file)) throw bad("not a Linux bzImage (no \"HdrS\" setup header)");
  const uint16_t version = le16(file, kVersion);
  // 2.04 and later: a 32-bit kernel size and the fields below up to
  // initrd_addr_max; 2.10 adds init_size and pref_address, which say how
  // much room the decompressor needs.
  if (version < 0x020A) {
    throw bad(fmt::format("boot protocol {}.{:02} is too old (2.10 or later needed)", version >> 8,
                          version & 0xFF));
  }
  if (!(file[kLoadFlags] & kLoadedHigh)) throw bad("not a bzImage (it loads below 1 MiB)");
  const unsigned setup_sects = file[kSetupSects] == 0 ? 4 : file[kSetupSects];
  const uint64_t kernel_offset = (uint64_t{setup_sects} + 1) * 512;
  if (kernel_offset >= file.size()) throw bad("truncated: no protected-mode code after the setup");
  const uint32_t header_end = 0x202 + file[kJump + 1];
  if (header_end > file.size() || header_end > 0x1000 || header_end < kInitSize + 4) {
    throw bad("malformed setup header");
  }

  LinuxKernel k;
  k.load_addr = le32(file, kCode32Start);
  k.entry = k.load_addr;
  k.kernel.assign(file.begin() + static_cast<std::ptrdiff_t>(kernel_offset), file.end());
  // The decompressor moves the kernel to pref_address and needs init_size
  // bytes from there.
  const uint64_t pref = std::max<uint64_t>(le32(file, kPrefAddress), k.load_addr);
  const uint64_t kernel_end = std::max(pref + le32(file, kInitSize), k.load_addr + k.kernel.size());
  if (k.load_addr < kHighRamStart || kernel_end > ram_bytes) {
    throw bad("needs guest RAM up to " + hex(kernel_end) + " (it unpacks itself at " + hex(pref) +
              "); give it more with --memory");
  }

  // The command line.
  const uint32_t cmdline_max = le32(file, kCmdlineSize);
  const std::string line = cmdline.value_or("");
  if (line.size() > cmdline_max) {
    throw UserError(
        fmt::format("--append: {} bytes, but {} takes at most {}", line.size(), name, cmdline_max));
  }
  k.cmdline.assign(line.begin(), line.end());
  k.cmdline.push_back(0);

  // The initramfs: page-aligned at the top of RAM, below what the kernel
  // can address (QEMU puts it there too).
  if (initrd_name) {
    const uint64_t top =
        std::min<uint64_t>({ram_bytes, uint64_t{le32(file, kInitrdAddrMax)} + 1, kLowmemLimit});
    if (initrd.size() > top || ((top - initrd.size()) & ~uint64_t{0xFFF}) < kernel_end) {
      throw UserError(*initrd_name + ": " + std::to_string(initrd.size()) +
                      " bytes do not fit between the kernel (up to " + hex(kernel_end) + ") and " +
                      hex(top) + "; give the guest more RAM with --memory");
    }
    k.initrd.assign(initrd.begin(), initrd.end());
    k.initrd_addr = static_cast<PhysAddr>((top - initrd.size()) & ~uint64_t{0xFFF});
  }

  // The zero page: the setup header as the file has it, then what a boot
  // loader fills in.
  std::vector<uint8_t>& zp = k.boot_params;
  zp.assign(0x1000, 0);
  std::copy(file.begin() + kSetupSects, file.begin() + header_end, zp.begin() + kSetupSects);
  put_le<uint16_t>(zp, kVidMode, 0xFFFF);  // "normal"
  zp[kTypeOfLoader] = kLoaderUndefined;    // (0 would make the kernel ignore the initramfs)
  zp[kLoadFlags] = static_cast<uint8_t>(zp[kLoadFlags] & ~kQuiet);
  put_le<uint32_t>(zp, kCmdLinePtr, kLinuxCmdlineAddr);
  put_le<uint32_t>(zp, kRamdiskImage, k.initrd_addr);
  put_le<uint32_t>(zp, kRamdiskSize, static_cast<uint32_t>(k.initrd.size()));
  // The memory map SeaBIOS would report, without its ROM: 640K-1M is the
  // VGA window and option ROM space, not RAM.
  add_e820(zp, 0, kLowRamEnd, kE820Ram);
  add_e820(zp, kLowRamEnd, 0xA0000 - kLowRamEnd, kE820Reserved);
  add_e820(zp, kHighRamStart, ram_bytes - kHighRamStart, kE820Ram);
  return k;
}

void start_linux(Machine& machine, const LinuxKernel& k) {
  machine.set_a20(true);
  MemoryBus& mem = machine.memory();
  mem.write_block(k.load_addr, k.kernel);
  mem.write_block(kLinuxBootParamsAddr, k.boot_params);
  mem.write_block(kLinuxCmdlineAddr, k.cmdline);
  if (!k.initrd.empty()) mem.write_block(k.initrd_addr, k.initrd);
  // A GDT with the flat code and data descriptors at the selectors the
  // protocol names (entries 2 and 3).
  const uint64_t gdt[4] = {0, 0, 0x00CF9A000000FFFFull, 0x00CF92000000FFFFull};
  mem.write_block(kLinuxGdtAddr, {reinterpret_cast<const uint8_t*>(gdt), sizeof gdt});

  Cpu& cpu = machine.cpu();
  CpuState& s = cpu.state;
  std::fill(std::begin(s.gpr), std::end(s.gpr), 0u);
  s.gpr[kEsi] = kLinuxBootParamsAddr;
  s.gpr[kEsp] = kLinuxGdtAddr;  // (the kernel sets its own stack at once)
  enter_flat_protected_mode(cpu, DescriptorTableReg{kLinuxGdtAddr, sizeof gdt - 1},
                            kLinuxCodeSelector, kLinuxDataSelector, k.entry);
}

}  // namespace tx86::core
