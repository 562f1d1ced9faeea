#!/usr/bin/env bash
# Wall time from start to the Linux test guest's marker line
# ("GUEST_MARKER: init reached", printed by its /init on COM1), for tx86 and
# qemu-system-i386 (TCG) booting the same files the same way, interleaved:
#   disk    SeaBIOS + syslinux from disk.img (IDE, the image's own command line)
#   direct  --kernel vmlinuz --initrd initrd.gz --append CMDLINE (QEMU: -kernel ...)
#   elf     tx86 only: the uncompressed vmlinux (nokaslr)
#   procs   process creation: the direct boot running 200 x "busybox true"
#           from /init; the time from its GUEST_ACTION line to GUEST_STATUS
# A benchmark, never a test: it prints figures and asserts nothing about
# time. Each run is stopped once the marker is seen. Exit status: 0, or 1
# when a run never reached the marker.
set -uo pipefail

usage() {
  cat <<'EOF'
usage: tests/bench/linux_boot.sh [--repeat N] [--build DIR] [--no-qemu] [--engine E] [mode...]

  --repeat N   run each N times, interleaved, and show every time and the
               fastest (default 3)
  --build DIR  the build tree with tx86 and linux-guest/ (default:
               build/release, or $TX86_BUILD_DIR); roms/linux/build-guest.sh
               --reuse makes the guest when it is missing
  --no-qemu    tx86 only
  --engine E   tx86's --cpu-engine (default: its default, jit)
  mode         disk direct elf procs (default: disk direct elf)
EOF
}

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TX86_BUILD_DIR:-$root/build/release}
repeat=3
use_qemu=1
engine=""
modes=()
while (($# > 0)); do
  case $1 in
    --repeat) repeat=${2:?--repeat needs a value}; shift ;;
    --build) build=${2:?--build needs a value}; shift ;;
    --no-qemu) use_qemu=0 ;;
    --engine) engine=${2:?--engine needs a value}; shift ;;
    -h | --help) usage; exit 0 ;;
    disk | direct | elf | procs) modes+=("$1") ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
((${#modes[@]} > 0)) || modes=(disk direct elf)
tx86=$build/tx86
guest=$build/linux-guest
[[ -x $tx86 ]] || { echo "no $tx86: build it first (ninja -C $build tx86)" >&2; exit 2; }
"$root/roms/linux/build-guest.sh" --reuse "$guest" >/dev/null || exit 2
if ((use_qemu)) && ! command -v qemu-system-i386 >/dev/null; then
  echo "qemu-system-i386 not found (apt-get install qemu-system-x86), tx86 only" >&2
  use_qemu=0
fi
append="console=ttyS0,115200 panic=-1 noapic nolapic acpi=off mitigations=off cryptomgr.notests noisapnp guest_action=shell"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
procs=200
append_procs="${append/guest_action=shell/guest_action=run} guest_cmd=\"i=0; while [ \$i -lt $procs ]; do /bin/busybox true; i=\$((i+1)); done\""

# time_lines LOG FROM TO COMMAND...: seconds from LOG's first line starting
# with FROM (empty: from the start of COMMAND) to its first line starting
# with TO, looked for every 5 ms; "never" after 300 s or when COMMAND ends
# first. The command is stopped then. The wait uses builtins only: a loop
# that forked a grep and a sleep every 10 ms took CPU time from the
# emulator it timed on a 2-core machine. LOG stays a regular file, so that
# a program writing its serial output a byte at a time (QEMU) is not woken
# against a reader for each byte.
time_lines() {
  local log=$1 from=$2 to=$3 start="" end="" line="" part="" pid logfd tick
  shift 3
  rm -f "$log" "$log.tick"
  : > "$log"
  exec {logfd}< "$log"
  # A FIFO nobody writes to: `read -t` on it is a sleep without a fork.
  mkfifo "$log.tick"
  exec {tick}<> "$log.tick"
  [[ -z $from ]] && start=${EPOCHREALTIME/[.,]/}
  "$@" > /dev/null 2>&1 < /dev/null &
  pid=$!
  local deadline=$((SECONDS + 300))
  while [[ -z $end ]] && ((SECONDS < deadline)); do
    while IFS= read -r -u "$logfd" line; do
      line=$part$line
      part=""
      if [[ -z $start && $line == "$from"* ]]; then start=${EPOCHREALTIME/[.,]/}; fi
      if [[ -n $start && $line == "$to"* ]]; then
        end=${EPOCHREALTIME/[.,]/}
        break
      fi
    done
    [[ -n $end ]] && break
    part+=$line  # the end of the file: a line still being written
    kill -0 $pid 2> /dev/null || break
    read -r -t 0.005 -u "$tick"
  done
  kill -9 $pid 2> /dev/null
  wait $pid 2> /dev/null
  exec {logfd}<&- {tick}<&-
  rm -f "$log.tick"
  if [[ -z $end ]]; then echo never; else awk -v us=$((end - start)) 'BEGIN { printf "%.2f", us / 1e6 }'; fi
}
time_to_marker() { time_lines "$1" "" "GUEST_MARKER: init reached" "${@:2}"; }
time_procs() { time_lines "$1" "GUEST_ACTION: run" "GUEST_STATUS:" "${@:2}"; }

tx86_cmd() {  # tx86_cmd MODE LOG
  local extra=()
  [[ -n $engine ]] && extra=(--cpu-engine "$engine")
  case $1 in
    disk) echo "$tx86" "${extra[@]}" --hda "$guest/disk.img" --snapshot --display none --serial "file:$2" ;;
    direct | procs) echo "$tx86" "${extra[@]}" --kernel "$guest/vmlinuz" --initrd "$guest/initrd.gz" --serial "file:$2" ;;
    elf) echo "$tx86" "${extra[@]}" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" --serial "file:$2" ;;
  esac
}
qemu_base=(qemu-system-i386 -accel tcg -cpu pentium,+cmov -m 128 -display none -no-reboot -monitor none)

