#!/usr/bin/env bash
# The README's main-job command: installs what is missing, builds tx86
# (Release) and the Linux test guest (roms/linux/build-guest.sh: Debian's
# i386 kernel and busybox, downloaded once and cached), and boots the guest
# from its disk image through SeaBIOS and syslinux. With a display (X11 or
# Wayland) it runs in a window, the shell on the VGA console; otherwise
# headless, with the serial console on this terminal (Ctrl+A X quits).
# The image is used with --snapshot, so it stays as built. Extra arguments
# go to tx86.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build/release -j "$(nproc)" --target tx86
./roms/linux/build-guest.sh --reuse build/release/linux-guest
display=none
[[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && display=sdl
exec ./build/release/tx86 --hda build/release/linux-guest/disk.img --snapshot --display "$display" "$@"
