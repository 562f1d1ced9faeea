#!/usr/bin/env bash
# Command-line behaviour of the tx86 binary: every kind of bad input gets one
# line on stderr naming the problem and exit status 2; each way a run ends
# has its own status. Usage: cli_test.sh path/to/tx86
set -u
tx86=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# A 16-byte BIOS is just a reset vector: these are the guests below.
printf '\xeb\xfe\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff' > "$work/loop.bin"
printf '\xfa\xf4\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff' > "$work/cli-hlt.bin"
# lidt [cs:0xfff8] loads a zero limit from the bytes after it; int 3 then
# triple-faults.
printf '\x2e\x0f\x01\x1e\xf8\xff\xcc\xff\x00\x00\x00\x00\x00\x00\xff\xff' > "$work/triple.bin"
# mov al, 5; out 0xf4, al
printf '\xb0\x05\xe6\xf4\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff' > "$work/exit5.bin"
: > "$work/empty.bin"
truncate -s 17M "$work/huge.bin"

# expect STATUS LINES PATTERN -- args...: exit status, number of stderr lines
# (or "any"), and a pattern stderr must contain.
expect() {
  local want_status=$1 want_lines=$2 pattern=$3
  shift 4
  "$tx86" "$@" > "$work/out" 2> "$work/err"
  local status=$?
  local lines
  lines=$(wc -l < "$work/err")
  if [[ $status -ne $want_status ]]; then
    echo "FAIL: tx86 $* -> status $status, want $want_status"; cat "$work/err"; failures=$((failures + 1))
  elif [[ $want_lines != any && $lines -ne $want_lines ]]; then
    echo "FAIL: tx86 $* -> $lines stderr lines, want $want_lines"; cat "$work/err"; failures=$((failures + 1))
  elif [[ -n $pattern ]] && ! grep -q -- "$pattern" "$work/err"; then
    echo "FAIL: tx86 $* -> stderr lacks '$pattern'"; cat "$work/err"; failures=$((failures + 1))
  else
    echo "ok: tx86 $* -> $status"
  fi
}

expect 2 1 "no-such.bin: no such BIOS file" -- --bios "$work/no-such.bin"
expect 2 1 "empty" -- --bios "$work/empty.bin"
expect 2 1 "larger than the 16 MiB limit" -- --bios "$work/huge.bin"
expect 2 1 "is a directory" -- --bios "$work"
expect 2 1 "'12X' is not a size" -- --bios "$work/loop.bin" -m 12X
expect 2 1 "memory size must be" -- --bios "$work/loop.bin" -m 100K
expect 2 1 "--frobnicate" -- --frobnicate
expect 2 1 "--display" -- --bios "$work/loop.bin" --display vga
# SDL2 is loaded only for the window: without it, the run goes on headless.
DISPLAY=:0 TX86_SDL_LIBRARY="$work/no-libSDL2.so" \
  expect 124 2 "cannot load $work/no-libSDL2.so.*running headless" -- \
  --bios "$work/loop.bin" --display sdl --timeout 0.2
