#!/usr/bin/env bash
# bench-smoke: a benchmark kernel boots under tx86 with a tiny work scale and
# prints the same checksum line as its native build at that scale. A
# correctness check of the guests and of tx86; it measures no time.
# Usage: smoke.sh path/to/tx86 BENCH_DIR WORKLOAD
set -uo pipefail
tx86=$1 dir=$2 name=$3

want=$("$dir/$name-native" scale=1 | grep ': checksum ')
if [[ -z $want ]]; then
  echo "FAIL: $name-native printed no checksum"; exit 1
fi
got=$("$tx86" --kernel "$dir/$name.elf" --append scale=1 --serial stdio --exit-mode raw \
  --timeout 120 < /dev/null)
status=$?
echo "native: $want"
echo "tx86:   $(grep ': checksum ' <<< "$got")"
if ((status != 0)); then
  echo "FAIL: tx86 exited with status $status"; exit 1
fi
if ! grep -qxF -- "$want" <<< "$got"; then
  echo "FAIL: the checksums differ"; exit 1
fi
