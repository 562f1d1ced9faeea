#!/usr/bin/env bash
# Guest disk writes and the image file: --snapshot leaves it untouched (and
# the guest still reads back what it wrote), a plain run changes it, and
# SIGTERM or SIGINT after the guest's FLUSH CACHE loses nothing; a write
# the host refuses (past a file-size limit, as on a full disk) reaches the
# guest as an ATA error, and tx86 lives on.
# Usage: disk_writes.sh path/to/tx86 ata_io.bin ata_flush_hold.bin [engine]
set -u
tx86=$1
ata_io=$2
flush_hold=$3
engine=${4:-jit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

truncate -s 1M "$work/disk.img"
before=$(sha256sum < "$work/disk.img")

"$tx86" --cpu-engine "$engine" --bios "$ata_io" --hda "$work/disk.img" --snapshot \
  --exit-mode raw --debugcon stdio --timeout 60 > "$work/out.txt"
status=$?
[[ $status -eq 0 ]] || fail "--snapshot run: exit status $status"
grep -q "PASS ata_io" "$work/out.txt" || fail "--snapshot run: the guest did not read back its writes"
[[ $(sha256sum < "$work/disk.img") == "$before" ]] || fail "--snapshot changed the image"

"$tx86" --cpu-engine "$engine" --bios "$ata_io" --hda "$work/disk.img" \
  --exit-mode raw --debugcon stdio --timeout 60 > "$work/out.txt"
status=$?
[[ $status -eq 0 ]] || fail "plain run: exit status $status"
[[ $(sha256sum < "$work/disk.img") != "$before" ]] || fail "a plain run left the image unchanged"

# Starts the flush-and-hold guest on $1 in the background (pid in $pid)
# and waits for its "flushed".
start_held() {
  rm -f "$work/debug.txt"
  "$tx86" --cpu-engine "$engine" --bios "$flush_hold" --hda "$1" \
    --debugcon "file:$work/debug.txt" --timeout 60 &
  pid=$!
  for _ in $(seq 300); do
    grep -q flushed "$work/debug.txt" 2>/dev/null && break
    sleep 0.1
  done
}
# Stops the held guest with signal $1: it ends with status 130, and the
# flushed sector is in the image ($2).
stop_held() {
  kill -"$1" $pid
  wait $pid
  local status=$?
  grep -q flushed "$work/debug.txt" || fail "SIG$1: the guest never flushed"
  [[ $status -eq 130 ]] || fail "SIG$1: exit status $status, expected 130"
  local sector
  sector=$(od -An -v -tx1 -j 1536 -N 512 "$2" | tr -d ' \n')
  [[ $sector == $(printf '5a%.0s' $(seq 512)) ]] || fail "SIG$1: sector 3 of the image lacks the guest's write"
}

# A second tx86 on the same image is refused while the first runs.
truncate -s 1M "$work/held.img"
start_held "$work/held.img"
"$tx86" --bios "$flush_hold" --hda "$work/held.img" --timeout 5 2> "$work/err.txt"
status=$?
[[ $status -eq 2 ]] || fail "a second tx86 on a locked image: exit status $status, expected 2"
grep -q "in use by another process" "$work/err.txt" || fail "no lock message: $(cat "$work/err.txt")"
stop_held TERM "$work/held.img"

truncate -s 1M "$work/int.img"
start_held "$work/int.img"
stop_held INT "$work/int.img"

# ulimit -f 1: writes past the first KiB fail (EFBIG; SIGXFSZ is ignored).
# The guest's write to sector 3 ends in ERR, which its check reports.
truncate -s 1M "$work/full.img"
(ulimit -f 1 && exec "$tx86" --cpu-engine "$engine" --bios "$flush_hold" --hda "$work/full.img" \
  --exit-mode raw --debugcon "file:$work/full.txt" --timeout 60)
status=$?
grep -q "status after the write" "$work/full.txt" ||
  fail "disk full: the guest saw no error: $(cat "$work/full.txt")"
((status != 0 && status < 128)) || fail "disk full: exit status $status (a signal?)"
[[ $(od -An -v -tx1 -j 1536 -N 512 "$work/full.img" | tr -d ' 0\n') == "" ]] ||
  fail "disk full: sector 3 changed"

echo "$failures failure(s)"
((failures == 0))
