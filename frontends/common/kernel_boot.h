// Direct kernel boot (--kernel, --append), as QEMU's -kernel: no BIOS runs;
// every machine reset, the first included, ends with the kernel loaded and
// the CPU at its entry point. Linux bzImages (32-bit boot protocol) and
// Multiboot v1 kernels.
#pragma once

#include "core/machine/machine.h"
#include "frontends/common/options.h"

namespace tx86::dev {
class Board;
}

namespace tx86::fe {

// Reads and checks options.kernel (a UserError naming the file when it is
// bad) and adds the reset hook that boots it (for Linux, with the board's
// VGA in text mode first). Call it once the board is built, so that the
// hook runs after every device's reset, and before the first
// machine.reset().
void setup_direct_kernel_boot(core::Machine& machine, dev::Board& board, const Options& options);

}  // namespace tx86::fe
