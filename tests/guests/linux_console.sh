#!/usr/bin/env bash
# The Linux test guest's shell over `--serial stdio` on a real terminal, as
# a user types at it: tx86 runs in a pseudo-terminal made by script(1), and
# the test types through it.
#   - line editing is the guest's: Backspace and the Left arrow edit the
#     line before Enter;
#   - Ctrl+C reaches the guest and interrupts `sleep` there (status 130),
#     while tx86 keeps running;
#   - Ctrl+A X ends tx86, and the terminal's settings afterwards are the
#     ones it had before (raw mode undone).
# Usage: linux_console.sh path/to/tx86 GUEST_DIR
set -u
tx86=$1 guest=$2
for f in vmlinux initrd.gz; do
  [[ -f $guest/$f ]] || { echo "FAIL: no $guest/$f (the guest.linux.build test makes it)"; exit 1; }
done
command -v script >/dev/null || { echo "FAIL: needs script(1) (util-linux)"; exit 1; }
work=$(mktemp -d)
typescript=$work/typescript
cleanup() {
  exec 3>&-
  [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

append="console=ttyS0,115200 panic=-1 noapic nolapic acpi=off mitigations=off cryptomgr.notests"
append+=" noisapnp nokaslr guest_action=shell"
cat > "$work/session.sh" <<EOF
stty -g > "$work/before"
"$tx86" --kernel "$guest/vmlinux" --initrd "$guest/initrd.gz" --append "$append" \
  --serial stdio --timeout 600
echo "TX86_EXIT=\$?"
stty -g > "$work/after"
EOF
mkfifo "$work/keys"
script -qfec "bash $work/session.sh" "$typescript" < "$work/keys" > /dev/null &
pid=$!
exec 3> "$work/keys"

# wait_for PATTERN: until a line of the terminal's output (CRs dropped)
# matches the extended regular expression, or 300 s.
wait_for() {
  for _ in $(seq 3000); do
    tr -d '\r' < "$typescript" 2>/dev/null | grep -aEq "$1" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "never saw /$1/ on the terminal"
  return 1
}

if wait_for '^GUEST_ACTION: shell' && wait_for '^/ # '; then
  printf 'echo tx86-linf\177e-ok\r' >&3   # Backspace rubs out the f
  wait_for '^tx86-line-ok$'
  printf 'echo abd\033[Dc\r' >&3          # Left, then c goes in before d
  wait_for '^abcd$'
  printf 'sleep 100\r' >&3
  sleep 2
  printf '\003' >&3
  printf 'echo "status after Ctrl+C: $?"\r' >&3
  wait_for '^status after Ctrl\+C: 130$'
fi
printf '\001x' >&3
# The shell's prompt is still on the line when tx86 ends.
wait_for 'TX86_EXIT=' && wait_for_status=ok
wait "$pid"
pid=
[[ ${wait_for_status:-} == ok ]] && {
  exit_line=$(tr -d '\r' < "$typescript" | grep -ao 'TX86_EXIT=[0-9]*')
  [[ $exit_line == TX86_EXIT=0 ]] || fail "tx86 ended with $exit_line after Ctrl+A X, expected 0"
}
[[ -s $work/before && -s $work/after ]] || fail "no terminal settings recorded"
cmp -s "$work/before" "$work/after" ||
  fail "terminal settings changed: $(cat "$work/before") then $(cat "$work/after")"
if ((failures > 0)); then
  echo "--- the terminal's last lines:"
  tr -d '\r' < "$typescript" | tail -25
fi
echo "$failures failure(s)"
((failures == 0))
