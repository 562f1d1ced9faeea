#!/usr/bin/env python3
"""The monitor (--monitor tcp::PORT) with a TCP client: registers, memory
(x, xp, x /i), stop, cont, step, sendkey (the guest echoes the scan codes),
screendump, change and eject, system_reset, bad commands, and quit.
Usage: monitor_test.py path/to/tx86 path/to/debug_target.elf"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

failures = 0


def check(what, ok, detail=""):
    global failures
    if ok:
        print(f"ok: {what}")
    else:
        failures += 1
        print(f"FAIL: {what}{': ' + detail if detail else ''}")


def wait_for(predicate, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class Monitor:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.buffer = b""
        self.banner = self.read_to_prompt()

    def read_to_prompt(self):
        while b"(tx86) " not in self.buffer:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("the monitor hung up")
            self.buffer += data
        out, _, self.buffer = self.buffer.partition(b"(tx86) ")
        return out.decode()

    def run(self, command):
        self.sock.sendall(command.encode() + b"\n")
        return self.read_to_prompt()


def main():
    tx86, elf = sys.argv[1], sys.argv[2]
    if not elf or not os.path.isfile(elf):
        print("FAIL: the debugging test guest was not built (roms/debug needs gcc -m32)")
        return 1
    work = tempfile.mkdtemp()
    con = os.path.join(work, "debugcon")
    floppy = os.path.join(work, "floppy.img")
    with open(floppy, "wb") as f:
        f.truncate(1474560)
    disc = os.path.join(work, "disc.iso")
    with open(disc, "wb") as f:
        f.truncate(2048 * 16)
    odd = os.path.join(work, "odd.iso")
    with open(odd, "wb") as f:
        f.truncate(1000)
    shot = os.path.join(work, "shot.png")
    proc = subprocess.Popen(
        [tx86, "--kernel", elf, "--append", "keys", "--monitor", "tcp::0", "-S",
         "--debugcon", "file:" + con, "--timeout", "60",
         "--drive", "if=ide,index=2,media=cdrom"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.match(r"tx86: monitor listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            print(f"FAIL: tx86 did not say where the monitor listens: {line!r}")
            return 1
        mon = Monitor(int(m.group(1)))
        check("banner", "tx86 monitor" in mon.banner, mon.banner)

        regs = mon.run("info registers")
        check("info registers: EIP at the entry", "EIP=0010000c" in regs, regs)
        check("info registers: CS", "CS =0008 00000000 ffffffff 00c09b00" in regs, regs)
        check("info status while -S", mon.run("info status") == "VM status: paused\n")
        insns = mon.run("x /2i $pc")
        check("x /i", insns.startswith("0x0010000c:  mov esp, 0x"), insns)
        check("x /i: two lines", insns.count("\n") == 2 and "0x00100011:  push ebx" in insns,
              insns)
        step = mon.run("step 2")
        check("step 2: at the call", step.startswith("0008:00100012  call 0x"), step)
        regs = mon.run("info registers")
        check("step moved EIP", "EIP=00100012" in regs, regs)
        state = os.path.join(work, "vm.state")
        check("savevm", mon.run(f"savevm {state}") == "")
        mon.run("step 5")
        check("loadvm", mon.run(f"loadvm {state}") == "")
        regs = mon.run("info registers")
        check("loadvm: back where savevm was", "EIP=00100012" in regs, regs)
        bad = mon.run(f"loadvm {floppy}")
        check("loadvm: not a state", "is not a tx86 save state" in bad, bad)
        regs = mon.run("info registers")
        check("a refused loadvm leaves the machine alone", "EIP=00100012" in regs, regs)
        xp = mon.run("xp /2xw 0x100000")
        check("xp: the Multiboot header", xp == "00100000: 0x1badb002 0x00000000\n", xp)
        xb = mon.run("x /4xb 0x100000")
        check("x /xb", xb == "00100000: 0x02 0xb0 0xad 0x1b\n", xb)
        xd = mon.run("x /1dw $esp-4+4")
        check("x /d at an expression", re.fullmatch(r"[0-9a-f]{8}: \d+\n", xd) is not None, xd)

        check("cont", mon.run("cont") == "")
        check("the guest ran", wait_for(lambda: "counter=5050" in open(con).read()))
        check("info status running", mon.run("info status") == "VM status: running\n")
        alias = mon.run("x /xw 0x40000000")
        check("x through the guest's page tables", alias == "40000000: 0x600dcafe\n", alias)

        check("sendkey", mon.run("sendkey shift-a") == "")
        # Scan code set 1 (the controller translates): shift, a, then released.
        check("the guest read the keys",
              wait_for(lambda: "2a 1e 9e aa " in open(con).read()), open(con).read())

        check("screendump", mon.run(f"screendump {shot}") == "")
        with open(shot, "rb") as f:
            check("screendump wrote a PNG", f.read(8) == b"\x89PNG\r\n\x1a\n")

        check("change floppy0", mon.run(f"change floppy0 {floppy}") == "")
        check("eject floppy0", mon.run("eject floppy0") == "")
        missing = mon.run(f"change floppy0 {work}/missing.img")
        check("change: a missing image", "missing.img" in missing, missing)
        nodrive = mon.run(f"change ide0-cd1 {disc}")
        check("change: no such CD-ROM drive", nodrive.startswith("no drive 'ide0-cd1'"), nodrive)
        check("change ide1-cd0", mon.run(f"change ide1-cd0 {disc}") == "")
        bad = mon.run(f"change cdrom {odd}")
        check("change: a disc of no whole blocks", "not a whole number of 2048-byte blocks" in bad,
              bad)
        check("eject cdrom", mon.run("eject cdrom") == "")

        check("unknown command", mon.run("frobnicate") ==
              "unknown command: 'frobnicate' (help lists them)\n")
        check("bad format", mon.run("x /zz 0") == "bad format '/zz'\n")
        check("bad address", mon.run("x $nope") == "bad address '$nope'\n")
        check("sendkey: an unknown key", mon.run("sendkey ctrl-nokey") == "unknown key 'nokey'\n")
        check("help", "screendump FILE" in mon.run("help"))

        check("stop", mon.run("stop") == "")
        check("info status stopped", mon.run("info status") == "VM status: paused\n")
        check("system_reset", mon.run("system_reset") == "")
        check("cont after reset", mon.run("cont") == "")
        check("the kernel ran again after the reset",
              wait_for(lambda: open(con).read().count("counter=5050") == 2), open(con).read())
        mon.sock.sendall(b"quit\n")
        status = proc.wait(timeout=20)
        check("quit: exit status 0", status == 0, str(status))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if failures:
        print(f"{failures} failure(s)")
        return 1
    print("all passed")
    return 0


sys.exit(main())
