// QEMU's isa-debug-exit at 0xF4 (4 ports): a write ends the run. In QEMU's
// convention the process status is (value << 1) | 1, so a guest can never
// fake a clean exit; raw mode makes the status the value itself.
#pragma once

#include <cstdint>

#include "core/io/io_bus.h"
#include "core/machine/machine_control.h"

namespace tx86::dev {

enum class DebugExitMode : uint8_t { kQemu, kRaw };

class DebugExit final : public core::IoHandler {
 public:
  static constexpr uint16_t kPort = 0xF4;
  static constexpr unsigned kPortCount = 4;

  DebugExit(core::IoBus& io, core::MachineControl& machine, DebugExitMode mode);

  uint32_t io_read(uint16_t port, unsigned size) override;
  void io_write(uint16_t port, unsigned size, uint32_t value) override;

  // The process exit status for a written value.
  static int status_for(uint32_t value, DebugExitMode mode);

 private:
  core::MachineControl& machine_;
  DebugExitMode mode_;
};

}  // namespace tx86::dev
