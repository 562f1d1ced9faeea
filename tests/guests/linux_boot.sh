#!/usr/bin/env bash
# The Linux test guest (roms/linux/build-guest.sh, built by the
# guest.linux.build test into GUEST_DIR) on tx86:
#   direct  --kernel/--initrd with guest_action=selftest: the marker, every
#           /selftest check ok, GUEST_STATUS 0, then the guest reboots and
#           --no-reboot ends the run with status 0;
#   elf     the uncompressed kernel (vmlinux, nokaslr) with the initramfs and
#           guest_action=reboot: the marker, then status 0 (short enough
#           for the interpreter);
#   disk    SeaBIOS + syslinux from disk.img (--snapshot): the marker, then
#           SIGTERM ends the run (status 130);
#   endings the elf boot three ways: guest_action=halt and =poweroff (no
#           ACPI, so the kernel halts with interrupts off) end with status 4
#           and "guest stopped"; a kernel panic (sysrq crash) with panic=-1
#           reboots, and --no-reboot ends the run with status 0;
#   vga     the elf boot with console=tty0 too: the kernel takes the text
#           mode tx86 sets up (no BIOS runs) as a VGA console, and its
#           messages are on the screen (--screendump-text);
#   determinism  the elf boot twice: byte-identical serial output and the
#           same count of guest instructions (deterministic guest time).
# Usage: linux_boot.sh path/to/tx86 GUEST_DIR direct|elf|disk|endings|vga|determinism ENGINE
set -u
tx86=$1 guest=$2 mode=$3 engine=$4
for f in vmlinuz vmlinux initrd.gz disk.img; do
  [[ -f $guest/$f ]] || { echo "FAIL: no $guest/$f (the guest.linux.build test makes it)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/serial.log
append="console=ttyS0,115200 panic=-1 noapic nolapic acpi=off mitigations=off cryptomgr.notests noisapnp"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

case $mode in
  direct)
    "$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinuz" --initrd "$guest/initrd.gz" \
      --append "$append guest_action=selftest" --no-reboot --serial "file:$log" --timeout 600
    status=$?
    [[ $status -eq 0 ]] || fail "exit status $status, expected 0 (the guest's reboot with --no-reboot)"
    for check in math dd sort md5sum; do
      grep -q "^GUEST_TEST: $check ok" "$log" || fail "no 'GUEST_TEST: $check ok'"
    done
    grep -q "^GUEST_STATUS: 0" "$log" || fail "no 'GUEST_STATUS: 0'"
    ;;
  elf)
    "$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" \
      --append "$append nokaslr guest_action=reboot" --no-reboot --serial "file:$log" --timeout 600
    status=$?
    [[ $status -eq 0 ]] || fail "exit status $status, expected 0 (the guest's reboot with --no-reboot)"
    grep -q "^GUEST_ACTION: reboot" "$log" || fail "no 'GUEST_ACTION: reboot'"
    # As on a PC, and in QEMU: the quick calibration needs the PIT's ISA
    # access time (devices/timer/pit8254.h, set_bus_cycle).
    grep -q "tsc: Fast TSC calibration using PIT" "$log" ||
      fail "the kernel's quick TSC calibration failed"
    ;;
  endings)
    for action in halt poweroff; do
      "$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" \
        --append "$append nokaslr guest_action=$action" --no-reboot --serial "file:$work/$action.log" \
        --timeout 600 2> "$work/$action.err"
      status=$?
      [[ $status -eq 4 ]] || fail "$action: exit status $status, expected 4 (guest stopped)"
      grep -q "guest stopped" "$work/$action.err" || fail "$action: no 'guest stopped' on stderr"
      grep -q "^GUEST_ACTION: $action" "$work/$action.log" || fail "$action: no 'GUEST_ACTION: $action'"
    done
    "$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" \
      --append "$append nokaslr guest_action=run guest_cmd=\"echo c > /proc/sysrq-trigger\"" \
      --no-reboot --serial "file:$log" --timeout 600
    status=$?
    [[ $status -eq 0 ]] || fail "panic: exit status $status, expected 0 (panic=-1 reboots)"
    grep -q "Kernel panic - not syncing: sysrq triggered crash" "$log" || fail "panic: the kernel did not panic"
    ;;
  vga)
    "$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" \
      --append "console=tty0 $append nokaslr guest_action=reboot" --no-reboot \
      --serial "file:$log" --screendump-text "$work/screen.txt" --timeout 600
    status=$?
    [[ $status -eq 0 ]] || fail "exit status $status, expected 0"
    grep -q "Console: colour VGA+ 80x25" "$log" || fail "the kernel did not take the VGA text console"
    grep -q "Run /init as init process" "$work/screen.txt" ||
      fail "the kernel's messages are not on the VGA screen: $(tail -3 "$work/screen.txt")"
    ;;
  determinism)
    for run in 1 2; do
      "$tx86" --cpu-engine "$engine" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" \
        --append "$append nokaslr guest_action=reboot" --no-reboot --serial "file:$work/run$run.log" \
        --timeout 600 --stats 2> "$work/run$run.err" || fail "run $run: exit status $?"
      sed -n 's/^tx86: \([0-9]*\) guest instructions.*/\1/p' "$work/run$run.err" > "$work/run$run.count"
    done
    cp "$work/run1.log" "$log"
    cmp -s "$work/run1.log" "$work/run2.log" || fail "the two runs' serial output differs"
    [[ -s $work/run1.count ]] || fail "no instruction count from --stats"
    cmp -s "$work/run1.count" "$work/run2.count" ||
      fail "instruction counts differ: $(cat "$work/run1.count") and $(cat "$work/run2.count")"
    echo "both runs: $(cat "$work/run1.count") guest instructions"
    ;;
  savevm|savevm-disk)
    # A run that saves its state and one that loads it go on exactly as an
    # uninterrupted run: the same serial output and instruction count, and
    # (from the disk, through SeaBIOS, VGA and IDE) the same picture at the
    # end. The state is saved while the kernel is printing.
    if [[ $mode == savevm ]]; then
      machine=(--kernel "$guest/vmlinuz" --initrd "$guest/initrd.gz"
               --append "$append guest_action=poweroff" --no-reboot)
      save_at=2.45
      want=4  # poweroff: the guest stops
    else
      cp "$guest/disk.img" "$work/disk.img"
      machine=(--hda "$work/disk.img" --snapshot --screenshot-at 9 --screenshot "$work/shot.png")
      save_at=2.5
      want=0  # --screenshot-at
    fi
    run() {  # NAME [ARGS...]
      local name=$1
      shift
      "$tx86" --cpu-engine "$engine" "${machine[@]}" --serial "file:$work/$name.log" --timeout 600 \
        --stats "$@" 2> "$work/$name.err"
      local status=$?
      [[ $status -eq $want ]] || fail "$name: exit status $status, expected $want"
      sed -n 's/^tx86: \([0-9]*\) guest instructions.*/\1/p' "$work/$name.err" > "$work/$name.count"
      [[ -f $work/shot.png ]] && mv "$work/shot.png" "$work/$name.png"
    }
    run whole
    run saving --savevm "$work/state" --savevm-at $save_at
    run loaded --loadvm "$work/state"
    cp "$work/whole.log" "$log"
    cmp -s "$work/whole.log" "$work/saving.log" || fail "saving the state changed the serial output"
    [[ -s $work/whole.count ]] || fail "no instruction count from --stats"
    for name in saving loaded; do
      cmp -s "$work/whole.count" "$work/$name.count" ||
        fail "$name: $(cat "$work/$name.count") instructions, not $(cat "$work/whole.count")"
    done
    python3 - "$work/whole.log" "$work/loaded.log" << 'EOF2' || fail "the loaded run's output is not the rest of the whole run's"
