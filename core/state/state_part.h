// A part of the machine with state of its own (a device): the machine saves
// each part registered with it (Machine::add_state_part) into a section of
// the part's name, and loads it back in the same order. When what a part
// writes changes, its section's version goes up: a state written before
// is then refused by name instead of misread.
#pragma once

#include "core/state/state_stream.h"

namespace tx86::core {

class StatePart {
 public:
  virtual ~StatePart() = default;
  virtual void save_state(StateWriter& w) const = 0;
  // Restores what save_state wrote. Derived things (timers armed from the
  // state, memory maps a register selects) are set up again here.
  virtual void load_state(StateReader& r) = 0;
};

}  // namespace tx86::core
