#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time from its seeds: one input per
# line of hex in the seeds file. A crash, a sanitizer report or a failed
# check stops it with the input that did it (in the work folder, printed).
# Prints the executions and coverage it reached.
# Usage: run_fuzzer.sh FUZZER SEEDS.txt SECONDS [LIBFUZZER OPTION...]
# TX86_FUZZ_CORPUS=DIR keeps the corpus there (a long run goes on from where
# the last one stopped); the failing input is kept beside it.
set -u
fuzzer=$1 seeds=$2 seconds=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=${TX86_FUZZ_CORPUS:-$work/corpus}
artifacts=$work/
[[ -n ${TX86_FUZZ_CORPUS:-} ]] && artifacts=$corpus-
mkdir -p "$corpus"
n=0
while read -r line; do
  line=${line%%#*}
  line=${line// /}
  [[ -z $line ]] && continue
  python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(sys.argv[1]))' \
    "$line" "$corpus/seed$n"
  n=$((n + 1))
done < "$seeds"
echo "$n seeds from $seeds"
cd "$work"
"$fuzzer" -max_total_time="$seconds" -seed=1 -print_final_stats=1 -artifact_prefix="$artifacts" "$@" \
  "$corpus" < /dev/null > "$work/log" 2>&1
status=$?
grep -E "^#[0-9]+[[:space:]]+(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss" "$work/log"
if ((status != 0)); then
  tail -40 "$work/log"
  for f in "$artifacts"crash-* "$artifacts"leak-* "$artifacts"timeout-*; do
    [[ -f $f ]] && echo "input: $(python3 -c 'import sys; print(open(sys.argv[1], "rb").read().hex())' "$f")"
  done
  echo "FAIL: $(basename "$fuzzer") stopped with status $status"
  exit 1
fi
echo "ok: $(basename "$fuzzer") ran ${seconds} s"
