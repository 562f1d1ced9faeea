// Runs the machine with clients attached (the GDB stub, the monitor): in
// slices of at most 20 ms, looking at their input between slices, and not
// at all while one of them holds it stopped. A single thread does both, so
// a client's command always finds the machine between instructions.
#pragma once

#include <optional>
#include <span>

#include "core/machine/machine.h"
#include "frontends/common/machine_client.h"

namespace tx86::fe {

// As Machine::run: returns kTimeout once `seconds` are up, or how the run
// ended (a client's take_end() included).
core::RunResult run_with_clients(core::Machine& machine, std::span<MachineClient* const> clients,
                                 std::optional<double> seconds);

}  // namespace tx86::fe
