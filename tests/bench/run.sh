#!/usr/bin/env bash
# Runs the benchmark guests of roms/bench natively, under tx86 and (with
# --qemu) under qemu-system-i386, checks that their checksums agree and
# prints a table of wall-clock times. A benchmark, never a test: it asserts
# nothing about time. Exit status: 0, or 1 when two runs of a workload
# printed different checksums (or on a usage error: 2). See README.md.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: tests/bench/run.sh [--qemu] [--engine interp|jit] [--scale N] [--repeat N] [--build DIR] [workload...]

  --qemu           also run each kernel under qemu-system-i386 (TCG)
  --engine E       tx86's --cpu-engine (default: tx86's default engine)
  --scale N        work units (about 10 ms natively each; default: the
                   guests' own, 150)
  --build DIR      the build tree (default: build/release, or $TX86_BUILD_DIR)
  --repeat N       run each N times, interleaved (native, tx86, qemu, native,
                   ...), and show the fastest of each (default 1): on a
                   noisy machine the minimum is the steadiest figure
  --timeout S      give up on one run after S seconds (default 3600)
  workload         integer memory string calls x87 irq (default: all)
EOF
}

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TX86_BUILD_DIR:-$root/build/release}
use_qemu=0
engine=""
scale=""
repeat=1
timeout_s=3600
workloads=()
while (($# > 0)); do
  case $1 in
    --qemu) use_qemu=1 ;;
    --engine) engine=${2:?--engine needs a value}; shift ;;
    --scale) scale=${2:?--scale needs a value}; shift ;;
    --repeat) repeat=${2:?--repeat needs a value}; shift ;;
    --build) build=${2:?--build needs a value}; shift ;;
    --timeout) timeout_s=${2:?--timeout needs a value}; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) workloads+=("$1") ;;
  esac
  shift
