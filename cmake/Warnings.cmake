# One interface target carries the project's warning flags; every target of
# ours links it, so the flags live in one place.
add_library(tx86_warnings INTERFACE)
target_compile_options(tx86_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wimplicit-fallthrough -Wmissing-declarations -Wformat=2 -Wundef)
if(TX86_WERROR)
  target_compile_options(tx86_warnings INTERFACE -Werror)
endif()
