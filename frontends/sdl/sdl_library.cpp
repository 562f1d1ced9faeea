#include "frontends/sdl/sdl_library.h"

#include <dlfcn.h>

#include <cstdlib>

namespace tx86::fe::sdl {

namespace {

// The run-time name of the SDL2 library, as the package installs it;
// TX86_SDL_LIBRARY names another file (tests: one that is missing).
std::string library_name() {
  const char* chosen = std::getenv("TX86_SDL_LIBRARY");
  return chosen != nullptr && *chosen != '\0' ? chosen : "libSDL2-2.0.so.0";
}

Api table;

template <class F>
bool resolve(void* lib, const char* name, F& out, std::string& why) {
  void* symbol = dlsym(lib, name);
  if (symbol == nullptr) {
    why = library_name() + " has no " + name;
    return false;
  }
  out = reinterpret_cast<F>(symbol);
  return true;
}

bool load_table(std::string& why) {
  const std::string name = library_name();
  void* lib = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* error = dlerror();
    why = "cannot load " + name + ": " + (error != nullptr ? error : "?");
    return false;
  }
  Api& t = table;
  return resolve(lib, "SDL_CreateRenderer", t.CreateRenderer, why) &&
         resolve(lib, "SDL_CreateTexture", t.CreateTexture, why) &&
         resolve(lib, "SDL_CreateWindow", t.CreateWindow, why) &&
         resolve(lib, "SDL_DestroyRenderer", t.DestroyRenderer, why) &&
         resolve(lib, "SDL_DestroyTexture", t.DestroyTexture, why) &&
         resolve(lib, "SDL_DestroyWindow", t.DestroyWindow, why) &&
         resolve(lib, "SDL_GetCurrentVideoDriver", t.GetCurrentVideoDriver, why) &&
         resolve(lib, "SDL_GetError", t.GetError, why) &&
         resolve(lib, "SDL_GetModState", t.GetModState, why) &&
         resolve(lib, "SDL_GetRendererOutputSize", t.GetRendererOutputSize, why) &&
         resolve(lib, "SDL_Init", t.Init, why) && resolve(lib, "SDL_PollEvent", t.PollEvent, why) &&
         resolve(lib, "SDL_PushEvent", t.PushEvent, why) && resolve(lib, "SDL_Quit", t.Quit, why) &&
         resolve(lib, "SDL_RegisterEvents", t.RegisterEvents, why) &&
         resolve(lib, "SDL_RenderClear", t.RenderClear, why) &&
         resolve(lib, "SDL_RenderCopy", t.RenderCopy, why) &&
         resolve(lib, "SDL_RenderPresent", t.RenderPresent, why) &&
         resolve(lib, "SDL_SetRelativeMouseMode", t.SetRelativeMouseMode, why) &&
         resolve(lib, "SDL_SetRenderDrawColor", t.SetRenderDrawColor, why) &&
         resolve(lib, "SDL_SetWindowFullscreen", t.SetWindowFullscreen, why) &&
         resolve(lib, "SDL_SetWindowTitle", t.SetWindowTitle, why) &&
         resolve(lib, "SDL_UpdateTexture", t.UpdateTexture, why) &&
         resolve(lib, "SDL_WaitEventTimeout", t.WaitEventTimeout, why);
  // (The library stays loaded until exit, as it would have linked.)
}

}  // namespace

bool load(std::string& why) {
  static std::string error;
  static const bool loaded = load_table(error);
  if (!loaded) why = error;
  return loaded;
}

const Api& api() {
  return table;
}

}  // namespace tx86::fe::sdl
