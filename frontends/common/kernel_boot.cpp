#include "frontends/common/kernel_boot.h"

#include <cstring>
#include <memory>

#include "core/firmware/bios_image.h"
#include "core/firmware/linux_boot.h"
#include "core/firmware/multiboot.h"
#include "core/machine/user_error.h"
#include "devices/pc/board.h"

namespace tx86::fe {

void setup_direct_kernel_boot(core::Machine& machine, dev::Board& board, const Options& options) {
  const std::string& path = *options.kernel;
  const std::vector<uint8_t> file =
      core::read_firmware_file(path, "kernel", core::kMaxKernelFileSize);
  // A Linux kernel: a bzImage, or the uncompressed ELF (vmlinux), which
  // has no Multiboot header.
  if (!core::has_multiboot_header(file) && (core::is_linux_bzimage(file) || core::is_elf(file))) {
    std::vector<uint8_t> initrd;
    if (options.initrd) {
      initrd = core::read_firmware_file(*options.initrd, "initrd", core::kMaxKernelFileSize);
    }
    auto kernel = std::make_shared<const core::LinuxKernel>(core::prepare_linux(
        path, file, options.initrd, initrd, machine.config().ram_bytes, options.append));
    // Linux's VGA console keeps the text mode a BIOS would have set (the
    // zero page says so); the board's own reset hook has run already.
    machine.add_reset_hook([&machine, &board, kernel] {
      board.vga_text_mode();
      core::start_linux(machine, *kernel);
    });
    return;
  }
  if (options.initrd) {
    throw core::UserError("--initrd: " + path + " is not a Linux kernel");
  }
  auto kernel = std::make_shared<const core::MultibootKernel>(
      core::prepare_multiboot(path, file, machine.config().ram_bytes, options.append));
  machine.add_reset_hook([&machine, kernel] { core::start_multiboot(machine, *kernel); });
}

}  // namespace tx86::fe
