// Direct boot of Multiboot v1 kernels (Multiboot Specification 0.6.96), as
// QEMU's -kernel does it, without running a BIOS.
//
// Loading has two steps. prepare_multiboot() checks the file and works out
// everything the boot writes — the kernel's bytes and where they go, and the
// block of boot-loader data (a flat GDT, the Multiboot information structure,
// its memory map, the boot loader name and the command line) — and throws a
// UserError naming the file for anything a guest-controlled field gets wrong.
// start_multiboot() then stores it all into guest RAM and puts the CPU at
// the entry point in the state of the spec's section 3.2; it cannot fail,
// so it can run again on every machine reset.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/firmware/elf_image.h"
#include "core/machine/machine.h"
#include "core/mem/memory_bus.h"

namespace tx86::core {

inline constexpr uint32_t kMultibootHeaderMagic = 0x1BADB002;
inline constexpr uint32_t kMultibootBootMagic = 0x2BADB002;  // EAX at entry
inline constexpr uint32_t kMultibootSearchBytes = 8192;      // where the header may be
inline constexpr uint64_t kMaxKernelFileSize = 512ull << 20;
inline constexpr size_t kMaxKernelCmdline = 32u << 10;

// Header flags (spec 3.1.2). Bits 0-15 are requirements the loader must meet.
namespace mb_header {
inline constexpr uint32_t kPageAlignModules = 1u << 0;
inline constexpr uint32_t kMemoryInfo = 1u << 1;
inline constexpr uint32_t kVideoMode = 1u << 2;
inline constexpr uint32_t kAddressFields = 1u << 16;  // the "a.out kludge"
}  // namespace mb_header

// Multiboot information flags (spec 3.3): which fields are valid.
namespace mb_info {
inline constexpr uint32_t kMemory = 1u << 0;
inline constexpr uint32_t kCmdline = 1u << 2;
inline constexpr uint32_t kMmap = 1u << 6;
inline constexpr uint32_t kBootLoaderName = 1u << 9;
}  // namespace mb_info

// The boot loader's own data sits at kMultibootDataBase unless the kernel
// loads there; then it goes on the next page after the kernel. The stack
// pointer at entry is the same address (the spec leaves ESP undefined).
inline constexpr PhysAddr kMultibootDataBase = 0x8000;
inline constexpr uint16_t kMultibootCodeSelector = 0x08;
inline constexpr uint16_t kMultibootDataSelector = 0x10;
// Offsets inside the data block.
inline constexpr uint32_t kMultibootGdtOffset = 0;
inline constexpr uint32_t kMultibootInfoOffset = 32;
inline constexpr uint32_t kMultibootInfoSize = 120;  // every 0.6.96 field, unused ones zero
inline constexpr uint32_t kMultibootMmapOffset = kMultibootInfoOffset + kMultibootInfoSize + 8;

struct MultibootKernel {
  std::vector<LoadSegment> segments;
  uint32_t entry = 0;
  uint32_t header_flags = 0;
  PhysAddr data_addr = 0;     // the boot loader's data block (GDT first)
  PhysAddr info_addr = 0;     // the Multiboot information structure (EBX)
  std::vector<uint8_t> data;  // the whole block, as stored
};

// True when the first 8 KiB of the file hold a Multiboot header: the magic
// at a 4-byte aligned offset, followed by flags and a matching checksum.
bool has_multiboot_header(std::span<const uint8_t> file);

// Checks the kernel `name` (for messages) and plans its boot into a machine
// with ram_bytes of RAM; cmdline is the kernel command line, if any.
MultibootKernel prepare_multiboot(const std::string& name, std::span<const uint8_t> file,
                                  uint64_t ram_bytes, const std::optional<std::string>& cmdline);

// Stores the kernel and the boot data into RAM and sets the CPU up for the
// entry point: protected mode, paging off, flat 4 GiB segments from the GDT
// in the data block, EAX = 0x2BADB002, EBX = the information structure, A20
// on, interrupts off.
void start_multiboot(Machine& machine, const MultibootKernel& kernel);

}  // namespace tx86::core
