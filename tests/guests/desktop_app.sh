#!/usr/bin/env bash
# The desktop app for real, under Xvfb:
# - SeaBIOS's banner shows in the window, and Ctrl+Alt+R resets the machine;
# - FreeDOS boots, Ctrl+Alt+End reboots it (Ctrl+Alt+Del for the guest),
#   and text typed into the X server (xdotool) reaches its prompt;
# - the mode 13h picture of roms/video/vga_modes_boot.asm shows;
# - the mouse (roms/video/mouse_echo_boot.asm echoes its PS/2 packets):
#   a click captures it, moves and clicks reach the guest, Ctrl+Alt
#   releases it;
# - the Linux test guest's disk (when given) boots to a shell on the VGA
#   text console, and a command typed there runs;
# and in each, a capture of the window (integer scaling, the window sized
# to the frame, the machine paused) equals the --screenshot tx86 writes of
# the frame it showed. The hotkeys go as one burst of key events (--delay
# 0): the app must read the modifiers each key was pressed with, not the
# state after the burst. Also: with no display, --display sdl runs headless
# after a one-line notice. TX86_KEEP_WORK=1 keeps the screenshots.
# Usage: desktop_app.sh path/to/tx86 path/to/vga_modes_boot.bin path/to/mouse_echo_boot.bin [linux disk.img]
set -u
tx86=$1
vga_boot=$2
mouse_boot=$3
linux_disk=${4:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
freedos=$root/../shared/testdata/freedos-boot-1.44MB.img
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
for tool in xvfb-run xdotool xwd pngtopnm python3; do
  command -v $tool >/dev/null || { echo "FAIL: needs $tool (scripts/install-deps.sh installs xvfb, xdotool, x11-apps, netpbm, python3)"; exit 1; }
done
[[ -f $freedos ]] || { echo "FAIL: needs $freedos (shared test data)"; exit 1; }

work=$(mktemp -d)
[[ -n ${TX86_KEEP_WORK:-} ]] && echo "work: $work" || trap 'rm -rf "$work"' EXIT

# No display: a notice, then the headless run (here: its timeout).
env -u DISPLAY -u WAYLAND_DISPLAY "$tx86" --display sdl --timeout 1 --serial none 2> "$work/err.txt"
status=$?
grep -q "no display available" "$work/err.txt" || fail "no notice without a display: $(cat "$work/err.txt")"
[[ $status -eq 124 ]] || fail "without a display: exit status $status, expected the headless timeout (124)"

cp "$freedos" "$work/freedos.img"
cp "$vga_boot" "$work/vga.img"
truncate -s 1474560 "$work/vga.img"
cp "$mouse_boot" "$work/mouse.img"
truncate -s 1474560 "$work/mouse.img"
scenarios="bios freedos mode13 mouse"
if [[ -n $linux_disk ]]; then
  [[ -f $linux_disk ]] || { echo "FAIL: no $linux_disk (the guest.linux.build test makes it)"; exit 1; }
  cp "$linux_disk" "$work/linux.img"
  scenarios+=" linux"
fi

# Inside the X server: each scenario boots a floppy, waits for a text in a
# file, optionally types, then pauses, captures the window and quits.
cat > "$work/inside.sh" <<'INSIDE'
#!/usr/bin/env bash
set -u
tx86=$1 work=$2
wait_for() {  # wait_for FILE TEXT COUNT (up to 3 minutes: a sanitizer build under load is slow)
  for _ in $(seq 1800); do
    [[ $(grep -o -F -- "$2" "$1" 2>/dev/null | wc -l) -ge $3 ]] && return 0
    sleep 0.1
  done
  return 1
}
count() { grep -o -F -- "$2" "$1" 2>/dev/null | wc -l; }
# settle FILE TEXT: until TEXT's count in FILE has not changed for 3 s (a
# guest still printing its start-up prompts is not done).
settle() {
  local last=-1 same=0
  for _ in $(seq 900); do
    local now
    now=$(count "$1" "$2")
    if [[ $now == "$last" ]]; then same=$((same + 1)); else same=0; last=$now; fi
    ((same >= 30)) && return 0
    sleep 0.1
  done
  return 1
}
# start NAME WIDTH HEIGHT ARGS...: tx86 in a window sized to the frame.
start() {
  local name=$1 width=$2 height=$3
  shift 3
  "$tx86" --display sdl --timeout 400 --serial "file:$work/$name.com1" \
    --debugcon "file:$work/$name.debug" --screenshot "$work/$name.png" \
    --screendump-text "$work/$name.screen" "$@" 2> "$work/$name.err" &
  pid=$!
  # (only a mapped window: SDL may create and replace one before showing it)
  win=$(xdotool search --sync --onlyvisible --name '^tx86' | head -1)
  xdotool windowfocus --sync "$win"
  xdotool key --delay 0 ctrl+alt+s                        # integer scaling
  xdotool windowsize --sync "$win" "$width" "$height"
}
problem() { echo "$*" >> "$work/problems.txt"; }
# wait_title TEXT: until the window's title contains TEXT.
wait_title() {
  for _ in $(seq 300); do
    [[ $(xdotool getwindowname "$win" 2>/dev/null) == *"$1"* ]] && return 0
    sleep 0.1
  done
  return 1
}
finish() {
  sleep 0.3
  xdotool key --delay 0 ctrl+alt+p                        # pause: the picture stays
  wait_title paused || problem "$1: the title never said paused"
  # The machine may finish its slice and the window draw that last frame
  # after the title changed: capture until two captures agree.
  sleep 0.5
  xwd -id "$win" -silent > "$work/$1.xwd"
  for _ in $(seq 20); do
    sleep 0.5
    xwd -id "$win" -silent > "$work/$1.xwd.next"
    cmp -s "$work/$1.xwd" "$work/$1.xwd.next" && break
    mv "$work/$1.xwd.next" "$work/$1.xwd"
  done
  xdotool key --delay 0 ctrl+alt+q
  wait $pid
  echo $? > "$work/$1.status"
}
banner='SeaBIOS (version'

# SeaBIOS with nothing to boot; Ctrl+Alt+R resets the machine, and the
# banner comes again.
start bios 720 400 --boot c
wait_for "$work/bios.com1" 'No bootable device' 1 || problem "bios: no 'No bootable device'"
xdotool key --delay 0 ctrl+alt+r
wait_for "$work/bios.com1" "$banner" 2 || problem "bios: Ctrl+Alt+R did not reset the machine"
wait_for "$work/bios.com1" 'No bootable device' 2 || problem "bios: no 'No bootable device' after the reset"
finish bios

# FreeDOS: Ctrl+Alt+End is Ctrl+Alt+Del for the guest (it reboots), then
# keys typed into the X server reach its prompt.
start freedos 720 400 --fda "$work/freedos.img" --boot a
wait_for "$work/freedos.com1" 'A:\>' 1 || problem "freedos: no prompt"
settle "$work/freedos.com1" 'A:\>' || problem "freedos: its prompts never settled"
xdotool key --delay 0 ctrl+alt+End
wait_for "$work/freedos.com1" "$banner" 2 || problem "freedos: Ctrl+Alt+End did not reboot it"
prompts=$(count "$work/freedos.com1" 'A:\>')
wait_for "$work/freedos.com1" 'A:\>' $((prompts + 1)) || problem "freedos: no prompt after the reboot"
settle "$work/freedos.com1" 'A:\>' || problem "freedos: its prompts never settled after the reboot"
prompts=$(count "$work/freedos.com1" 'A:\>')
xdotool type --delay 40 "echo tx86-keys-ok"
xdotool key Return
# (COM1's copy of the screen may split the echo with cursor moves: a new
# prompt says the command ran; the screen dump is checked afterwards.)
wait_for "$work/freedos.com1" 'A:\>' $((prompts + 1)) || problem "freedos: no prompt after the typed command"
finish freedos

start mode13 320 200 --fda "$work/vga.img" --boot a
wait_for "$work/mode13.debug" 'mode 13' 1 || problem "mode13: the picture was never drawn"
finish mode13

# The mouse: a click captures it (the guest does not see that click), moves
# and a click reach the guest, Ctrl+Alt releases it, and later moves reach
# nothing. Each step waits for the title to show the capture state.
start mouse 720 400 --fda "$work/mouse.img" --boot a
wait_for "$work/mouse.debug" 'ready' 1 || problem "mouse: the guest never enabled it"
xdotool mousemove --window "$win" 360 200
xdotool click 1
wait_title 'releases the mouse' || problem "mouse: a click did not capture it"
sleep 0.5
for _ in 1 2 3 4; do xdotool mousemove_relative -- 5 0; sleep 0.1; done
sleep 0.5
xdotool click 1
sleep 0.5
xdotool keydown ctrl keydown alt; sleep 0.1; xdotool keyup alt keyup ctrl
wait_title 'click to capture' || problem "mouse: Ctrl+Alt did not release it"
wc -c < "$work/mouse.debug" > "$work/mouse.released_at"
xdotool mousemove_relative -- 30 0
sleep 0.5
finish mouse

# Linux from its disk: the kernel's messages and a shell on the VGA text
# console (tty1); COM1 says when tty1 is open.
if [[ -f $work/linux.img ]]; then
  start linux 720 400 --hda "$work/linux.img" --snapshot
  wait_for "$work/linux.com1" 'GUEST_VGA_SHELL: tty1' 1 || problem "linux: no shell on tty1"
  xdotool type --delay 40 'echo tx86-vga-$((6*7))'
  xdotool key Return
  sleep 3
  finish linux
fi
INSIDE
chmod +x "$work/inside.sh"
timeout 900 xvfb-run -a -s "-screen 0 1024x768x24" "$work/inside.sh" "$tx86" "$work"
cat "$work"/*.err 2>/dev/null
[[ -f $work/problems.txt ]] && fail "$(cat "$work/problems.txt")"
[[ $(grep -c "tx86-keys-ok" "$work/freedos.screen" 2>/dev/null) -ge 2 ]] ||
  fail "the guest's screen lacks the typed command and its output"

grep -q "SeaBIOS (version" "$work/bios.screen" 2>/dev/null || fail "bios: SeaBIOS's banner is not on the guest's screen"
if [[ -n $linux_disk ]]; then
  grep -q "^tx86-vga-42" "$work/linux.screen" 2>/dev/null || fail "linux: the typed command's output is not on the screen"
  grep -q "Linux version" "$work/linux.screen" 2>/dev/null ||
    grep -q "Run /init as init process" "$work/linux.screen" 2>/dev/null ||
    fail "linux: the kernel's messages are not on the screen"
fi
# Mouse packets (flags, dx, dy in hex): the moves add up to 20 to the
# right, the left button went down and up, and after the release nothing.
python3 - "$work/mouse.debug" "$(cat "$work/mouse.released_at" 2>/dev/null || echo 0)" <<'PY' || fail "mouse: the packets are wrong"
import sys
text = open(sys.argv[1], "rb").read()
cut = int(sys.argv[2])
def packets(part):
    out = []
    for line in part.decode(errors="replace").splitlines():
        f = line.split()
        if len(f) == 3 and all(len(x) == 2 for x in f):
            b, dx, dy = (int(x, 16) for x in f)
            out.append((b, dx - 256 if b & 0x10 else dx, dy - 256 if b & 0x20 else dy))
    return out
before, after = packets(text[:cut]), packets(text[cut:])
print("mouse packets while captured:", before, "after the release:", after)
dx = sum(p[1] for p in before)
left = [p[0] & 1 for p in before]
problems = []
if dx != 20: problems.append(f"the moves add up to {dx}, expected 20")
if 1 not in left or left[-1] != 0: problems.append("no left button press and release")
if any(p[1] or p[2] for p in after): problems.append("moves reached the guest after the release")
if problems: sys.exit("; ".join(problems))
PY

for name in $scenarios; do
  [[ $(cat "$work/$name.status" 2>/dev/null) == 0 ]] ||
    fail "$name: exit status $(cat "$work/$name.status" 2>/dev/null) after Ctrl+Alt+Q, expected 0"
  pngtopnm "$work/$name.png" > "$work/$name.ppm" 2>/dev/null || { fail "$name: cannot read the screenshot"; continue; }
  # The window capture, decoded here (xwdtopnm misreads Xvfb's 32-bit
  # little-endian pixels).
  python3 - "$work/$name.xwd" "$work/$name.ppm" <<'PY' || fail "$name: the window's pixels differ from the guest frame"
import struct, sys
xwd = open(sys.argv[1], "rb").read()
h = struct.unpack(">25I", xwd[:100])
header, width, height, order, bpp, line = h[0], h[4], h[5], h[7], h[11], h[12]
masks, ncolors = h[14:17], h[19]
pixels = xwd[header + 12 * ncolors:]
ppm = open(sys.argv[2], "rb").read().split(b"\n", 3)
w, hh = map(int, ppm[1].split())
if (w, hh) != (width, height) or bpp != 32:
    sys.exit(f"window {width}x{height} at {bpp} bpp, frame {w}x{hh}")
def channel(v, m):
    shift = (m & -m).bit_length() - 1
    return (v & m) >> shift
bad = 0
for y in range(height):
    for x in range(width):
        v = struct.unpack_from("<I" if order == 0 else ">I", pixels, y * line + 4 * x)[0]
        bad += bytes(channel(v, m) for m in masks) != ppm[3][3 * (y * w + x):3 * (y * w + x) + 3]
if bad:
    sys.exit(f"{bad} pixels differ")
PY
done
if ((failures > 0)); then
  echo "--- FreeDOS COM1:"; cat -v "$work/freedos.com1" 2>/dev/null | tail -5
  echo "--- FreeDOS screen:"; cat "$work/freedos.screen" 2>/dev/null
fi
echo "$failures failure(s)"
((failures == 0))
