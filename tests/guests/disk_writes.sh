#!/usr/bin/env bash
# Guest disk writes and the image file: --snapshot leaves it untouched (and
# the guest still reads back what it wrote), a plain run changes it, and
# SIGTERM after the guest's FLUSH CACHE loses nothing.
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

# A second tx86 on the same image is refused while the first runs.
truncate -s 1M "$work/held.img"
"$tx86" --cpu-engine "$engine" --bios "$flush_hold" --hda "$work/held.img" \
  --debugcon "file:$work/debug.txt" --timeout 60 &
pid=$!
for _ in $(seq 300); do
  grep -q flushed "$work/debug.txt" 2>/dev/null && break
  sleep 0.1
done
"$tx86" --bios "$flush_hold" --hda "$work/held.img" --timeout 5 2> "$work/err.txt"
status=$?
[[ $status -eq 2 ]] || fail "a second tx86 on a locked image: exit status $status, expected 2"
grep -q "in use by another process" "$work/err.txt" || fail "no lock message: $(cat "$work/err.txt")"
kill -TERM $pid
wait $pid
status=$?
grep -q flushed "$work/debug.txt" || fail "the guest never flushed"
[[ $status -eq 130 ]] || fail "SIGTERM: exit status $status, expected 130"
sector=$(od -An -v -tx1 -j 1536 -N 512 "$work/held.img" | tr -d ' \n')
[[ $sector == $(printf '5a%.0s' $(seq 512)) ]] || fail "sector 3 of the image lacks the guest's write"

echo "$failures failure(s)"
((failures == 0))
