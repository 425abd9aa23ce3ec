#!/usr/bin/env python3
"""Count, per iteration of one `pyssl bench` case, what each side executes: instructions,
locked (atomic read-modify-write) instructions and allocator calls — deterministic figures
that explain CPU-time ratios too small for the timed bench to resolve.

Each side runs under callgrind twice (`--iters LO` and `--iters HI`, one round); the difference
divided by HI - LO is the cost of one iteration, free of setup. Locked instructions are the ones
objdump shows with a `lock` prefix or as `xchg` with memory, counted where callgrind saw them
execute inside the `pyssl` binary (libc's own are not counted: the in-memory cases run on one
thread, where glibc's malloc takes no lock). On this machine one uncontended locked instruction
costs about 7 ns (16 cycles) more than a plain one.

    cargo build --release -p pyssl-cli
    python3 bench/locked_ops.py --case resumed-tls12-ticket
    python3 bench/locked_ops.py --case resumed-tls12-ticket --sites 25

Needs valgrind, objdump and addr2line (binutils). Takes about a minute per case.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

POSITION = re.compile(r"^(0x[0-9a-fA-F]+|[+-]\d+|\*)")
NAMED = re.compile(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?")
ALLOCATOR = ("__rust_alloc", "__rust_alloc_zeroed", "__rust_realloc", "__rust_dealloc")


def locked_addresses(binary):
    """Address -> function of every locked instruction in `binary`."""
    out = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True, check=True
    ).stdout
    sites, fn = {}, "?"
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) <(.*)>:$", line)
        if m:
            fn = m.group(2)
            continue
        m = re.match(r"^\s*([0-9a-f]+):\t(.*)$", line)
        if m and (m.group(2).startswith("lock ") or re.match(r"xchg\s.*\(", m.group(2))):
            sites[int(m.group(1), 16)] = fn
    return sites


def run(binary, case, side, iters, out):
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--dump-instr=yes", f"--callgrind-out-file={out}",
         binary, "bench", "--cases", case, "--side", side, "--iters", str(iters), "--rounds", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
    )


def parse(path, binary, sites):
    """(total instructions, Counter of locked-instruction address -> executions,
    Counter of allocator function -> calls) of one callgrind output."""
    names, objects = {}, {}
    obj, pos, after_calls, callee = "", 0, False, ""
    locked, calls, total = collections.Counter(), collections.Counter(), 0
    real = os.path.realpath(binary)
    for line in open(path):
        m = NAMED.match(line)
        if m:
            kind, ident, name = m.groups()
            table = objects if kind.endswith("ob") else names
            if name:
                table[ident] = name
            if kind == "ob":
                obj = objects.get(ident, "")
            elif kind == "cfn":
                callee = names.get(ident, "")
            continue
        if line.startswith("calls="):
            after_calls = True
            if callee.rsplit("::", 1)[-1] in ALLOCATOR:
                calls[callee.rsplit("::", 1)[-1]] += int(line.split()[0][6:])
            continue
        if line.startswith(("summary:", "totals:")):
            total = int(line.split()[1])
            continue
        m = POSITION.match(line)
        if not m:
            continue
        token = m.group(1)
        if token.startswith("0x"):
            pos = int(token, 16)
        elif token[0] in "+-":
            pos += int(token)
        if after_calls:  # the inclusive cost of a call: not this instruction's own
            after_calls = False
            continue
        fields = line.split()
        if len(fields) > 2 and pos in sites and os.path.realpath(obj) == real:
            locked[pos] += int(fields[2])
    return total, locked, calls


def per_iteration(binary, case, side, lo, hi, sites, tmp):
    res = []
    for n in (lo, hi):
        out = os.path.join(tmp, f"{side}.{n}")
        run(binary, case, side, n, out)
        res.append(parse(out, binary, sites))
    (t0, l0, c0), (t1, l1, c1) = res
    span = hi - lo
    locked = {a: (l1[a] - l0[a]) / span for a in set(l0) | set(l1)}
    calls = {f: (c1[f] - c0[f]) / span for f in ALLOCATOR}
    return (t1 - t0) / span, locked, calls


def describe(binary, addresses):
    """addr2line's innermost-to-outermost frames for each address, as one short line."""
    if not addresses:
        return {}
    out = subprocess.run(
        ["addr2line", "-a", "-i", "-f", "-C", "-e", binary] + [hex(a) for a in addresses],
        capture_output=True, text=True, check=True,
    ).stdout
    found = {}
    for block in re.split(r"^0x", out, flags=re.M)[1:]:
        lines = block.strip().split("\n")
        frames = [(lines[i], lines[i + 1]) for i in range(1, len(lines) - 1, 2)]
        # Skip the std frames of the atomic itself; keep where it was called from.
        useful = [f"{fn.split('::')[-1][:32]}@{loc.rsplit('/', 1)[-1]}" for fn, loc in frames
                  if "/library/" not in loc]
        found[int(lines[0], 16)] = " <- ".join(useful[:4]) or frames[-1][0][:60]
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/pyssl")
    ap.add_argument("--case", default="resumed-tls12-ticket")
    ap.add_argument("--lo", type=int, default=20)
    ap.add_argument("--hi", type=int, default=220)
    ap.add_argument("--sites", type=int, default=0,
                    help="also list the N pyssl-side lock sites executed most per iteration")
    args = ap.parse_args()
    sites = locked_addresses(args.bin)
    with tempfile.TemporaryDirectory() as tmp:
        sides = {s: per_iteration(args.bin, args.case, s, args.lo, args.hi, sites, tmp)
                 for s in ("pyssl", "raw")}
    print(f"{args.case}: per iteration (both peers), callgrind over {args.hi - args.lo} iterations")
    print(f"{'side':6} {'instructions':>13} {'locked ops':>11} {'alloc':>7} {'realloc':>8} {'dealloc':>8}")
    for side, (instr, locked, calls) in sides.items():
        alloc = calls["__rust_alloc"] + calls["__rust_alloc_zeroed"]
        print(f"{side:6} {instr:13.0f} {sum(locked.values()):11.1f} {alloc:7.1f} "
              f"{calls['__rust_realloc']:8.1f} {calls['__rust_dealloc']:8.1f}")
    if args.sites:
        locked = sides["pyssl"][1]
        top = sorted((a for a in locked if locked[a] > 0.05), key=lambda a: -locked[a])[: args.sites]
        where = describe(args.bin, top)
        print(f"\ntop pyssl-side lock sites (executions per iteration):")
        for a in top:
            print(f"{locked[a]:6.1f}  {where.get(a, hex(a))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
