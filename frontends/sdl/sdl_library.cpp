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

// Sets `out` to the library's `name`; when it has none, says so in `why`
// (the first such name) and returns false.
template <class F>
bool resolve(void* lib, const char* name, F& out, std::string& why) {
  void* symbol = dlsym(lib, name);
  if (symbol == nullptr) {
    if (why.empty()) why = library_name() + " has no " + name;
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
  // (The library stays loaded until exit, as it would have linked.)
  bool all = true;
#define TX86_SDL_RESOLVE(name) all &= resolve(lib, "SDL_" #name, table.name, why);
  TX86_SDL_FUNCTIONS(TX86_SDL_RESOLVE)
#undef TX86_SDL_RESOLVE
  return all;
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
