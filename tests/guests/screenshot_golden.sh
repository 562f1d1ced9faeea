#!/usr/bin/env bash
# A headless run's --screenshot against a golden PNG, pixel for pixel (both
# decoded by netpbm's pngtopnm). The run stops at a fixed guest time
# (--screenshot-at), so the picture, cursor phase included, is the same on
# every engine and machine. TX86_UPDATE_GOLDEN=1 rewrites the golden.
# Usage: screenshot_golden.sh path/to/tx86 GOLDEN.png [tx86 arguments...]
# Arguments may name shared test data as @testdata/FILE; the test fails
# naming the file when it is missing, and the run uses a copy.
set -u
tx86=$1
golden=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=()
for a in "$@"; do
  if [[ $a == @testdata/* ]]; then
    file=$root/../shared/testdata/${a#@testdata/}
    [[ -f $file ]] || { echo "FAIL: needs $file (shared test data)"; exit 1; }
    cp "$file" "$work/" && chmod u+w "$work/$(basename "$file")"
    a=$work/$(basename "$file")
  fi
  args+=("$a")
done
"$tx86" --serial none --screenshot "$work/shot.png" "${args[@]}" || { echo "FAIL: tx86 exited with $?"; exit 1; }
if [[ -n ${TX86_UPDATE_GOLDEN:-} ]]; then
  cp "$work/shot.png" "$golden"
  echo "wrote $golden"
  exit 0
fi
[[ -f $golden ]] || { echo "FAIL: no golden $golden"; exit 1; }
pngtopnm "$work/shot.png" > "$work/shot.ppm" && pngtopnm "$golden" > "$work/golden.ppm" ||
  { echo "FAIL: cannot decode the PNGs"; exit 1; }
if ! cmp -s "$work/shot.ppm" "$work/golden.ppm"; then
  keep=$(mktemp --suffix=.png)
  cp "$work/shot.png" "$keep"
  echo "FAIL: the screenshot differs from $golden (it is kept at $keep)"
  exit 1
fi
echo "the screenshot equals $golden"
