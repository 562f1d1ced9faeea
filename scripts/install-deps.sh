#!/usr/bin/env bash
# Installs the Debian packages tx86 builds with. Does nothing when all are
# present, so the README commands can call it every time.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config nasm clang-format
  gcc-multilib  # gcc -m32 builds the differential tester's native runner
  libcapstone-dev libasmjit-dev libsdl2-dev libspdlog-dev libgtest-dev
  libcli11-dev libtomlplusplus-dev libpng-dev libzstd-dev seabios
  # the storage boot tests build their floppy, disk and CD images at test time
  syslinux syslinux-common isolinux xorriso mtools dosfstools
  # the GDB stub's test drives it with the real gdb
  gdb
  # the fuzz targets (tests/fuzz) are built with clang and libFuzzer
  clang libclang-rt-14-dev
  # the desktop app's test runs it in Xvfb and types into it
  xvfb xdotool x11-apps netpbm python3
  # roms/linux/build-guest.sh makes the Linux guest from Debian's i386 packages
  cpio xz-utils fdisk
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
