#!/usr/bin/env bash
# SeaBIOS boots headless with no disks: its debug log shows the PCI devices
# and the VGA BIOS, it gives up with "No bootable device", and under
# --no-reboot its reboot ends the run with status 0. The VGA text screen and
# COM1 (SeaBIOS's serial console) both show its banner.
# Usage: seabios_boot.sh path/to/tx86 [interp|jit|verify]
set -u
tx86=$1
engine=${2:-jit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if [[ ! -f /usr/share/seabios/bios-256k.bin ]]; then
  echo "FAIL: needs Debian's seabios package (/usr/share/seabios); scripts/install-deps.sh installs it"
  exit 1
fi

"$tx86" --cpu-engine "$engine" --no-reboot --boot order=c,reboot-timeout=1000 --timeout 120 --log-level info \
  --debugcon "file:$work/debug.log" --serial "file:$work/com1.txt" \
  --screendump-text "$work/screen.txt" 2> "$work/stderr.txt"
status=$?
cat "$work/stderr.txt"
[[ $status -eq 0 ]] || fail "exit status $status, expected 0"

for line in "Found 4 PCI devices (max PCI bus is 00)" "PCI: init bdf=00:02.0 id=1234:1111" \
            "Running option rom at c000:0003" "Start SeaVGABIOS" "set VGA mode 3" \
            "No bootable device." "Rebooting."; do
  grep -qF "$line" "$work/debug.log" || fail "debug log lacks '$line'"
done
head -1 "$work/screen.txt" | grep -q "^SeaBIOS (version 1.16.2" || fail "VGA screen lacks the banner"
grep -q "No bootable device" "$work/screen.txt" || fail "VGA screen lacks 'No bootable device'"
grep -q "SeaBIOS (version 1.16.2" "$work/com1.txt" || fail "COM1 lacks the banner"

if ((failures > 0)); then
  echo "--- debug log:"; cat "$work/debug.log"
  echo "--- screen:"; cat "$work/screen.txt"
fi
echo "$failures failure(s)"
((failures == 0))
