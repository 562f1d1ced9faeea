#!/usr/bin/env bash
# The GDB stub with the real gdb: software and hardware breakpoints, a step,
# write and read watchpoints, registers (control registers too, and one
# written), memory through the guest's page tables, a memory write the guest
# then sees, the exit status reaching gdb; in a second run, gdb attaching to
# a running machine, Ctrl+C and detach; in a third, kill.
# Usage: gdb_test.sh path/to/tx86 path/to/debug_target.elf
set -u
tx86=$1
elf=$2
if [[ -z $elf || ! -f $elf ]]; then
  echo "FAIL: the GDB test guest was not built (roms/debug needs gcc -m32: gcc-multilib)"
  exit 1
fi
if ! command -v gdb > /dev/null; then
  echo "FAIL: gdb is not installed (scripts/install-deps.sh installs it)"
  exit 1
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# start_tx86 NAME ARGS...: runs tx86 in the background with a gdb stub on a
# free port; sets $port.
start_tx86() {
  local name=$1
  shift
  ("$tx86" --gdb tcp::0 --timeout 60 "$@" > "$work/$name.out" 2> "$work/$name.err"
   echo $? > "$work/$name.status") &
  pids+=($!)
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/^tx86: gdb stub listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$name.err")
    [[ -n $port ]] && return 0
    sleep 0.05
  done
  fail "$name: tx86 did not say where its gdb stub listens"
  cat "$work/$name.err"
  return 1
}

# wait_status NAME: waits for that tx86 to end; prints its exit status.
wait_status() {
  for _ in $(seq 200); do
    [[ -s "$work/$1.status" ]] && break
    sleep 0.05
  done
  cat "$work/$1.status" 2> /dev/null || echo "none"
}

# expect_line FILE TEXT: FILE has a line that is exactly TEXT.
expect_line() {
  if grep -qxF -- "$2" "$1"; then
    echo "ok: $(basename "$1"): $2"
  else
    fail "$(basename "$1") lacks the line '$2'"
  fi
}

# --- 1. Started stopped (-S): a breakpoint, a step, a watchpoint, registers,
# memory through paging, a write, and the exit.
start_tx86 stopped -S --kernel "$elf" --debugcon "file:$work/stopped.con" || exit 1
cat > "$work/stopped.gdb" << EOF
set confirm off
set pagination off
target remote :$port
print/x \$pc
break tick
continue
print step
print counter
print/x \$eip
stepi
print/x \$pc
delete
watch counter
continue
delete
rwatch counter
continue
print counter
delete
print/x *(unsigned int *)0x40000000
print/x data_page[0]
print/x \$cr0
hbreak tick
continue
print step
set \$ecx = 0x1234abcd
print/x \$ecx
set var counter = 1000000
print/x \$esp == \$sp
info registers cs ss
delete
continue
EOF
timeout 60 gdb -batch -nx "$elf" -x "$work/stopped.gdb" > "$work/stopped.log" 2>&1
cat "$work/stopped.log"
tick=$(nm "$elf" | sed -n 's/^\([0-9a-f]*\) T tick$/\1/p')
start=$(nm "$elf" | sed -n 's/^\([0-9a-f]*\) T _start$/\1/p')
expect_line "$work/stopped.log" "\$1 = 0x${start#00}"       # -S: stopped at the entry
expect_line "$work/stopped.log" "\$2 = 1"                   # the first call: tick(1)
expect_line "$work/stopped.log" "\$3 = 0"                   # counter before it
expect_line "$work/stopped.log" "\$4 = 0x${tick#00}"        # stopped on tick's first byte
expect_line "$work/stopped.log" "Old value = 0"             # the watchpoint
expect_line "$work/stopped.log" "New value = 1"
expect_line "$work/stopped.log" "Value = 1"                 # the read watchpoint: tick(2) reads counter
expect_line "$work/stopped.log" "\$6 = 1"
expect_line "$work/stopped.log" "\$7 = 0x600dcafe"          # the data page, at its alias
expect_line "$work/stopped.log" "\$8 = 0x600dcafe"          # ... and where it is
expect_line "$work/stopped.log" "\$9 = 0x80000011"          # CR0: PG, ET, PE
expect_line "$work/stopped.log" "\$10 = 3"                   # the hardware breakpoint: tick(3)
expect_line "$work/stopped.log" "\$11 = 0x1234abcd"         # a register written (ECX: free at a call)
expect_line "$work/stopped.log" "[Inferior 1 (Remote target) exited with code 01]"
# stepi moved on from tick's first instruction.
if grep -q "^\$5 = 0x${tick#00}$" "$work/stopped.log" || ! grep -q '^\$5 = 0x' "$work/stopped.log"; then
  fail "stepi did not move from tick"
fi
if grep -qE '^cs +0x8 ' "$work/stopped.log" && grep -qE '^ss +0x10 ' "$work/stopped.log"; then
  echo "ok: segment registers"
else
  fail "info registers cs ss"
fi
# 1000000, then tick(3) .. tick(100): the guest saw gdb's write.
expect_line "$work/stopped.con" "counter=1005047"
status=$(wait_status stopped)
[[ $status == 1 ]] && echo "ok: tx86 exit status 1" || fail "tx86 exit status $status, want 1"

# --- 2. Attached to a running machine (no -S), Ctrl+C, detach: the guest
# spins until gdb clears `hold`.
start_tx86 attach --kernel "$elf" --append hold --debugcon "file:$work/attach.con" || exit 1
cat > "$work/attach.gdb" << EOF
set confirm off
set pagination off
target remote :$port
print hold
set debug remote 1
continue
set debug remote 0
print spins > 1000
set var hold = 0
detach
EOF
timeout 60 gdb -batch -nx "$elf" -x "$work/attach.gdb" > "$work/attach.log" 2>&1 &
gdb_pid=$!
pids+=($gdb_pid)
# Ctrl+C, once gdb has sent the continue and waits for the machine.
for _ in $(seq 400); do
  grep -qF 'Sending packet: $c#63' "$work/attach.log" && break
  sleep 0.05
done
sleep 0.3
kill -INT $gdb_pid
wait $gdb_pid
cat "$work/attach.log"
expect_line "$work/attach.log" "\$1 = 1"
expect_line "$work/attach.log" "Program received signal SIGINT, Interrupt."
expect_line "$work/attach.log" "\$2 = 1"
expect_line "$work/attach.log" "[Inferior 1 (Remote target) detached]"
expect_line "$work/attach.con" "counter=5050"
status=$(wait_status attach)
[[ $status == 1 ]] && echo "ok: tx86 exit status 1" || fail "tx86 exit status $status, want 1"

# --- 3. kill: tx86 ends (status 0) with the machine stopped.
start_tx86 kill -S --kernel "$elf" || exit 1
printf 'set confirm off\ntarget remote :%s\nkill\n' "$port" > "$work/kill.gdb"
timeout 60 gdb -batch -nx "$elf" -x "$work/kill.gdb" > "$work/kill.log" 2>&1
cat "$work/kill.log"
status=$(wait_status kill)
[[ $status == 0 ]] && echo "ok: kill: tx86 exit status 0" || fail "kill: tx86 exit status $status, want 0"

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
