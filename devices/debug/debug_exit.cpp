#include "devices/debug/debug_exit.h"

#include <spdlog/spdlog.h>

namespace tx86::dev {

DebugExit::DebugExit(core::IoBus& io, core::MachineControl& machine, DebugExitMode mode)
    : machine_(machine), mode_(mode) {
  io.register_ports(kPort, kPortCount, this, core::kIoWidthAll, "isa-debug-exit");
}

uint32_t DebugExit::io_read(uint16_t, unsigned size) {
  return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

int DebugExit::status_for(uint32_t value, DebugExitMode mode) {
  // A process status is 8 bits; QEMU's exit() truncates the same way.
  const uint32_t status = mode == DebugExitMode::kRaw ? value : (value << 1) | 1;
  return static_cast<int>(status & 0xFF);
}

void DebugExit::io_write(uint16_t, unsigned, uint32_t value) {
  const int status = status_for(value, mode_);
  spdlog::debug("isa-debug-exit: guest wrote 0x{:x}, exit status {}", value, status);
  machine_.request_exit(status);
}

}  // namespace tx86::dev
