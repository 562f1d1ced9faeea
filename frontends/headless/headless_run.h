// Runs a machine without a display: the debug console and (later) serial on
// the terminal or in files, an exit status for every way a run can end.
// This is what CI and test-ROM users run.
#pragma once

#include "frontends/common/options.h"

namespace tx86::fe {

// Builds the PC the options describe, runs it, returns the process status.
int run_headless(const Options& options);

}  // namespace tx86::fe
