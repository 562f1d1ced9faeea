// The key names of QEMU's `sendkey` (its qcodes: "a", "ret", "ctrl",
// "alt_r", "kp_add", "f1", ...) for the monitor's sendkey.
#pragma once

#include <optional>
#include <string_view>

#include "devices/input/key_codes.h"

namespace tx86::fe {

std::optional<dev::Key> key_for_name(std::string_view name);

}  // namespace tx86::fe
