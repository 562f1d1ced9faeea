#!/usr/bin/env bash
# ThreadSanitizer on the desktop app's threads (not in CI: a build of its
# own and a few minutes): builds tx86 with the Tsan build type and runs the
# desktop app's test (tests/guests/desktop_app.sh, under Xvfb) with it. The
# first data race or lock-order problem stops tx86 with TSan's report (exit
# status 66), which fails the test.
# Usage: scripts/tsan.sh [LINUX_DISK_IMG]  (the Linux guest's disk, as made
#   by a build's guest.linux.build test, adds its part of the desktop test)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build=build/tsan
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Tsan -DTX86_WERROR=ON -DTX86_BUILD_TESTS=OFF
cmake --build "$build" -j "${TX86_JOBS:-$(nproc)}" --target tx86 roms
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp ${TSAN_OPTIONS:-}"
tests/guests/desktop_app.sh "$build/tx86" "$build/roms/vga_modes_boot.bin" \
  "$build/roms/mouse_echo_boot.bin" ${1:+"$1"}
