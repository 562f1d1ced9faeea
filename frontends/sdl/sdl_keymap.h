// Host keys to the guest's: SDL scancodes (USB HID usage positions, the
// same whatever the host's layout) to the PC keyboard's keys.
#pragma once

#include <SDL2/SDL_scancode.h>

#include <optional>

#include "devices/input/key_codes.h"

namespace tx86::fe {

std::optional<dev::Key> key_for_scancode(SDL_Scancode code);

}  // namespace tx86::fe