status=0
declare -A times
for ((run = 1; run <= repeat; run++)); do
  for mode in "${modes[@]}"; do
    log=$work/log
    case $mode in
      disk) t=$(time_to_marker "$log" $(tx86_cmd disk "$log")) ;;
      direct) t=$(time_to_marker "$log" $(tx86_cmd direct "$log") --append "$append") ;;
      elf) t=$(time_to_marker "$log" $(tx86_cmd elf "$log") --append "$append nokaslr") ;;
      procs) t=$(time_procs "$log" $(tx86_cmd procs "$log") --append "$append_procs") ;;
    esac
    times[tx86 $mode]+=" $t"
    [[ $t == never ]] && status=1
    ((use_qemu)) || continue
    case $mode in
      disk) t=$(time_to_marker "$log" "${qemu_base[@]}" -serial "file:$log" \
        -drive "file=$guest/disk.img,format=raw,if=ide,snapshot=on") ;;
      direct) t=$(time_to_marker "$log" "${qemu_base[@]}" -serial "file:$log" \
        -kernel "$guest/vmlinuz" -initrd "$guest/initrd.gz" -append "$append") ;;
      procs) t=$(time_procs "$log" "${qemu_base[@]}" -serial "file:$log" \
        -kernel "$guest/vmlinuz" -initrd "$guest/initrd.gz" -append "$append_procs") ;;
      elf) continue ;;  # QEMU's -kernel takes no Linux ELF
    esac
    times[qemu $mode]+=" $t"
    [[ $t == never ]] && status=1
  done
done

printf '%-8s %-6s %8s   %s\n' boot who fastest "all runs (s)"
for mode in "${modes[@]}"; do
  for who in tx86 qemu; do
    [[ -n ${times[$who $mode]:-} ]] || continue
    best=$(tr ' ' '\n' <<< "${times[$who $mode]}" | grep -v '^$' | grep -v never | sort -n | head -1)
    printf '%-8s %-6s %8s  %s\n' "$mode" "$who" "${best:-never}" "${times[$who $mode]}"
  done
  if [[ -n ${times[qemu $mode]:-} ]]; then
    tb=$(tr ' ' '\n' <<< "${times[tx86 $mode]}" | grep -v '^$\|never' | sort -n | head -1)
    qb=$(tr ' ' '\n' <<< "${times[qemu $mode]}" | grep -v '^$\|never' | sort -n | head -1)
    if [[ $mode == procs ]]; then
      [[ -n $tb && -n $qb ]] && awk -v t="$tb" -v q="$qb" -v n="$procs" \
        'BEGIN { printf "procs    tx86/qemu %.2f (%.1f vs %.1f ms per process)\n", t / q, 1000 * t / n, 1000 * q / n }'
    else
      [[ -n $tb && -n $qb ]] && awk -v t="$tb" -v q="$qb" -v m="$mode" \
        'BEGIN { printf "%-8s tx86/qemu %.2f (the target is below 0.50)\n", m, t / q }'
    fi
  fi
done
exit $status