expect 2 1 "--timeout" -- --bios "$work/loop.bin" --timeout -3
expect 2 1 "--timeout" -- --bios "$work/loop.bin" --timeout soon
expect 2 1 "--debugcon" -- --bios "$work/loop.bin" --debugcon tty9
expect 2 1 "--debugcon" -- --bios "$work/loop.bin" --debugcon "file:$work/no/such/dir/x"
expect 2 1 "--exit-mode" -- --bios "$work/loop.bin" --exit-mode loud
expect 2 1 "--boot: order 'x'" -- --bios "$work/loop.bin" --boot x
expect 2 1 "--boot: unknown setting 'splash'" -- --bios "$work/loop.bin" --boot splash=on
expect 2 1 "reboot-timeout" -- --bios "$work/loop.bin" --boot reboot-timeout=soon
expect 2 1 "--rtc" -- --bios "$work/loop.bin" --rtc yesterday
expect 2 1 "--serial: 'tcp:1' is not one of" -- --bios "$work/loop.bin" --serial tcp:1
# Drives and their images.
head -c 1000 /dev/zero > "$work/odd.img"
truncate -s 1M "$work/disk.img"
expect 2 1 "cannot open image .*no-such.img" -- --bios "$work/loop.bin" --hda "$work/no-such.img"
expect 2 1 "not a whole number of 512-byte sectors" -- --bios "$work/loop.bin" --hda "$work/odd.img"
expect 2 1 "not a whole number of 2048-byte blocks" -- --bios "$work/loop.bin" --cdrom "$work/odd.img"
expect 2 1 "is empty" -- --bios "$work/loop.bin" --hdb "$work/empty.bin"
expect 2 1 "[Ii]s a directory" -- --bios "$work/loop.bin" --hda "$work"
expect 2 1 "IDE drive 2 is already given" -- --bios "$work/loop.bin" --hdc "$work/disk.img" --cdrom "$work/disk.img"
expect 2 1 "if='scsi' must be ide or floppy" -- --bios "$work/loop.bin" --drive "file=$work/disk.img,if=scsi"
expect 2 1 "unknown key 'cache'" -- --bios "$work/loop.bin" --drive "file=$work/disk.img,cache=none"
expect 2 1 "index 4 is out of range" -- --bios "$work/loop.bin" --drive "file=$work/disk.img,index=4"
expect 2 1 "only raw images" -- --bios "$work/loop.bin" --drive "file=$work/disk.img,format=qcow2"
expect 2 1 "has no file=" -- --bios "$work/loop.bin" --drive "if=ide"
expect 2 1 "cannot write .*no/such/dir" -- --bios "$work/loop.bin" --screenshot "$work/no/such/dir/s.png" --screenshot-at 0.01
expect 2 1 "--screenshot-at requires --screenshot" -- --bios "$work/loop.bin" --screenshot-at 1
expect 0 0 "" -- --bios "$work/loop.bin" --screenshot "$work/s.png" --screenshot-at 0.01
if [[ $(od -An -tx1 -N8 "$work/s.png" 2>/dev/null | tr -d ' ') != 89504e470d0a1a0a ]]; then
  echo "FAIL: --screenshot-at wrote no PNG"; failures=$((failures + 1))
fi
expect 2 1 "no floppy format" -- --bios "$work/loop.bin" --fda "$work/disk.img"
expect 2 1 "floppy drive 1 is already given" -- --bios "$work/loop.bin" --fdb "$work/disk.img" --drive "file=$work/disk.img,if=floppy,index=1"
expect 2 1 "VGA BIOS" -- --bios "$work/loop.bin" --vga-bios "$work/no-such-vga.bin"
printf 'short' > "$work/bad.cmos"
expect 2 1 "bad.cmos" -- --bios "$work/loop.bin" --cmos "$work/bad.cmos"
expect 0 0 "" -- --help
expect 0 0 "" -- --version
expect 124 1 "timeout" -- --bios "$work/loop.bin" --timeout 0.2
expect 4 1 "guest stopped" -- --bios "$work/cli-hlt.bin"
expect 6 1 "triple fault" -- --bios "$work/triple.bin" --no-reboot
expect 124 1 "timeout" -- --bios "$work/triple.bin" --timeout 0.3
# -d int: a line for each event, before it is delivered (the INT 3, the #GP
# its IDT limit raises, the #DF) and one for the triple fault.
expect 6 5 "     0: int v=03 e=0000 i=1 cpl=0 IP=f000:0000fff7" -- --bios "$work/triple.bin" --no-reboot -d int
expect 6 5 "     1: exc v=0d e=001a i=0" -- --bios "$work/triple.bin" --no-reboot -d int
expect 6 5 "     3: triple fault (v=0d while delivering #DF)" -- --bios "$work/triple.bin" --no-reboot -d int
expect 2 1 "-d: foo not in" -- --bios "$work/loop.bin" -d int,foo
expect 11 0 "" -- --bios "$work/exit5.bin"
expect 5 0 "" -- --bios "$work/exit5.bin" --exit-mode raw
expect 5 any "trace F000:0000FFF0" -- --bios "$work/exit5.bin" --trace --exit-mode raw --log-level error
# --trace-from and --trace-count: a window of the trace, one instruction
# here (the OUT, then the MOV).
expect_traced() {
  local traced
  traced=$(grep -c "trace F000" "$work/err")
  if [[ $traced -ne $1 ]]; then
    echo "FAIL: $traced instructions traced, want $1"; failures=$((failures + 1))
  fi
}
expect 5 any "trace F000:0000FFF2" -- --bios "$work/exit5.bin" --trace-from 0xFFFFFFF2 --exit-mode raw
expect_traced 1
expect 5 any "trace F000:0000FFF0" -- --bios "$work/exit5.bin" --trace-count 1 --exit-mode raw
expect_traced 1
expect 2 1 "--trace-from: 'zz' is not" -- --bios "$work/exit5.bin" --trace-from zz

