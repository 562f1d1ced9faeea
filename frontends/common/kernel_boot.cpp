#include "frontends/common/kernel_boot.h"

#include <cstring>
#include <memory>

#include "core/firmware/bios_image.h"
#include "core/firmware/multiboot.h"
#include "core/machine/user_error.h"

namespace tx86::fe {

namespace {

// A Linux bzImage: the real-mode header's boot flag 0xAA55 at 0x1FE and
// "HdrS" at 0x202 (Documentation/arch/x86/boot.rst).
bool is_linux_kernel(const std::vector<uint8_t>& file) {
  return file.size() >= 0x206 && file[0x1FE] == 0x55 && file[0x1FF] == 0xAA &&
         std::memcmp(&file[0x202], "HdrS", 4) == 0;
}

}  // namespace

void setup_direct_kernel_boot(core::Machine& machine, const Options& options) {
  const std::string& path = *options.kernel;
  const std::vector<uint8_t> file =
      core::read_firmware_file(path, "kernel", core::kMaxKernelFileSize);
  if (!core::has_multiboot_header(file) && is_linux_kernel(file)) {
    throw core::UserError(path +
                          ": not a Multiboot kernel (Linux boot protocol support is coming)");
  }
  auto kernel = std::make_shared<const core::MultibootKernel>(
      core::prepare_multiboot(path, file, machine.config().ram_bytes, options.append));
  machine.add_reset_hook([&machine, kernel] { core::start_multiboot(machine, *kernel); });
}

}  // namespace tx86::fe
