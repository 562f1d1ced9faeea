// SDL2, loaded when the desktop app starts (dlopen), not with tx86 itself:
// a headless run, what CI pipelines and benchmarks do, loads none of the
// fifty libraries SDL2 brings with it (5 ms of every start) and runs on a
// machine that does not have them. The desktop app calls SDL through the
// table here. (TX86_SDL_LIBRARY in the environment names the library file
// to load instead of libSDL2-2.0.so.0.)
#pragma once

#include <SDL2/SDL.h>

#include <string>

namespace tx86::fe::sdl {

// The SDL functions the desktop app calls, one X(name) each for SDL_name.
#define TX86_SDL_FUNCTIONS(X) \
  X(CreateRenderer)           \
  X(CreateTexture)            \
  X(CreateWindow)             \
  X(DestroyRenderer)          \
  X(DestroyTexture)           \
  X(DestroyWindow)            \
  X(GetCurrentVideoDriver)    \
  X(GetError)                 \
  X(GetModState)              \
  X(GetRendererOutputSize)    \
  X(Init)                     \
  X(PollEvent)                \
  X(PushEvent)                \
  X(Quit)                     \
  X(RegisterEvents)           \
  X(RenderClear)              \
  X(RenderCopy)               \
  X(RenderPresent)            \
  X(SetRelativeMouseMode)     \
  X(SetRenderDrawColor)       \
  X(SetWindowFullscreen)      \
  X(SetWindowTitle)           \
  X(UpdateTexture)            \
  X(WaitEventTimeout)

struct Api {
#define TX86_SDL_FIELD(name) decltype(&::SDL_##name) name = nullptr;
  TX86_SDL_FUNCTIONS(TX86_SDL_FIELD)
#undef TX86_SDL_FIELD
};

// Loads the library the first time (later calls give the same answer):
// true when every function was found, else false with `why` set.
bool load(std::string& why);
// The functions; only after load() returned true.
const Api& api();

}  // namespace tx86::fe::sdl