# --config FILE: a TOML file with the flags' settings by section; flags win;
# every mistake names the file, the line and the key.
printf '[machine]\nbios = "%s"\n[devices]\nexit-mode = "raw"\n' "$work/exit5.bin" > "$work/run.toml"
expect 5 0 "" -- --config "$work/run.toml"
expect 11 0 "" -- --config "$work/run.toml" --exit-mode qemu
printf '[machine]\nmemory = "64M"\n[drives]\nsnapshot = true\n[devices]\nserial = ["none", "file:%s"]\n' "$work/com2" > "$work/c.toml"
"$tx86" --config "$work/c.toml" --memory 32M --print-config > "$work/printed.toml"
if grep -qx 'memory = "32M"' "$work/printed.toml" && grep -qx 'snapshot = true' "$work/printed.toml" &&
   grep -qxF "serial = [\"none\", \"file:$work/com2\"]" "$work/printed.toml"; then
  echo "ok: --print-config: the file's settings, the flag's memory"
else
  echo "FAIL: --print-config"; cat "$work/printed.toml"; failures=$((failures + 1))
fi
"$tx86" --config "$work/printed.toml" --print-config > "$work/again.toml"
if cmp -s "$work/printed.toml" "$work/again.toml"; then
  echo "ok: --print-config reads back the same"
else
  echo "FAIL: --print-config did not read back the same"; diff "$work/printed.toml" "$work/again.toml"; failures=$((failures + 1))
fi
# Every flag has its section (a new one left out would land in [options]).
if grep -q '^\[options\]' "$work/printed.toml"; then
  echo "FAIL: a flag without a section"; failures=$((failures + 1))
fi
printf '[machin]\nmemory = "64M"\n' > "$work/bad1.toml"
expect 2 1 "bad1.toml:1: \[machin\] is not a section" -- --config "$work/bad1.toml"
printf '[machine]\nmemory = "64M"\nmemroy = 3\n' > "$work/bad2.toml"
expect 2 1 "bad2.toml:3: key 'machine.memroy': no such setting" -- --config "$work/bad2.toml"
printf '[drives]\nsnapshot = "yes"\n' > "$work/bad3.toml"
expect 2 1 "bad3.toml:2: key 'drives.snapshot': a switch, true or false" -- --config "$work/bad3.toml"
printf '[machine]\n\nmemory = ["1M", "2M"]\n' > "$work/bad4.toml"
expect 2 1 "bad4.toml:3: key 'machine.memory': takes one value" -- --config "$work/bad4.toml"
printf '[machine]\nmemory = "12X"\n' > "$work/bad5.toml"
expect 2 1 "bad5.toml:2: key 'machine.memory': --memory: '12X' is not a size" -- --config "$work/bad5.toml"
printf '[display]\ndisplay = "vnc"\n' > "$work/bad6.toml"
expect 2 1 "bad6.toml:2: key 'display.display': --display: vnc not in" -- --config "$work/bad6.toml"
printf '[machine\nmemory = 1\n' > "$work/bad7.toml"
expect 2 1 "bad7.toml:1:9: " -- --config "$work/bad7.toml"
printf 'memory = "64M"\n' > "$work/bad8.toml"
expect 2 1 "bad8.toml:1: key 'memory' is outside a section" -- --config "$work/bad8.toml"
expect 2 1 "--config: cannot read $work/missing.toml" -- --config "$work/missing.toml"
# Not a file: toml++ would read /dev/zero for ever.
expect 2 1 "--config: /dev/zero is not a file" -- --config /dev/zero
expect 2 1 "--config: $work is not a file" -- --config "$work"
# (a bad value the command line overrides is not looked at)
expect 5 0 "" -- --config "$work/bad5.toml" --memory 16M --bios "$work/exit5.bin" --exit-mode raw

