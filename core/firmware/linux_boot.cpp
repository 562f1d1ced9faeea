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
// The rest of the zero page: screen_info at 0, the E820 map.
constexpr uint32_t kOrigVideoMode = 0x06;
constexpr uint32_t kOrigVideoCols = 0x07;
constexpr uint32_t kOrigVideoEgaBx = 0x0A;
constexpr uint32_t kOrigVideoLines = 0x0E;
constexpr uint32_t kOrigVideoIsVga = 0x0F;
constexpr uint32_t kOrigVideoPoints = 0x10;
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

// The command line, the initramfs and the zero page (with `header`, the
// setup header from offset 0x1F1 on) of a kernel that occupies RAM up to
// kernel_end.
void fill_boot_data(LinuxKernel& k, const std::vector<uint8_t>& header, uint32_t cmdline_max,
                    uint32_t initrd_addr_max, uint64_t kernel_end, const std::string& name,
                    const std::optional<std::string>& initrd_name, std::span<const uint8_t> initrd,
                    uint64_t ram_bytes, const std::optional<std::string>& cmdline) {
  // The command line.
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
        std::min<uint64_t>({ram_bytes, uint64_t{initrd_addr_max} + 1, kLowmemLimit});
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
  std::copy(header.begin(), header.end(), zp.begin() + kSetupSects);
  put_le<uint16_t>(zp, kVidMode, 0xFFFF);  // "normal"
  // screen_info: VGA text mode 3 as the frontend leaves it (80x25 colour,
  // 16-line font, the cursor at 0,0): Linux's VGA console takes it over.
  zp[kOrigVideoMode] = 3;
  zp[kOrigVideoCols] = 80;
  put_le<uint16_t>(zp, kOrigVideoEgaBx, 0x0003);  // INT 10h AH=12h BL=10h: colour, 256 KiB
  zp[kOrigVideoLines] = 25;
  zp[kOrigVideoIsVga] = 1;
  put_le<uint16_t>(zp, kOrigVideoPoints, 16);
  zp[kTypeOfLoader] = kLoaderUndefined;  // (0 would make the kernel ignore the initramfs)
  zp[kLoadFlags] = static_cast<uint8_t>(zp[kLoadFlags] & ~kQuiet);
  put_le<uint32_t>(zp, kCmdLinePtr, kLinuxCmdlineAddr);
  put_le<uint32_t>(zp, kRamdiskImage, k.initrd_addr);
  put_le<uint32_t>(zp, kRamdiskSize, static_cast<uint32_t>(k.initrd.size()));
  // The memory map SeaBIOS would report, without its ROM: 640K-1M is the
  // VGA window and option ROM space, not RAM.
  add_e820(zp, 0, kLowRamEnd, kE820Ram);
  add_e820(zp, kLowRamEnd, 0xA0000 - kLowRamEnd, kE820Reserved);
  add_e820(zp, kHighRamStart, ram_bytes - kHighRamStart, kE820Ram);
}

// An uncompressed kernel: its segments, and the setup header a 2.15
// bzImage of it would carry.
LinuxKernel prepare_vmlinux(const std::string& name, std::span<const uint8_t> file,
                            const std::optional<std::string>& initrd_name,
                            std::span<const uint8_t> initrd, uint64_t ram_bytes,
                            const std::optional<std::string>& cmdline) {
  ElfImage elf = read_elf32(name, file);
  LinuxKernel k;
  k.entry = elf.entry;
  k.segments = std::move(elf.segments);
  uint64_t kernel_end = 0;
  for (const LoadSegment& seg : k.segments) {
    const uint64_t end = seg.addr + seg.bytes.size() + uint64_t{seg.zero_bytes};
    if (seg.addr < kHighRamStart || end > ram_bytes) {
      throw UserError(name + ": loads " + hex(seg.addr) + "-" + hex(end - 1) +
                      ", outside guest RAM (0x100000-" + hex(ram_bytes - 1) +
                      "); give it more with --memory");
    }
    kernel_end = std::max(kernel_end, end);
  }
  constexpr uint32_t kCmdlineMax = 2047;
  constexpr uint32_t kInitrdMax = 0x7FFFFFFF;
  std::vector<uint8_t> header(kInitSize + 4 - kSetupSects, 0);
  const auto at = [](uint32_t off) { return off - kSetupSects; };
  put_le<uint16_t>(header, at(kBootFlag), 0xAA55);
  header[at(kJump)] = 0xEB;
  header[at(kJump + 1)] = static_cast<uint8_t>(kInitSize + 4 - 0x202);
  std::memcpy(&header[at(kHeaderMagic)], "HdrS", 4);
  put_le<uint16_t>(header, at(kVersion), 0x020F);
  header[at(kLoadFlags)] = kLoadedHigh;
  put_le<uint32_t>(header, at(kCode32Start), k.entry);
  put_le<uint32_t>(header, at(kInitrdAddrMax), kInitrdMax);
  put_le<uint32_t>(header, at(kCmdlineSize), kCmdlineMax);
  fill_boot_data(k, header, kCmdlineMax, kInitrdMax, kernel_end, name, initrd_name, initrd,
                 ram_bytes, cmdline);
  return k;
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
  if (is_elf(file)) return prepare_vmlinux(name, file, initrd_name, initrd, ram_bytes, cmdline);
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
  const uint32_t load_addr = le32(file, kCode32Start);
  k.entry = load_addr;
  k.segments.push_back(
      {load_addr, {file.begin() + static_cast<std::ptrdiff_t>(kernel_offset), file.end()}, 0});
  // The decompressor moves the kernel to pref_address and needs init_size
  // bytes from there.
  const uint64_t pref = std::max<uint64_t>(le32(file, kPrefAddress), load_addr);
  const uint64_t kernel_end =
      std::max(pref + le32(file, kInitSize), load_addr + k.segments[0].bytes.size());
  if (load_addr < kHighRamStart || kernel_end > ram_bytes) {
    throw bad("needs guest RAM up to " + hex(kernel_end) + " (it unpacks itself at " + hex(pref) +
              "); give it more with --memory");
  }
  std::vector<uint8_t> header(file.begin() + kSetupSects, file.begin() + header_end);
  fill_boot_data(k, header, le32(file, kCmdlineSize), le32(file, kInitrdAddrMax), kernel_end, name,
                 initrd_name, initrd, ram_bytes, cmdline);
  return k;
}

void start_linux(Machine& machine, const LinuxKernel& k) {
  machine.set_a20(true);
  MemoryBus& mem = machine.memory();
  store_segments(mem, k.segments);
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
