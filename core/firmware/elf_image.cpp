#include "core/firmware/elf_image.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <optional>

#include "core/firmware/file_fields.h"
#include "core/machine/user_error.h"

namespace tx86::core {

namespace {

constexpr uint32_t kElfHeaderSize = 52;
constexpr uint32_t kElfPhdrSize = 32;
constexpr uint8_t kElfClass32 = 1;
constexpr uint8_t kElfLittleEndian = 1;
constexpr uint16_t kElfTypeExec = 2;
constexpr uint16_t kElfMachine386 = 3;
constexpr uint32_t kElfPtLoad = 1;

}  // namespace

bool is_elf(std::span<const uint8_t> file) {
  return file.size() >= 4 && std::memcmp(file.data(),
                                         "\x7F"
                                         "ELF",
                                         4) == 0;
}

ElfImage read_elf32(const std::string& name, std::span<const uint8_t> file) {
  if (!is_elf(file)) throw UserError(name + ": not an ELF file");
  if (file.size() < kElfHeaderSize) throw UserError(name + ": truncated ELF header");
  if (file[4] != kElfClass32) {
    throw UserError(name + ": a 64-bit ELF file; 32-bit x86 kernels must be ELF32");
  }
  if (file[5] != kElfLittleEndian || le16(file, 18) != kElfMachine386) {
    throw UserError(name + ": not an x86 (EM_386) ELF file");
  }
  if (le16(file, 16) != kElfTypeExec) throw UserError(name + ": not an executable ELF file");
  ElfImage elf;
  elf.entry = le32(file, 24);
  const uint32_t phoff = le32(file, 28);
  const uint16_t phentsize = le16(file, 42);
  const uint16_t phnum = le16(file, 44);
  if (phnum == 0) throw UserError(name + ": ELF file has no program headers");
  if (phentsize < kElfPhdrSize) {
    throw UserError(name + ": bad ELF program header size " + std::to_string(phentsize));
  }
  if (uint64_t{phoff} + uint64_t{phnum} * phentsize > file.size()) {
    throw UserError(name + ": truncated: the ELF program headers run past the end of the file");
  }

  std::optional<uint32_t> entry_paddr;
  for (unsigned i = 0; i < phnum; ++i) {
    const uint64_t ph = phoff + uint64_t{i} * phentsize;
    if (le32(file, ph) != kElfPtLoad) continue;
    const uint32_t offset = le32(file, ph + 4);
    const uint32_t vaddr = le32(file, ph + 8);
    const uint32_t paddr = le32(file, ph + 12);
    const uint32_t filesz = le32(file, ph + 16);
    const uint32_t memsz = le32(file, ph + 20);
    if (memsz == 0) continue;
    const std::string what = name + ": ELF segment " + std::to_string(i);
    if (filesz > memsz) throw UserError(what + " has a file size larger than its memory size");
    if (uint64_t{offset} + filesz > file.size()) {
      throw UserError(name + ": truncated: ELF segment " + std::to_string(i) +
                      " runs past the end of the file");
    }
    // The entry point is physical, but higher-half kernels often give the
    // virtual one; translate it through the segment holding it, as QEMU does.
    if (!entry_paddr && elf.entry - paddr < memsz) entry_paddr = elf.entry;
    if (!entry_paddr && elf.entry - vaddr < memsz) entry_paddr = elf.entry - vaddr + paddr;
    const auto bytes = file.subspan(offset, filesz);
    elf.segments.push_back({paddr, {bytes.begin(), bytes.end()}, memsz - filesz});
  }
  if (elf.segments.empty()) throw UserError(name + ": ELF file has no loadable segments");
  if (!entry_paddr) {
    throw UserError(name + ": ELF entry point " + fmt::format("{:#x}", elf.entry) +
                    " is outside every loadable segment");
  }
  elf.entry = *entry_paddr;
  return elf;
}

void store_segments(MemoryBus& mem, const std::vector<LoadSegment>& segments) {
  for (const LoadSegment& s : segments) {
    mem.write_block(s.addr, s.bytes);
    const std::vector<uint8_t> zeros(s.zero_bytes, 0);
    mem.write_block(s.addr + static_cast<PhysAddr>(s.bytes.size()), zeros);
  }
}

}  // namespace tx86::core
