#include "core/firmware/multiboot.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "core/firmware/elf_image.h"
#include "core/firmware/file_fields.h"
#include "core/firmware/flat_entry.h"
#include "core/machine/user_error.h"

namespace tx86::core {

namespace {

// Guest RAM as the Machine maps it: conventional memory below 640 KiB, then
// extended memory from 1 MiB; 640K-1M is the VGA window and ROM area.
constexpr uint64_t kLowRamEnd = 0xA0000;
constexpr uint64_t kHighRamStart = 0x100000;

constexpr uint32_t kMmapEntrySize = 24;  // the size field, then 20 bytes
constexpr char kBootLoaderName[] = "tx86";

std::string hex(uint64_t v) {
  return fmt::format("{:#x}", v);
}

bool in_ram(uint64_t addr, uint64_t size, uint64_t ram_bytes) {
  const uint64_t end = addr + size;
  if (end <= kLowRamEnd) return true;
  return addr >= kHighRamStart && end <= ram_bytes;
}

std::string ram_layout(uint64_t ram_bytes) {
  if (ram_bytes <= kHighRamStart) return "guest RAM is 0-0x9ffff";
  return "guest RAM is 0-0x9ffff and 0x100000-" + hex(ram_bytes - 1);
}

struct Header {
  uint32_t offset;  // in the file
  uint32_t flags;
};

std::optional<Header> find_header(std::span<const uint8_t> file) {
  const uint64_t limit = std::min<uint64_t>(file.size(), kMultibootSearchBytes);
  for (uint64_t off = 0; off + 12 <= limit; off += 4) {
    if (le32(file, off) != kMultibootHeaderMagic) continue;
    const uint32_t flags = le32(file, off + 4);
    if (kMultibootHeaderMagic + flags + le32(file, off + 8) == 0) {
      return Header{static_cast<uint32_t>(off), flags};
    }
  }
  return std::nullopt;
}

// Loads the file as the header's address fields say (spec 3.1.3).
void plan_address_fields(const std::string& name, std::span<const uint8_t> file, const Header& h,
                         MultibootKernel& k) {
  if (h.offset + 32 > file.size()) {
    throw UserError(name + ": truncated Multiboot header (its address fields are missing)");
  }
  const uint32_t header_addr = le32(file, h.offset + 12);
  const uint32_t load_addr = le32(file, h.offset + 16);
  const uint32_t load_end_addr = le32(file, h.offset + 20);
  const uint32_t bss_end_addr = le32(file, h.offset + 24);
  k.entry = le32(file, h.offset + 28);
  if (load_addr > header_addr || header_addr - load_addr > h.offset) {
    throw UserError(name + ": Multiboot load_addr " + hex(load_addr) +
                    " does not fit header_addr " + hex(header_addr) +
                    " and the header's place in the file");
  }
  const uint64_t file_offset = h.offset - (header_addr - load_addr);
  uint64_t load_size = file.size() - file_offset;
  if (load_end_addr != 0) {
    if (load_end_addr <= load_addr) {
      throw UserError(name + ": Multiboot load_end_addr " + hex(load_end_addr) +
                      " is not above load_addr " + hex(load_addr));
    }
    load_size = load_end_addr - load_addr;
    if (file_offset + load_size > file.size()) {
      throw UserError(name + ": truncated: load_end_addr " + hex(load_end_addr) + " needs " +
                      std::to_string(file_offset + load_size) + " bytes, the file has " +
                      std::to_string(file.size()));
    }
  }
  uint64_t zero_size = 0;
  if (bss_end_addr != 0) {
    if (bss_end_addr < load_addr + load_size) {
      throw UserError(name + ": Multiboot bss_end_addr " + hex(bss_end_addr) +
                      " is below the end of the loaded image " + hex(load_addr + load_size));
    }
    zero_size = bss_end_addr - (load_addr + load_size);
  }
  if (k.entry < load_addr || k.entry >= load_addr + load_size) {
    throw UserError(name + ": Multiboot entry_addr " + hex(k.entry) +
                    " is outside the loaded image " + hex(load_addr) + "-" +
                    hex(load_addr + load_size - 1));
  }
  const auto bytes = file.subspan(file_offset, load_size);
  k.segments.push_back({load_addr, {bytes.begin(), bytes.end()}, static_cast<uint32_t>(zero_size)});
}

// Loads the PT_LOAD segments at their physical addresses.
void plan_elf(const std::string& name, std::span<const uint8_t> file, MultibootKernel& k) {
  if (!is_elf(file)) {
    throw UserError(name +
                    ": not an ELF file, and its Multiboot header has no load addresses "
                    "(flag bit 16)");
  }
  ElfImage elf = read_elf32(name, file);
  k.entry = elf.entry;
  k.segments = std::move(elf.segments);
}

void check_segments_in_ram(const std::string& name, const MultibootKernel& k, uint64_t ram_bytes) {
  for (const auto& s : k.segments) {
    const uint64_t size = s.bytes.size() + uint64_t{s.zero_bytes};
    if (!in_ram(s.addr, size, ram_bytes)) {
      throw UserError(name + ": loads " + hex(s.addr) + "-" + hex(s.addr + size - 1) +
                      ", outside guest RAM (" + ram_layout(ram_bytes) + ")");
    }
  }
}

// The data block: GDT, information structure, memory map, boot loader
// name, command line.
std::vector<uint8_t> build_data_block(PhysAddr base, uint64_t ram_bytes,
                                      const std::optional<std::string>& cmdline) {
  struct Region {
    uint64_t base, length;
    uint32_t type;  // 1 = available RAM, 2 = reserved
  };
  std::vector<Region> map = {{0, kLowRamEnd, 1}, {kLowRamEnd, kHighRamStart - kLowRamEnd, 2}};
  if (ram_bytes > kHighRamStart) map.push_back({kHighRamStart, ram_bytes - kHighRamStart, 1});

  const uint32_t name_off =
      kMultibootMmapOffset + kMmapEntrySize * static_cast<uint32_t>(map.size());
  const uint32_t cmdline_off = name_off + sizeof(kBootLoaderName);
  std::vector<uint8_t> b(cmdline_off + (cmdline ? cmdline->size() + 1 : 0), 0);

  // Null, then flat 4 GiB code (execute/read) and data (read/write), with
  // the accessed bit set as a segment load would have left it.
  put_le<uint64_t>(b, kMultibootGdtOffset + kMultibootCodeSelector, 0x00CF9B000000FFFFull);
  put_le<uint64_t>(b, kMultibootGdtOffset + kMultibootDataSelector, 0x00CF93000000FFFFull);

  const uint32_t info = kMultibootInfoOffset;
  uint32_t flags = mb_info::kMemory | mb_info::kMmap | mb_info::kBootLoaderName;
  put_le<uint32_t>(b, info + 4, static_cast<uint32_t>(kLowRamEnd >> 10));  // mem_lower, KiB
  put_le<uint32_t>(
      b, info + 8,
      ram_bytes > kHighRamStart ? static_cast<uint32_t>((ram_bytes - kHighRamStart) >> 10) : 0);
  for (size_t i = 0; i < map.size(); ++i) {
    const uint32_t e = kMultibootMmapOffset + kMmapEntrySize * static_cast<uint32_t>(i);
    put_le<uint32_t>(b, e, kMmapEntrySize - 4);
    put_le<uint64_t>(b, e + 4, map[i].base);
    put_le<uint64_t>(b, e + 12, map[i].length);
    put_le<uint32_t>(b, e + 20, map[i].type);
  }
  put_le<uint32_t>(b, info + 44,
                   kMmapEntrySize * static_cast<uint32_t>(map.size()));  // mmap_length
  put_le<uint32_t>(b, info + 48, base + kMultibootMmapOffset);           // mmap_addr
  std::memcpy(&b[name_off], kBootLoaderName, sizeof(kBootLoaderName));
  put_le<uint32_t>(b, info + 64, base + name_off);  // boot_loader_name
  if (cmdline) {
    std::memcpy(&b[cmdline_off], cmdline->data(), cmdline->size());
    put_le<uint32_t>(b, info + 16, base + cmdline_off);
    flags |= mb_info::kCmdline;
  }
  put_le<uint32_t>(b, info, flags);
  return b;
}

bool overlaps_kernel(const MultibootKernel& k, uint64_t addr, uint64_t size) {
  return std::any_of(k.segments.begin(), k.segments.end(), [&](const auto& s) {
    const uint64_t end = s.addr + s.bytes.size() + uint64_t{s.zero_bytes};
    return addr < end && s.addr < addr + size;
  });
}

}  // namespace

bool has_multiboot_header(std::span<const uint8_t> file) {
  return find_header(file).has_value();
}

MultibootKernel prepare_multiboot(const std::string& name, std::span<const uint8_t> file,
                                  uint64_t ram_bytes, const std::optional<std::string>& cmdline) {
  const std::optional<Header> header = find_header(file);
  if (!header) {
    throw UserError(name + ": not a Multiboot kernel (no Multiboot header in its first " +
                    std::to_string(kMultibootSearchBytes) + " bytes)");
  }
  MultibootKernel k;
  k.header_flags = header->flags;
  constexpr uint32_t kKnownRequirements =
      mb_header::kPageAlignModules | mb_header::kMemoryInfo | mb_header::kVideoMode;
  if (header->flags & 0xFFFFu & ~kKnownRequirements) {
    throw UserError(name + ": the kernel requires Multiboot features tx86 lacks (header flags " +
                    hex(header->flags) + ")");
  }
  // As QEMU: a video mode request is not honoured, and the kernel is told
  // nothing about video (information flag bit 11 stays clear).
  if (header->flags & mb_header::kVideoMode) {
    spdlog::warn("{}: the kernel asks for a video mode; tx86 ignores the request", name);
  }
  if (cmdline && cmdline->size() > kMaxKernelCmdline) {
    throw UserError("--append: the kernel command line is longer than " +
                    std::to_string(kMaxKernelCmdline) + " bytes");
  }

  if (header->flags & mb_header::kAddressFields) {
    plan_address_fields(name, file, *header, k);
  } else {
    plan_elf(name, file, k);
  }
  check_segments_in_ram(name, k, ram_bytes);

  k.data_addr = kMultibootDataBase;
  const uint64_t data_size = build_data_block(0, ram_bytes, cmdline).size();
  if (overlaps_kernel(k, k.data_addr, data_size)) {
    uint64_t end = 0;
    for (const auto& s : k.segments) {
      end = std::max(end, s.addr + s.bytes.size() + uint64_t{s.zero_bytes});
    }
    const uint64_t after = (end + kPageMask) & ~uint64_t{kPageMask};
    if (!in_ram(after, data_size, ram_bytes)) {
      throw UserError(name +
                      ": no room in guest RAM for the Multiboot information after the "
                      "kernel (it ends at " +
                      hex(end) + ")");
    }
    k.data_addr = static_cast<PhysAddr>(after);
  }
  k.info_addr = k.data_addr + kMultibootInfoOffset;
  k.data = build_data_block(k.data_addr, ram_bytes, cmdline);
  return k;
}

void start_multiboot(Machine& machine, const MultibootKernel& kernel) {
  machine.set_a20(true);
  MemoryBus& mem = machine.memory();
  store_segments(mem, kernel.segments);
  mem.write_block(kernel.data_addr, kernel.data);

  // Multiboot spec 3.2, "Machine state". What it leaves undefined keeps its
  // reset value.
  Cpu& cpu = machine.cpu();
  CpuState& s = cpu.state;
  s.gpr[kEax] = kMultibootBootMagic;
  s.gpr[kEbx] = kernel.info_addr;
  s.gpr[kEsp] = kernel.data_addr;
  enter_flat_protected_mode(cpu,
                            DescriptorTableReg{kernel.data_addr + kMultibootGdtOffset, 3 * 8 - 1},
                            kMultibootCodeSelector, kMultibootDataSelector, kernel.entry);
}

}  // namespace tx86::core