# Save states: saved at the first instruction, loaded, refused when they do
# not fit (another RAM size, not a state, cut short).
expect 5 0 "" -- --bios "$work/exit5.bin" --exit-mode raw --savevm "$work/s.state" --savevm-at 0.000000001
expect 5 0 "" -- --bios "$work/exit5.bin" --exit-mode raw --loadvm "$work/s.state"
expect 2 1 "does not fit this machine in machine: it was saved with another RAM size" -- --bios "$work/exit5.bin" -m 64 --loadvm "$work/s.state"
expect 2 1 "exit5.bin is not a tx86 save state" -- --bios "$work/exit5.bin" --loadvm "$work/exit5.bin"
head -c 40 "$work/s.state" > "$work/cut.state"
expect 2 1 "cut.state is" -- --bios "$work/exit5.bin" --loadvm "$work/cut.state"
expect 2 1 "cannot read the save state" -- --bios "$work/exit5.bin" --loadvm "$work/none.state"
expect 2 1 "--savevm requires --savevm-at" -- --bios "$work/exit5.bin" --savevm "$work/x.state"

# The GDB stub's settings (tests/cli/gdb_test.sh runs gdb against it).
expect 2 1 "-S needs --gdb, -s or --monitor" -- --bios "$work/exit5.bin" -S
expect 2 1 "--gdb: 'udp::1234' is not tcp::PORT" -- --bios "$work/exit5.bin" --gdb udp::1234
expect 2 1 "--gdb: 'tcp::99999' is not" -- --bios "$work/exit5.bin" --gdb tcp::99999
expect 2 1 "--gdb: 'tcp:' is not" -- --bios "$work/exit5.bin" --gdb tcp:
expect 2 1 "--gdb: cannot listen on 192.0.2.1:1234" -- --bios "$work/exit5.bin" --gdb tcp:192.0.2.1:1234
# The monitor on the terminal: -S holds the machine until `cont`; quit ends
# the run with status 0. With a serial line on the terminal too, it refuses.
printf 'info status\nquit\n' | "$tx86" --bios "$work/exit5.bin" -S --monitor stdio > "$work/out" 2> "$work/err"
status=$?
if [[ $status -eq 0 ]] && grep -q "^(tx86) VM status: paused$" "$work/out"; then
  echo "ok: --monitor stdio"
else
  echo "FAIL: --monitor stdio -> $status"; cat "$work/out" "$work/err"; failures=$((failures + 1))
fi
printf 'cont\n' | "$tx86" --bios "$work/exit5.bin" --exit-mode raw -S --monitor stdio > "$work/out" 2> "$work/err"
status=$?
[[ $status -eq 5 ]] && echo "ok: --monitor stdio, cont" || { echo "FAIL: cont -> $status"; failures=$((failures + 1)); }
expect 2 1 "both want the terminal" -- --bios "$work/exit5.bin" --monitor stdio --serial stdio
expect 2 1 "--monitor: 'udp::1' is not stdio, tcp::PORT" -- --bios "$work/exit5.bin" --monitor udp::1
# Without gdb ever connecting, the guest runs as without a stub.
expect 5 1 "gdb stub listening on 127.0.0.1:" -- --bios "$work/exit5.bin" --exit-mode raw --gdb tcp::0

# --cmos keeps the CMOS RAM: a guest writes byte 0x50, a second run reads it.
# mov al, 0x50; out 0x70, al; mov al, 0x5a; out 0x71, al; mov al, 0; out 0xf4, al
printf '\xb0\x50\xe6\x70\xb0\x5a\xe6\x71\xb0\x00\xe6\xf4\xff\xff\xff\xff' > "$work/cmos-write.bin"
# mov al, 0x50; out 0x70, al; in al, 0x71; out 0xf4, al
printf '\xb0\x50\xe6\x70\xe4\x71\xe6\xf4\xff\xff\xff\xff\xff\xff\xff\xff' > "$work/cmos-read.bin"
expect 0 0 "" -- --bios "$work/cmos-write.bin" --exit-mode raw --cmos "$work/nv.cmos"
expect 90 0 "" -- --bios "$work/cmos-read.bin" --exit-mode raw --cmos "$work/nv.cmos"
expect 0 0 "" -- --bios "$work/cmos-read.bin" --exit-mode raw

