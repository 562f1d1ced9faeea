#!/usr/bin/env bash
# Sector throughput of the IDE disk's PIO and DMA paths: runs
# roms/storage/ata_bench.asm (32 MiB by READ SECTORS + REP INSW, then 32 MiB
# by READ DMA) on a scratch image and prints MiB/s of each, from the wall
# time between the guest's debug-console lines. A benchmark, not a test.
# Usage: tests/bench/ata_throughput.sh [--engine E] [--build DIR]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TX86_BUILD_DIR:-$root/build/release}
engine=jit
while (($# > 0)); do
  case $1 in
    --engine) engine=${2:?}; shift ;;
    --build) build=${2:?}; shift ;;
    *) echo "usage: $0 [--engine interp|jit] [--build DIR]" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
truncate -s 33M "$work/disk.img"
"$build/tx86" --cpu-engine "$engine" --bios "$build/roms/ata_bench.bin" --hda "$work/disk.img" \
  --debugcon stdio --exit-mode raw --timeout 600 |
  while IFS= read -r line; do echo "$(date +%s.%N) $line"; done > "$work/times.txt"
awk '
  $2 == "pio" && $3 == "start" { t0 = $1 }
  $2 == "pio" && $3 == "done" { t1 = $1 }
  $2 == "dma" && $3 == "done" { t2 = $1 }
  END {
    if (!t2) { print "ata_throughput: the guest did not finish"; exit 1 }
    printf "PIO (READ SECTORS, REP INSW): 32 MiB in %.3f s = %.0f MiB/s\n", t1 - t0, 32 / (t1 - t0)
    printf "DMA (READ DMA, bus master):   32 MiB in %.3f s = %.0f MiB/s\n", t2 - t1, 32 / (t2 - t1)
  }' "$work/times.txt"
