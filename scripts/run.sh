#!/usr/bin/env bash
# The README's main-job command: installs what is missing, builds tx86
# (Release), and runs the default guest. Extra arguments go to tx86.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release -j "$(nproc)" --target tx86 roms
# Until tx86 boots an operating system, the default guest is the hello ROM.
exec ./build/release/tx86 --bios build/release/roms/hello.bin --debugcon stdio --exit-mode raw "$@"