done
((${#workloads[@]} > 0)) || workloads=(integer memory string calls x87 irq)
if [[ -n $scale && ! $scale =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --scale must be a positive integer" >&2; exit 2
fi
if [[ ! $repeat =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --repeat must be a positive integer" >&2; exit 2
fi

tx86=$build/tx86
bench_dir=$build/roms/bench
[[ -x $tx86 ]] || { echo "run.sh: no tx86 at $tx86 (build first, or --build DIR)" >&2; exit 2; }
for w in "${workloads[@]}"; do
  if [[ ! -f $bench_dir/$w.elf || ! -x $bench_dir/$w-native ]]; then
    echo "run.sh: no benchmark '$w' in $bench_dir (is gcc-multilib installed?)" >&2; exit 2
  fi
done
qemu=""
if ((use_qemu)); then
  qemu=$(command -v qemu-system-i386 || true)
  [[ -n $qemu ]] || echo "run.sh: qemu-system-i386 is not installed: no qemu column" >&2
fi

# The scale goes to the native programs as an argument, to the kernels on
# their command line.
args=() append_tx86=() append_qemu=()
if [[ -n $scale ]]; then
  args=("scale=$scale") append_tx86=(--append "scale=$scale") append_qemu=(-append "scale=$scale")
fi
tx86_engine=()
[[ -n $engine ]] && tx86_engine=(--cpu-engine "$engine")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }

# run_one TAG EXPECTED_STATUS COMMAND...: runs it, stdout to $work/TAG.out;
# sets $secs (wall clock) and $sum (the checksum, or "" when the run failed;
# then $why says why).
run_one() {
  local tag=$1 want=$2
  shift 2
  local start end status
  start=$(now)
  timeout "$timeout_s" "$@" < /dev/null > "$work/$tag.out" 2> "$work/$tag.err"
  status=$?
  end=$(now)
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  sum=$(sed -n 's/^bench [a-z0-9]*: checksum \(0x[0-9a-f]\{8\}\)$/\1/p' "$work/$tag.out" | head -n 1)
  why=""
  if [[ $status -ne $want || -z $sum ]]; then
    why="exit status $status: $(grep -v '^$' "$work/$tag.err" | tail -n 1)"
    ((status == 124)) && why="timed out after $timeout_s s"
    sum=""
  fi
}

ratio() {  # ratio A B: A/B, or "-" when either is missing
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a == "-" || b == "-" || b + 0 <= 0) print "-"; else printf "%.2f", a / b }'
}

# best TAG: after run_one, keeps the fastest successful run of TAG (native,
# tx86, qemu) of workload $w in best_s[TAG] and best_sum[TAG]. A failed run
# leaves a note; a checksum that differs from an earlier run's of the same
# TAG is a mismatch.
best() {
  local tag=$1
  if [[ -z $sum ]]; then
    notes+=("$w $tag failed: $why")
    return
  fi
  if [[ -n ${best_sum[$tag]:-} && ${best_sum[$tag]} != "$sum" ]]; then
    mismatch=1
    notes+=("$w $tag CHECKSUM MISMATCH between runs: ${best_sum[$tag]}, $sum")
  fi
  best_sum[$tag]=$sum
  if [[ -z ${best_s[$tag]:-} ]] || awk -v a="$secs" -v b="${best_s[$tag]}" 'BEGIN { exit !(a < b) }'; then
    best_s[$tag]=$secs
  fi
}

rows=()
notes=()
mismatch=0
for w in "${workloads[@]}"; do
  echo "run.sh: $w..." >&2
  declare -A best_s=() best_sum=()
  for ((r = 1; r <= repeat; ++r)); do
    run_one "$w.native" 0 "$bench_dir/$w-native" "${args[@]}"
    best native
    run_one "$w.tx86" 0 "$tx86" --kernel "$bench_dir/$w.elf" "${append_tx86[@]}" \
      --serial stdio --exit-mode raw "${tx86_engine[@]}"
    best tx86
    if [[ -n $qemu ]]; then
      # isa-debug-exit: the guest writes 0, QEMU exits with (0 << 1) | 1.
      run_one "$w.qemu" 1 "$qemu" -accel tcg -kernel "$bench_dir/$w.elf" \
        "${append_qemu[@]}" -serial stdio -display none \
        -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot -m 256
      best qemu
    fi
  done
  native_s=${best_s[native]:--} native_sum=${best_sum[native]:-}
  tx86_s=${best_s[tx86]:--} tx86_sum=${best_sum[tx86]:-}
  qemu_s=${best_s[qemu]:--} qemu_sum=${best_sum[qemu]:-}

  # Every checksum that was printed must be the same.
  sums=$(printf '%s\n' "$native_sum" "$tx86_sum" "$qemu_sum" | grep -v '^$' | sort -u | wc -l)
  if ((sums > 1)); then
    mismatch=1
    notes+=("$w CHECKSUM MISMATCH: native ${native_sum:-none}, tx86 ${tx86_sum:-none}, qemu ${qemu_sum:-none}")
    echo "run.sh: *** $w: CHECKSUM MISMATCH (native ${native_sum:-none}," \
      "tx86 ${tx86_sum:-none}, qemu ${qemu_sum:-none}) ***" >&2
  fi
  # Lines the guests print besides the checksum (the irq tick count).
  for tag in native tx86 qemu; do
    [[ -f $work/$w.$tag.out ]] || continue
    while IFS= read -r line; do notes+=("$tag: $line"); done \
      < <(grep '^bench ' "$work/$w.$tag.out" | grep -v ': checksum ')
  done

  rows+=("$(printf '%-10s %10s %10s %10s %12s %10s %s' "$w" "$native_s" "$tx86_s" "$qemu_s" \
    "$(ratio "$tx86_s" "$native_s")" "$(ratio "$qemu_s" "$tx86_s")" "${tx86_sum:-$native_sum}")")
done

echo
echo "tx86 benchmarks: scale ${scale:-default}, engine ${engine:-default}, best of $repeat, $(uname -m)," \
  "$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
printf '%-10s %10s %10s %10s %12s %10s %s\n' workload "native s" "tx86 s" "qemu s" \
  tx86/native qemu/tx86 checksum
for r in "${rows[@]}"; do echo "$r"; done
if ((${#notes[@]} > 0)); then
  echo
  for n in "${notes[@]}"; do echo "  $n"; done
fi
exit "$mismatch"
