#!/usr/bin/env bash
# The desktop app for real, under Xvfb: FreeDOS boots in the window, text
# typed into the X server (xdotool) reaches the guest and shows on its
# screen, and a capture of the window (integer scaling, window sized to the
# frame, the machine paused) equals the --screenshot tx86 writes of the
# frame it showed. Also: with no display, --display sdl runs headless
# after a one-line notice.
# Usage: desktop_app.sh path/to/tx86
set -u
tx86=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
image=$root/../shared/testdata/freedos-boot-1.44MB.img
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
for tool in xvfb-run xdotool xwd pngtopnm python3; do
  command -v $tool >/dev/null || { echo "FAIL: needs $tool (scripts/install-deps.sh installs xvfb, xdotool, x11-apps, netpbm, python3)"; exit 1; }
done
[[ -f $image ]] || { echo "FAIL: needs $image (shared test data)"; exit 1; }

work=$(mktemp -d)
[[ -n ${TX86_KEEP_WORK:-} ]] && echo "work: $work" || trap 'rm -rf "$work"' EXIT

# No display: a notice, then the headless run (here: its timeout).
env -u DISPLAY -u WAYLAND_DISPLAY "$tx86" --display sdl --timeout 1 --serial none \
  --bios /dev/null 2> "$work/err.txt"
grep -q "BIOS image is empty" "$work/err.txt" || true
env -u DISPLAY -u WAYLAND_DISPLAY "$tx86" --display sdl --timeout 1 --serial none 2> "$work/err.txt"
status=$?
grep -q "no display available" "$work/err.txt" || fail "no notice without a display: $(cat "$work/err.txt")"
[[ $status -eq 124 ]] || fail "without a display: exit status $status, expected the headless timeout (124)"

cp "$image" "$work/fd.img"
cat > "$work/inside.sh" <<INSIDE
#!/usr/bin/env bash
set -u
"$tx86" --display sdl --fda "$work/fd.img" --boot a --timeout 120 --serial "file:$work/com1.txt" \
  --screenshot "$work/guest.png" --screendump-text "$work/screen.txt" 2> "$work/tx86.err" &
pid=\$!
wait_for() {  # wait_for TEXT COUNT: until COM1 shows TEXT COUNT times
  for _ in \$(seq 600); do
    [[ \$(grep -o -F -- "\$1" "$work/com1.txt" 2>/dev/null | wc -l) -ge \$2 ]] && return 0
    sleep 0.1
  done
  return 1
}
win=\$(xdotool search --sync --name '^tx86' | head -1)
wait_for 'A:\\>' 1 || echo "no FreeDOS prompt" >> "$work/problems.txt"
xdotool windowfocus --sync "\$win"
xdotool key --window "\$win" ctrl+alt+s          # integer scaling
xdotool windowsize --sync "\$win" 720 400
xdotool type --delay 40 "echo tx86-keys-ok"
xdotool key Return
# (COM1's copy of the screen may split the echo with cursor moves: the
# next prompt says the command ran; the screen dump is checked below.)
wait_for 'A:\\>' 2 || echo "no prompt after the typed command" >> "$work/problems.txt"
sleep 0.5
xdotool key ctrl+alt+p                             # pause: the picture stays
sleep 0.5
xwd -id "\$win" -silent > "$work/window.xwd"
xdotool key ctrl+alt+q
wait \$pid
echo \$? > "$work/status.txt"
INSIDE
chmod +x "$work/inside.sh"
timeout 300 xvfb-run -a -s "-screen 0 1024x768x24" "$work/inside.sh"
cat "$work/tx86.err" 2>/dev/null
[[ -f $work/problems.txt ]] && fail "$(cat "$work/problems.txt")"
[[ $(cat "$work/status.txt" 2>/dev/null) == 0 ]] || fail "exit status $(cat "$work/status.txt" 2>/dev/null) after Ctrl+Alt+Q, expected 0"
[[ $(grep -c "tx86-keys-ok" "$work/screen.txt" 2>/dev/null) -ge 2 ]] ||
  fail "the guest's screen lacks the typed command and its output"
pngtopnm "$work/guest.png" > "$work/guest.ppm" 2>/dev/null || fail "cannot read the screenshot"
# The window capture, decoded here (xwdtopnm misreads Xvfb's 32-bit
# little-endian pixels).
python3 - "$work/window.xwd" "$work/guest.ppm" <<'PY' || fail "the window's pixels differ from the guest frame"
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
        rgb = bytes(channel(v, m) for m in masks)
        i = 3 * (y * w + x)
        bad += rgb != ppm[3][i:i + 3]
if bad:
    sys.exit(f"{bad} pixels differ")
PY
if ((failures > 0)); then
  echo "--- COM1:"; cat -v "$work/com1.txt" 2>/dev/null | tail -5
  echo "--- screen:"; cat "$work/screen.txt" 2>/dev/null
fi
echo "$failures failure(s)"
((failures == 0))