# --kernel boots a Multiboot kernel without a BIOS. This one uses the
# header's address fields: the file loads at 1 MiB, the code after the
# 32-byte header exits with the low byte of the Multiboot information flags:
# mov al, [ebx]; out 0xf4, al; hlt.
le32() {
  # shellcheck disable=SC2059  # the inner printf writes the escapes the outer one expands
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
    $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}
{
  le32 0x1BADB002; le32 0x10000; le32 $(((0 - 0x1BADB002 - 0x10000) & 0xFFFFFFFF))
  le32 0x100000; le32 0x100000; le32 0; le32 0; le32 0x100020
  printf '\x8a\x03\xe6\xf4\xf4'
} > "$work/mb.bin"
expect 65 0 "" -- --kernel "$work/mb.bin" --exit-mode raw  # 0x41: memory, mmap, loader name
expect 69 0 "" -- --kernel "$work/mb.bin" --append "quiet" --exit-mode raw  # 0x45: + cmdline
expect 65 0 "" -- --kernel "$work/mb.bin" --bios "$work/no-such.bin" --exit-mode raw
expect 2 1 "no-such.elf: no such kernel file" -- --kernel "$work/no-such.elf"
expect 2 1 "loop.bin: not a Multiboot kernel (no Multiboot header" -- --kernel "$work/loop.bin"
expect 2 1 "mb.bin: loads 0x100000-0x100024, outside guest RAM" -- --kernel "$work/mb.bin" -m 1
expect 2 1 "--append requires --kernel" -- --bios "$work/loop.bin" --append quiet
# A Linux bzImage: boot flag 0xAA55 at 0x1FE, "HdrS" at 0x202.
{ head -c 510 /dev/zero; printf '\x55\xaa\xeb\x66HdrS'; head -c 256 /dev/zero; } > "$work/bzImage"
# (Its version field is 0: far too old for the 32-bit boot protocol.)
expect 2 1 "bzImage: boot protocol 0.00 is too old" -- --kernel "$work/bzImage"
expect 2 1 "--initrd requires --kernel" -- --bios "$work/loop.bin" --initrd "$work/loop.bin"
expect 2 1 "--initrd: " -- --kernel "$work/mb.bin" --initrd "$work/loop.bin"
expect 2 1 "no-such.img: no such initrd file" -- --kernel "$work/bzImage" --initrd "$work/no-such.img"

# The engines and the JIT's diagnostics.
expect 2 1 "--cpu-engine" -- --bios "$work/loop.bin" --cpu-engine dynarec
for engine in jit interp verify; do
  expect 5 0 "" -- --bios "$work/exit5.bin" --exit-mode raw --cpu-engine "$engine"
done
expect 5 any "blocks translated" -- --bios "$work/exit5.bin" --exit-mode raw --stats
expect 5 any "MIPS" -- --bios "$work/exit5.bin" --exit-mode raw --stats --cpu-engine interp
expect 2 1 "--jit-log" -- --bios "$work/exit5.bin" --jit-log "$work/no/such/dir/log"
expect 2 1 "--jit-threshold" -- --bios "$work/exit5.bin" --jit-threshold 70000
expect 2 1 "--jit-background" -- --bios "$work/exit5.bin" --jit-background maybe
expect 5 0 "" -- --bios "$work/exit5.bin" --exit-mode raw --jit-background false
expect 5 0 "" -- --bios "$work/exit5.bin" --exit-mode raw --jit-threshold 0 --jit-log "$work/jit.log"
for part in "block 0000fff0 (cs base ffff0000" "mov al, 5" "IR after the passes:" "host:" "jmp"; do
  if ! grep -q -- "$part" "$work/jit.log"; then
    echo "FAIL: --jit-log lacks '$part'"; failures=$((failures + 1))
  fi
done
# --perf-map: the map perf reads, one line per block: start, size, name.
"$tx86" --bios "$work/exit5.bin" --exit-mode raw --jit-threshold 0 --perf-map &
perf_pid=$!
wait "$perf_pid"
if ! grep -Eq "^[0-9a-f]+ [0-9a-f]+ tx86 f000:0000fff0$" "/tmp/perf-$perf_pid.map"; then
  echo "FAIL: --perf-map: no block in /tmp/perf-$perf_pid.map"; failures=$((failures + 1))
else
  echo "ok: --perf-map wrote /tmp/perf-$perf_pid.map"
fi
rm -f "/tmp/perf-$perf_pid.map"

if ! "$tx86" --help | grep -q -- "--timeout"; then
  echo "FAIL: --help does not document --timeout"; failures=$((failures + 1))
fi
if ! "$tx86" --version | grep -q "^tx86 "; then
  echo "FAIL: --version"; failures=$((failures + 1))
fi

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