import sys
whole, loaded = (open(p, "rb").read() for p in sys.argv[1:3])
print(f"the loaded run printed the last {len(loaded)} of {len(whole)} bytes")
sys.exit(0 if 0 < len(loaded) < len(whole) and whole.endswith(loaded) else 1)
EOF2
    if [[ $mode == savevm-disk ]]; then
      cmp -s "$work/whole.png" "$work/loaded.png" || fail "the loaded run's last picture differs"
    fi
    echo "all runs: $(cat "$work/whole.count") guest instructions; state $(stat -c %s "$work/state") bytes"
    ;;
  disk)
    cp "$guest/disk.img" "$work/disk.img"
    "$tx86" --cpu-engine "$engine" --hda "$work/disk.img" --snapshot --serial "file:$log" \
      --timeout 600 &
    pid=$!
    for _ in $(seq 6000); do
      grep -q "^GUEST_ACTION: shell" "$log" 2>/dev/null && break
      kill -0 $pid 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM $pid 2>/dev/null
    wait $pid
    status=$?
    [[ $status -eq 130 ]] || fail "exit status $status after SIGTERM, expected 130"
    ;;
  *) echo "usage: linux_boot.sh TX86 GUEST_DIR direct|elf|disk|endings|vga|determinism|savevm|savevm-disk ENGINE"; exit 2 ;;
esac
grep -q "^GUEST_MARKER: init reached" "$log" || fail "the guest never reached /init's marker"
if ((failures > 0)); then
  echo "--- the serial console's last lines:"
  tail -20 "$log"
fi
echo "$failures failure(s)"
((failures == 0))
