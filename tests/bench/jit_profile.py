#!/usr/bin/env python3
"""Where time goes inside translated code, by host instruction.

Runs tx86 under `perf record` with --perf-map and --jit-log (the same run
gives both), then maps each sample in translated code to the host
instruction it hit: the map names each block's host address, the log lists
its host instructions by arena offset, and blocks appear in both in the
order they were translated. Prints the most sampled instruction forms
(constants as N) and the most sampled single instructions. A measuring
tool, never a test. Needs perf (Debian: linux-perf).

  tests/bench/jit_profile.py [--top N] [--freq HZ] [--match TEXT] -- TX86 ARGS...

--match keeps only samples whose block name contains TEXT (e.g. "0010:"
for the decompressor's flat code segment, "0060:" for the kernel's).
Samples attribute to the instruction after a stalled one (skid): a slow
load shows on the instruction that follows it.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile


def parse_log(path):
    blocks = []
    cur = None
    in_host = False
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("block "):
                m = re.search(r"arena offset (0x[0-9a-f]+)", line)
                cur = {"eip": line.split()[1], "off": int(m.group(1), 16), "ins": {}}
                blocks.append(cur)
                in_host = False
            elif cur is not None and line.startswith("host:"):
                in_host = True
            elif cur is not None and in_host:
                m = re.match(r"^ +0x([0-9a-f]+)  [0-9a-f]+ +(.*)$", line)
                if m:
                    cur["ins"][int(m.group(1), 16)] = m.group(2).strip()
    return blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--freq", type=int, default=4000)
    ap.add_argument("--match", default="")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("give the tx86 command after --")
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "perf.data")
        log = os.path.join(work, "jit.log")
        rec = subprocess.run(["perf", "record", "-F", str(args.freq), "-o", data, "--"] + cmd +
                             ["--perf-map", "--jit-log", log],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        pid = None
        for p in os.listdir("/tmp"):
            if p.startswith("perf-") and p.endswith(".map"):
                path = os.path.join("/tmp", p)
                if pid is None or os.path.getmtime(path) > os.path.getmtime(pid):
                    pid = path
        if pid is None or not os.path.exists(log):
            sys.exit("jit_profile: no perf map or JIT log (perf said: %s)" % rec.stderr.strip()[-300:])
        starts = []
        with open(pid) as f:
            for line in f:
                addr, size, name = line.split(" ", 2)
                starts.append((int(addr, 16), int(size, 16), name.strip()))
        blocks = parse_log(log)
        script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"],
                                capture_output=True, text=True).stdout
    n = min(len(starts), len(blocks))
    order = sorted(range(n), key=lambda i: starts[i][0])
    keys = [starts[i][0] for i in order]
    forms = collections.Counter()
    single = collections.Counter()
    total = 0
    for line in script.splitlines():
        parts = line.split(None, 1)
        if len(parts) < 2 or "tx86 " not in parts[1] or args.match not in parts[1]:
            continue
        ip = int(parts[0], 16)
        j = bisect.bisect_right(keys, ip) - 1
        if j < 0:
            continue
        i = order[j]
        start, size, _ = starts[i]
        if ip >= start + size:
            continue
        b = blocks[i]
        at = b["off"] + (ip - start)
        before = [k for k in b["ins"] if k <= at]
        if not before:
            continue
        k = max(before)
        text = b["ins"][k]
        total += 1
        forms[re.sub(r"0x[0-9a-f]+", "N", text)] += 1
        single[(b["eip"], k - b["off"], text)] += 1
    if total == 0:
        sys.exit("jit_profile: no samples in translated code")
    print("%d samples in translated code" % total)
    for form, c in forms.most_common(args.top):
        print("%5.1f%%  %s" % (100.0 * c / total, form))
    print("-- single instructions (block EIP +host offset)")
    for (eip, off, text), c in single.most_common(args.top):
        print("%5.1f%%  %s +%x  %s" % (100.0 * c / total, eip, off, text))


if __name__ == "__main__":
    main()
