#!/usr/bin/env bash
# Boots SeaBIOS from a drive and waits for the guest's prompt. The images
# are built here from Debian packages (syslinux, isolinux, xorriso, mtools,
# dosfstools), or taken from ../shared/testdata. The prompt is watched on
# COM1 (SeaBIOS mirrors the screen there); once it shows, tx86 gets
# SIGTERM, must exit 130, and its VGA text screen must show the prompt too.
#
# Usage: storage_boot.sh path/to/tx86 CASE [interp|jit|verify]
#   isolinux-cd   an El Torito ISOLINUX CD (--cdrom, --boot d)
#   syslinux-hd   a partitioned FAT16 disk with the syslinux MBR (--hda)
#   syslinux-fd   a 1.44M FAT12 floppy with syslinux (--fda)
#   freedos-fd    testdata/freedos-boot-1.44MB.img to its A:\> prompt
#   bootos-fd     testdata/bootos-osall-360K.img to its $ prompt
set -u
tx86=$1
case_name=$2
engine=${3:-jit}
root=$(cd "$(dirname "$0")/../.." && pwd)
testdata=$root/../shared/testdata
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH=$PATH:/usr/sbin:/sbin  # mkfs.vfat
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

need() {
  for f in "$@"; do
    if [[ ! -e $f ]]; then
      echo "FAIL: needs $f (scripts/install-deps.sh installs syslinux, isolinux, xorriso, mtools, dosfstools)"
      exit 1
    fi
  done
}
need /usr/share/seabios/bios-256k.bin

syslinux_cfg() {
  printf 'PROMPT 1\nTIMEOUT 0\nSAY tx86 %s boot test\nDEFAULT none\n' "$1"
}

make_isolinux_cd() {
  need /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32
  mkdir -p "$work/iso/isolinux"
  cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
  syslinux_cfg isolinux > "$work/iso/isolinux/isolinux.cfg"
  xorriso -as mkisofs -quiet -o "$1" -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" 2>/dev/null || fail "xorriso"
}

# A 16 MiB disk: one bootable FAT16 partition from sector 2048.
make_syslinux_hd() {
  need /usr/lib/syslinux/mbr/mbr.bin
  local img=$1 start=2048 sectors=32768
  truncate -s $((sectors * 512)) "$img"
  # The partition entry (status 80h, type 0Eh, LBA start and length) and
  # the boot signature, little-endian.
  le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }
  printf "\\x80\\xfe\\xff\\xff\\x0e\\xfe\\xff\\xff$(le32 $start)$(le32 $((sectors - start)))" |
    dd of="$img" bs=1 seek=446 conv=notrunc status=none
  printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
  mkfs.vfat -F 16 --offset $start "$img" $(((sectors - start) / 2)) >/dev/null || fail "mkfs.vfat"
  syslinux_cfg syslinux > "$work/syslinux.cfg"
  mcopy -i "$img@@$((start * 512))" "$work/syslinux.cfg" ::syslinux.cfg || fail "mcopy"
  syslinux --offset $((start * 512)) --install "$img" || fail "syslinux --install"
  dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc status=none
}

make_syslinux_fd() {
  local img=$1
  truncate -s 1474560 "$img"
  mkfs.vfat -F 12 "$img" >/dev/null || fail "mkfs.vfat"
  syslinux_cfg syslinux-floppy > "$work/syslinux.cfg"
  mcopy -i "$img" "$work/syslinux.cfg" ::syslinux.cfg || fail "mcopy"
  syslinux --install "$img" || fail "syslinux --install"
}

# boot_until TEXT SECONDS tx86-args...: runs tx86 until COM1 shows TEXT,
# then stops it with SIGTERM.
boot_until() {
  local text=$1 limit=$2
  shift 2
  "$tx86" --cpu-engine "$engine" --timeout $((limit + 30)) --serial "file:$work/com1.txt" \
    --screendump-text "$work/screen.txt" "$@" 2> "$work/stderr.txt" &
  local pid=$! waited=0
  while ! grep -qF -- "$text" "$work/com1.txt" 2>/dev/null; do
    if ! kill -0 $pid 2>/dev/null || ((waited >= limit * 10)); then break; fi
    sleep 0.1
    waited=$((waited + 1))
  done
  # (a moment for the screen: SeaBIOS may mirror a character to COM1
  # before the VGA BIOS has drawn it)
  sleep 0.5
  kill -TERM $pid 2>/dev/null
  wait $pid
  local status=$?
  cat "$work/stderr.txt"
  grep -qF -- "$text" "$work/com1.txt" 2>/dev/null || fail "COM1 never showed '$text' within ${limit}s"
  [[ $status -eq 130 ]] || fail "exit status $status after SIGTERM, expected 130"
  grep -qF -- "$text" "$work/screen.txt" || fail "the VGA text screen lacks '$text'"
  if ((failures > 0)); then
    echo "--- COM1:"; cat -v "$work/com1.txt" 2>/dev/null | tail -20
    echo "--- screen:"; cat "$work/screen.txt" 2>/dev/null
  fi
}

case $case_name in
  isolinux-cd)
    make_isolinux_cd "$work/cd.iso"
    boot_until "tx86 isolinux boot test" 120 --cdrom "$work/cd.iso" --boot d
    grep -qF "boot:" "$work/screen.txt" || fail "no ISOLINUX boot: prompt on the screen"
    ;;
  syslinux-hd)
    make_syslinux_hd "$work/hd.img"
    boot_until "tx86 syslinux boot test" 120 --hda "$work/hd.img" --boot c
    grep -qF "boot:" "$work/screen.txt" || fail "no SYSLINUX boot: prompt on the screen"
    ;;
  syslinux-fd)
    make_syslinux_fd "$work/fd.img"
    boot_until "tx86 syslinux-floppy boot test" 120 --fda "$work/fd.img" --boot a
    grep -qF "boot:" "$work/screen.txt" || fail "no SYSLINUX boot: prompt on the screen"
    ;;
  freedos-fd)
    need "$testdata/freedos-boot-1.44MB.img"
    cp "$testdata/freedos-boot-1.44MB.img" "$work/fd.img"
    boot_until 'A:\>' 120 --fda "$work/fd.img" --boot a
    ;;
  bootos-fd)
    need "$testdata/bootos-osall-360K.img"
    cp "$testdata/bootos-osall-360K.img" "$work/fd.img"
    boot_until '$' 120 --fda "$work/fd.img" --boot a
    ;;
  *) echo "storage_boot.sh: unknown case $case_name"; exit 2 ;;
esac

echo "$failures failure(s)"
((failures == 0))
