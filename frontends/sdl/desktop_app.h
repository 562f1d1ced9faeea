// The desktop app: the guest's display in an SDL2 window, the host's
// keyboard and mouse as the guest's PS/2 devices, guest time following the
// host clock. The machine runs in its own thread so the window stays
// responsive; the two meet in a queue of input events one way and the
// latest frame the other.
#pragma once

#include "frontends/common/options.h"

namespace tx86::fe {

// Runs the options' PC in a window and returns the process status. With no
// display to open it says so in one line and runs headless instead.
int run_desktop(const Options& options);

// The hotkeys, for --help and the README.
inline constexpr const char* kDesktopHotkeys =
    "Ctrl+Alt+F fullscreen, Ctrl+Alt+S integer scaling, Ctrl+Alt+P pause/resume, "
    "Ctrl+Alt+R reset, Ctrl+Alt+Q quit, Ctrl+Alt+End sends Ctrl+Alt+Del; a click captures "
    "the mouse, Ctrl+Alt releases it";

}  // namespace tx86::fe
