// A MachineControl that records what devices ask of the machine.
#pragma once

#include <vector>

#include "core/machine/machine_control.h"

namespace tx86::dev::testing {

class FakeMachineControl : public core::MachineControl {
 public:
  void request_exit(int status) override { exits.push_back(status); }
  void request_reset() override { ++resets; }
  void request_power_off() override { ++power_offs; }
  void set_a20(bool enabled) override { a20_on = enabled; }
  bool a20() const override { return a20_on; }

  std::vector<int> exits;
  int resets = 0;
  int power_offs = 0;
  bool a20_on = true;
};

}  // namespace tx86::dev::testing
