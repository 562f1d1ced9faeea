#!/usr/bin/env bash
# Builds tx86's Linux test guest from Debian packages only, reproducibly:
#   vmlinuz      the linux-image-686 kernel (bzImage, boot protocol 2.15)
#   vmlinux      the same kernel uncompressed (ELF), for the fast path
#   initrd.gz    busybox-static with our /init and /selftest (newc cpio)
#   disk.img     32 MiB: MBR, one FAT16 partition with syslinux, the kernel
#                and the initramfs (SeaBIOS + syslinux boot)
#   SHA256SUMS   of the four
# The packages are pinned; their .deb files are checked against the hashes
# in packages.sha256 and cached (TX86_CACHE, default ~/.cache/tx86). What
# is built is checked against expected.sha256: the same inputs must give
# the same bytes.
# Usage: build-guest.sh [--reuse] OUTPUT_DIR
#   --reuse  do nothing when OUTPUT_DIR already holds exactly what
#            expected.sha256 names (scripts/run.sh); without it, build.
set -euo pipefail
reuse=false
if [[ ${1:-} == --reuse ]]; then reuse=true; shift; fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
if $reuse && [[ -d $out ]] && (cd "$out" && sha256sum --quiet --check "$here/expected.sha256" >/dev/null 2>&1); then
  echo "build-guest: $out is up to date"
  exit 0
fi
cache=${TX86_CACHE:-$HOME/.cache/tx86}/debs
kernel_pkg=linux-image-6.1.0-50-686
kernel_version=6.1.176-1
busybox_version=1:1.35.0-4+deb12u1+b1
kernel_release=6.1.0-50-686
# The kernel command line of the disk image (the direct boot passes its own):
# the kernel's messages go to the VGA text console and to COM1, and COM1 is
# /dev/console (the last console= wins); /init adds a shell on tty1.
disk_append="console=tty0 console=ttyS0,115200 panic=-1 noapic nolapic acpi=off mitigations=off cryptomgr.notests noisapnp guest_action=shell"
# Fixed times and identities, so that two builds give the same bytes.
export SOURCE_DATE_EPOCH=1700000000
export TZ=UTC LC_ALL=C

fail() { echo "build-guest: $*" >&2; exit 1; }
for tool in dpkg-deb cpio gzip xz sfdisk mkfs.fat mcopy syslinux sha256sum; do
  command -v $tool >/dev/null || fail "needs $tool (scripts/install-deps.sh installs it)"
done

# --- the packages ---------------------------------------------------------------
mkdir -p "$cache" "$out"
deb_for() {  # deb_for NAME: the cached .deb of a pinned package, downloaded once
  local name=$1 file expected
  expected=$(awk -v n="$name" '$2 == n { print $1 }' "$here/packages.sha256")
  [[ -n $expected ]] || fail "no hash for $name in packages.sha256"
  file=$cache/$name
  if [[ ! -f $file ]] || [[ $(sha256sum < "$file" | cut -d' ' -f1) != "$expected" ]]; then
    local tmp
    tmp=$(mktemp -d)
    chmod 777 "$tmp"  # apt's sandbox user writes there
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
      dpkg --add-architecture i386 || fail "cannot add the i386 architecture (run as root)"
      apt-get update -qq || true
    fi
    local spec
    case $name in
      linux-image*) spec="$kernel_pkg:i386=$kernel_version" ;;
      busybox*) spec="busybox-static:i386=$busybox_version" ;;
    esac
    (cd "$tmp" && apt-get download -q "$spec" >/dev/null) ||
      { apt-get update -qq || true; (cd "$tmp" && apt-get download -q "$spec" >/dev/null); } ||
      fail "cannot download $spec"
    mv "$tmp"/*.deb "$file"
    rm -rf "$tmp"
    [[ $(sha256sum < "$file" | cut -d' ' -f1) == "$expected" ]] ||
      fail "$spec does not have the pinned hash $expected"
  fi
  echo "$file"
}
kernel_deb=$(deb_for linux-image.deb)
busybox_deb=$(deb_for busybox-static.deb)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb --fsys-tarfile "$kernel_deb" | tar -x -C "$work" "./boot/vmlinuz-$kernel_release"
dpkg-deb --fsys-tarfile "$busybox_deb" | tar -x -C "$work" ./bin/busybox
cp "$work/boot/vmlinuz-$kernel_release" "$out/vmlinuz"

# --- vmlinux: the xz payload of the bzImage -------------------------------------
offset=$(grep -abo $'\xFD7zXZ' "$out/vmlinuz" | head -1 | cut -d: -f1)
[[ -n $offset ]] || fail "no xz stream in the kernel image"
tail -c +$((offset + 1)) "$out/vmlinuz" | xz -dc --single-stream > "$out/vmlinux" 2>/dev/null ||
  fail "cannot decompress the kernel"
[[ $(head -c 4 "$out/vmlinux") == $'\x7fELF' ]] || fail "the kernel payload is not an ELF file"

# --- the initramfs ---------------------------------------------------------------
root=$work/initramfs
mkdir -p "$root/bin"
install -m 755 "$work/bin/busybox" "$root/bin/busybox"
install -m 755 "$here/init" "$root/init"
install -m 755 "$here/selftest" "$root/selftest"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | sort | cpio -o -H newc --owner=0:0 --reproducible --quiet) |
  gzip -n -9 > "$out/initrd.gz"

# --- the disk image --------------------------------------------------------------
disk=$out/disk.img
rm -f "$disk"
truncate -s 32M "$disk"
echo 'label: dos
label-id: 0x74783836
2048,,6,*' | sfdisk -q "$disk"
part_sectors=$(( (32 * 1024 * 1024) / 512 - 2048 ))
mkfs.fat -F 16 -n TX86LINUX -i 74783836 --invariant --offset 2048 "$disk" $((part_sectors / 2)) >/dev/null
cat > "$work/syslinux.cfg" <<CFG
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  LINUX /vmlinuz
  INITRD /initrd.gz
  APPEND $disk_append
CFG
cp "$out/vmlinuz" "$out/initrd.gz" "$work/"
touch -d "@$SOURCE_DATE_EPOCH" "$work/vmlinuz" "$work/initrd.gz" "$work/syslinux.cfg"
export MTOOLS_SKIP_CHECK=1
mcopy -m -i "$disk@@1M" "$work/vmlinuz" "$work/initrd.gz" "$work/syslinux.cfg" ::/
syslinux --offset $((2048 * 512)) --install "$disk"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$disk" conv=notrunc bs=440 count=1 status=none

# --- the check -------------------------------------------------------------------
(cd "$out" && sha256sum vmlinuz vmlinux initrd.gz disk.img > SHA256SUMS)
if ! diff -u "$here/expected.sha256" "$out/SHA256SUMS" >&2; then
  fail "what was built differs from roms/linux/expected.sha256 (above): not reproducible, or an input changed"
fi
echo "build-guest: $out: $(tr '\n' ' ' < "$out/SHA256SUMS" | sed 's/  / /g')"
