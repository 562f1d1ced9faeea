// Direct boot of a Linux bzImage through the 32-bit boot protocol
// (Documentation/arch/x86/boot.rst, "32-bit Boot Protocol"), as a boot
// loader that enters the kernel in protected mode: no BIOS runs, and no
// real-mode setup code. PLATFORM.md C.2 has the recipe this follows.
//
// As with Multiboot, prepare_linux() checks the files and works out every
// byte the boot writes (the protected-mode kernel, the initramfs, the
// command line, the "zero page" with its E820 map and a flat GDT), throwing
// a UserError that names the file for anything wrong; start_linux() stores
// them and sets the CPU up, and cannot fail, so it runs on every reset.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/firmware/elf_image.h"
#include "core/machine/machine.h"

namespace tx86::core {

// Where the boot loader's own data goes (all in conventional memory).
inline constexpr PhysAddr kLinuxGdtAddr = 0x8000;
inline constexpr PhysAddr kLinuxBootParamsAddr = 0x10000;  // the zero page, ESI at entry
inline constexpr PhysAddr kLinuxCmdlineAddr = 0x20000;
inline constexpr uint16_t kLinuxCodeSelector = 0x10;  // __BOOT_CS
inline constexpr uint16_t kLinuxDataSelector = 0x18;  // __BOOT_DS

struct LinuxKernel {
  // The protected-mode kernel: a bzImage's one piece at code32_start, or an
  // uncompressed vmlinux's segments where it was linked.
  std::vector<LoadSegment> segments;
  uint32_t entry = 0;
  std::vector<uint8_t> boot_params;  // 4 KiB
  std::vector<uint8_t> cmdline;      // NUL-terminated
  std::vector<uint8_t> initrd;
  PhysAddr initrd_addr = 0;
};

// A bzImage: the boot flag 0xAA55 at 0x1FE and "HdrS" at 0x202.
bool is_linux_bzimage(std::span<const uint8_t> file);

// Plans the boot of `file` (named `name` in messages) with an optional
// initramfs into a machine with ram_bytes of RAM. The file is a bzImage, or
// the uncompressed kernel ELF (vmlinux): then no decompressor runs, the
// kernel starts where it was linked (so KASLR plays no part), and the zero
// page gets a setup header made up for it, as for a 2.15 bzImage.
LinuxKernel prepare_linux(const std::string& name, std::span<const uint8_t> file,
                          const std::optional<std::string>& initrd_name,
                          std::span<const uint8_t> initrd, uint64_t ram_bytes,
                          const std::optional<std::string>& cmdline);

// Stores everything and enters the kernel: protected mode, paging off, CS
// 0x10 and the data segments 0x18 (flat 4 GiB), ESI = the zero page, EBP =
// EDI = EBX = 0, interrupts off, A20 on.
void start_linux(Machine& machine, const LinuxKernel& kernel);

}  // namespace tx86::core
