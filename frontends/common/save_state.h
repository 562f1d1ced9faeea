// Save states for the command line (--loadvm, --savevm with --savevm-at)
// and the monitor (savevm, loadvm): the machine's state (Machine::save_state)
// in a file that only this version of tx86 reads (core/state/state_file.h).
#pragma once

#include <filesystem>

#include "core/machine/machine.h"

namespace tx86::fe {

void save_machine_state(core::Machine& machine, const std::filesystem::path& file);
// Loads a state saved from a machine built the same way (the same command
// line). A file that does not fit is a core::StateError, and the machine is
// then as it was before.
void load_machine_state(core::Machine& machine, const std::filesystem::path& file);

}  // namespace tx86::fe
