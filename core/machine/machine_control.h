// What a device may ask of the machine as a whole: stop with an exit status
// (isa-debug-exit), reset (KBC, port 92h, CF9h), power off (ACPI, APM), and
// the A20 gate (KBC output port, port 92h), which lives in the memory bus.
#pragma once

namespace tx86::core {

class MachineControl {
 public:
  virtual ~MachineControl() = default;
  // The process should end with this status once the current instruction
  // completes.
  virtual void request_exit(int status) = 0;
  // A system reset (every device and the CPU) once the current instruction
  // completes.
  virtual void request_reset() = 0;
  // The guest switched itself off (ACPI S5, APM): the run ends with status 0.
  virtual void request_power_off() = 0;
  virtual void set_a20(bool enabled) = 0;
  virtual bool a20() const = 0;
};

}  // namespace tx86::core
