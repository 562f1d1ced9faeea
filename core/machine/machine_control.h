// What a device may ask of the machine as a whole: stop with an exit status
// (isa-debug-exit), reset (KBC, port 92h, CF9h), power off (ACPI, APM).
#pragma once

namespace tx86::core {

class MachineControl {
 public:
  virtual ~MachineControl() = default;
  // The process should end with this status once the current instruction
  // completes.
  virtual void request_exit(int status) = 0;
  virtual void request_reset() = 0;
};

}  // namespace tx86::core
