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

struct Api {
  decltype(&::SDL_CreateRenderer) CreateRenderer;
  decltype(&::SDL_CreateTexture) CreateTexture;
  decltype(&::SDL_CreateWindow) CreateWindow;
  decltype(&::SDL_DestroyRenderer) DestroyRenderer;
  decltype(&::SDL_DestroyTexture) DestroyTexture;
  decltype(&::SDL_DestroyWindow) DestroyWindow;
  decltype(&::SDL_GetCurrentVideoDriver) GetCurrentVideoDriver;
  decltype(&::SDL_GetError) GetError;
  decltype(&::SDL_GetModState) GetModState;
  decltype(&::SDL_GetRendererOutputSize) GetRendererOutputSize;
  decltype(&::SDL_Init) Init;
  decltype(&::SDL_PollEvent) PollEvent;
  decltype(&::SDL_PushEvent) PushEvent;
  decltype(&::SDL_Quit) Quit;
  decltype(&::SDL_RegisterEvents) RegisterEvents;
  decltype(&::SDL_RenderClear) RenderClear;
  decltype(&::SDL_RenderCopy) RenderCopy;
  decltype(&::SDL_RenderPresent) RenderPresent;
  decltype(&::SDL_SetRelativeMouseMode) SetRelativeMouseMode;
  decltype(&::SDL_SetRenderDrawColor) SetRenderDrawColor;
  decltype(&::SDL_SetWindowFullscreen) SetWindowFullscreen;
  decltype(&::SDL_SetWindowTitle) SetWindowTitle;
  decltype(&::SDL_UpdateTexture) UpdateTexture;
  decltype(&::SDL_WaitEventTimeout) WaitEventTimeout;
};

// Loads the library the first time (later calls give the same answer):
// true when every function was found, else false with `why` set.
bool load(std::string& why);
// The functions; only after load() returned true.
const Api& api();

}  // namespace tx86::fe::sdl
