#!/usr/bin/env bash
# Soak test (not in CI; an hour or more): the Linux test guest booted
# BOOTS times in a row (direct boot, /selftest, reboot ends the run), then
# one guest running /selftest in a loop for STRESS_MINUTES minutes of wall
# time. Reports each failure, the boots' times and peak memory, and the
# stress run's memory over time (growth is a leak).
# Usage: scripts/soak.sh [BUILD_DIR] [BOOTS] [STRESS_MINUTES] [ENGINE]
#   BUILD_DIR: a built tree whose guest.linux.build test has made
#   linux-guest/ (default build/release); ENGINE: jit (default) or interp.
set -u
cd "$(dirname "$0")/.."
build=${1:-build/release} boots=${2:-100} minutes=${3:-30} engine=${4:-jit}
tx86=$build/tx86
guest=$build/linux-guest
for f in "$tx86" "$guest/vmlinuz" "$guest/initrd.gz"; do
  [[ -e $f ]] || { echo "soak: no $f (build the tree and run its guest.linux.build test)"; exit 2; }
done
command -v /usr/bin/time > /dev/null || apt-get install -y time > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
append="console=ttyS0,115200 panic=-1 noapic nolapic acpi=off mitigations=off cryptomgr.notests noisapnp"
failures=0

echo "soak: $boots boots of the Linux guest ($engine)"
: > "$work/boots.txt"
for ((i = 1; i <= boots; i++)); do
  /usr/bin/time -f "%M %e" -o "$work/time.txt" "$tx86" --cpu-engine "$engine" \
    --kernel "$guest/vmlinuz" --initrd "$guest/initrd.gz" \
    --append "$append guest_action=selftest" --no-reboot --serial "file:$work/serial.txt" \
    --timeout 600 2> "$work/stderr.txt"
  status=$?
  read -r rss seconds < "$work/time.txt"
  echo "$rss $seconds" >> "$work/boots.txt"
  if [[ $status -ne 0 ]] || ! grep -q "GUEST_STATUS: 0" "$work/serial.txt"; then
    failures=$((failures + 1))
    echo "boot $i: FAILED (exit status $status): $(grep -E 'GUEST_TEST|GUEST_STATUS' "$work/serial.txt" | tr '\n' ' ')"
    tail -3 "$work/stderr.txt"
    cp "$work/serial.txt" "$work/../soak-boot-$i-serial.txt" 2> /dev/null
  fi
  ((i % 10 == 0)) && echo "  $i boots, $failures failed"
done
awk -v n="$boots" '{ rss[NR] = $1; t[NR] = $2; st += $2; if ($1 > max) max = $1; if (min == "" || $1 < min) min = $1 }
  END { k = n < 10 ? n : 10; for (i = 1; i <= k; i++) { a += rss[i]; b += rss[n - k + i] }
        printf "boots: %.2f s each on average; peak RSS %d-%d KiB, first %d average %d KiB, last %d average %d KiB\n",
               st / n, min, max, k, a / k, k, b / k }' "$work/boots.txt"

echo "soak: /selftest in a loop for $minutes minutes"
cmd="i=0; while true; do i=\$((i+1)); if /selftest > /tmp/out; then echo STRESS_ROUND \$i ok; else echo STRESS_ROUND \$i FAILED; cat /tmp/out; fi; done"
"$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinuz" --initrd "$guest/initrd.gz" \
  --append "$append guest_action=run guest_cmd=\"$cmd\"" --serial "file:$work/stress.txt" \
  --timeout $((minutes * 60)) 2> "$work/stress-stderr.txt" &
pid=$!
start=$SECONDS
: > "$work/rss.txt"
while kill -0 $pid 2> /dev/null; do
  rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2> /dev/null)
  [[ -n $rss ]] && echo "$((SECONDS - start)) $rss" >> "$work/rss.txt"
  sleep 10
done
wait $pid
status=$?
rounds=$(grep -c "^STRESS_ROUND .* ok" "$work/stress.txt")
bad=$(grep -c "^STRESS_ROUND .* FAILED" "$work/stress.txt")
echo "stress: exit status $status (124: the timeout ended it, as it should), $rounds rounds ok, $bad failed"
if [[ $status -ne 124 ]]; then
  failures=$((failures + 1))
  tail -5 "$work/stress-stderr.txt"
fi
((bad > 0)) && failures=$((failures + 1)) && grep -A8 "FAILED" "$work/stress.txt" | head -40
# Growth: the peak of the second half of the run against the first's
# (after its first minute, when the guest's page cache and the JIT's code
# have filled in).
awk -v total=$((minutes * 60)) '
  { t[NR] = $1; r[NR] = $2; if ($2 > peak) peak = $2 }
  END {
    if (NR == 0) { print "stress RSS: no samples"; exit }
    for (i = 1; i <= NR; i++) {
      if (t[i] >= 60 && t[i] <= total / 2 && r[i] > a) a = r[i]
      if (t[i] > total / 2 && r[i] > b) b = r[i]
    }
    printf "stress RSS: peak %d KiB; first half (from 1 min) peak %d KiB, second half peak %d KiB: %+d KiB\n",
           peak, a, b, b - a
  }' "$work/rss.txt"
echo "soak: $failures failure(s)"
((failures == 0))
