#include "frontends/common/save_state.h"

#include "core/state/state_file.h"

namespace tx86::fe {

void save_machine_state(core::Machine& machine, const std::filesystem::path& file) {
  core::StateWriter w;
  machine.save_state(w);
  core::write_state_file(file, w.data(), TX86_VERSION);
}

void load_machine_state(core::Machine& machine, const std::filesystem::path& file) {
  const std::vector<uint8_t> state = core::read_state_file(file, TX86_VERSION);
  // A state can turn out not to fit halfway through: the machine goes back
  // to what it was.
  core::StateWriter before;
  machine.save_state(before);
  try {
    core::StateReader r(state);
    machine.load_state(r);
  } catch (const core::StateError&) {
    core::StateReader back(before.data());
    machine.load_state(back);
    throw;
  }
}

}  // namespace tx86::fe
