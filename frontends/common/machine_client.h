// Something that talks to a user or a debugger while the machine runs, on
// the thread that runs it: the GDB stub, the monitor. The run loop
// (client_loop.h) waits on their input between short slices of the
// machine's run, and keeps the machine stopped while any of them holds it.
#pragma once

#include <optional>

#include "core/machine/machine.h"

namespace tx86::fe {

class MachineClient {
 public:
  virtual ~MachineClient() = default;
  // The descriptor whose input on_input() takes (-1: none now).
  virtual int input_fd() const = 0;
  virtual void on_input() = 0;
  // Wants the machine stopped (gdb at a breakpoint, the monitor's `stop`).
  virtual bool holds_machine() const = 0;
  // The machine stopped at a debugger's breakpoint or watchpoint.
  virtual void on_stop(core::RunOutcome why) = 0;
  // The client ended the run (gdb's kill, the monitor's quit).
  virtual std::optional<core::RunResult> take_end() = 0;
  // The run is over with this exit status.
  virtual void on_end(int status) = 0;
};

}  // namespace tx86::fe
