#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything with
# warnings as errors, and runs every test (unit, ROM, CLI, guests) plus the
# format check, then the fuzz targets (tests/fuzz) for a bounded time each in
# a clang build of their own. Set TX86_BUILD_TYPE (Release, Debug, Sanitize) to pick the build;
# the default is Sanitize (ASan + UBSan), so CI runs the sanitizers too.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

build_type=${TX86_BUILD_TYPE:-Sanitize}
build_dir=build/$(echo "$build_type" | tr '[:upper:]' '[:lower:]')
jobs=${TX86_JOBS:-$(nproc)}

./scripts/check-format.sh
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DTX86_WERROR=ON
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" -j "$jobs" --output-on-failure

# libFuzzer needs clang: the fuzz targets get a build of their own.
fuzz_dir=build/fuzz
CXX=clang++ cmake -S . -B "$fuzz_dir" -G Ninja -DCMAKE_BUILD_TYPE=Fuzz -DTX86_WERROR=ON \
  -DTX86_BUILD_TESTS=OFF
cmake --build "$fuzz_dir" -j "$jobs" --target fuzzers
ctest --test-dir "$fuzz_dir" -L fuzz -j "$jobs" --output-on-failure
