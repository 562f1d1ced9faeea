# The Fuzz build type (clang only): everything instrumented for libFuzzer's
# coverage, with ASan and UBSan, and the fuzz targets in tests/fuzz linked
# with libFuzzer's main. scripts/test.sh builds it in build/fuzz.
set(_tx86_fuzz_flags "-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all")
set(CMAKE_CXX_FLAGS_FUZZ "-O1 -g -fno-omit-frame-pointer ${_tx86_fuzz_flags}" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_FUZZ "-fsanitize=address,undefined" CACHE STRING "" FORCE)
mark_as_advanced(CMAKE_CXX_FLAGS_FUZZ CMAKE_EXE_LINKER_FLAGS_FUZZ)
