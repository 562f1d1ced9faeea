# The Tsan build type: ThreadSanitizer, for the threads of the desktop app
# (the machine thread, the window's, background translation). Not in CI:
# scripts/tsan.sh builds tx86 this way and runs the desktop app's test.
set(_tx86_tsan_flags "-fsanitize=thread -fno-omit-frame-pointer")
# (GCC's -Wmaybe-uninitialized misreads std::optional under TSan's -O1
# instrumentation: jit/opt/rewriter.h, which no other build warns about.)
set(CMAKE_CXX_FLAGS_TSAN "-O1 -g ${_tx86_tsan_flags} -Wno-maybe-uninitialized" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_TSAN "${_tx86_tsan_flags}" CACHE STRING "" FORCE)
set(CMAKE_SHARED_LINKER_FLAGS_TSAN "${_tx86_tsan_flags}" CACHE STRING "" FORCE)
mark_as_advanced(CMAKE_CXX_FLAGS_TSAN CMAKE_EXE_LINKER_FLAGS_TSAN CMAKE_SHARED_LINKER_FLAGS_TSAN)
