#!/usr/bin/env python3
"""Run pyssl bench's in-memory cases with CPython's ssl module and print them beside pyssl.

CPython side: ssl.SSLObject over ssl.MemoryBIO, driven the way `pyssl bench` drives pyssl's
SslObject (same pump, same 16 KiB writes, same certificate shapes), timed in thread CPU seconds
(time.thread_time), interleaved rounds, median and min-max.

pyssl side: the JSON of `pyssl bench --json`, read from a file (--pyssl-json FILE) or produced by
running the binary (--pyssl BIN, default target/release/pyssl).

    python3 bench/compare_cpython.py --quick
    python3 bench/compare_cpython.py --pyssl-json run.json
    python3 bench/compare_cpython.py --python-only --json

Notes:
- CPython cannot choose TLS 1.3 cipher suites from Python; the bulk cases run in a child process
  with OPENSSL_CONF pointing at a config whose system_default section sets Ciphersuites.
- Heap: OpenSSL allocates outside Python's allocator (tracemalloc cannot see it), so the heap cases
  read glibc's mallinfo2() in a child running with PYTHONMALLOC=malloc (Linux/glibc only).
- CPython's server context keeps no TLS 1.2 session cache, so resumed-tls12-session-id fails
  there; the table says so rather than hiding it.
"""

import argparse
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HOST = "localhost"
CHUNK = 16 * 1024
MIB = float(1 << 20)

# name, kind, key, version, suite, resume
CASES = [
    ("handshake-tls13-ecdsa-p256", "handshake", "ecdsa", "1.3", None, None),
    ("handshake-tls13-rsa2048", "handshake", "rsa", "1.3", None, None),
    ("handshake-tls12-ecdsa-p256", "handshake", "ecdsa", "1.2", None, None),
    ("resumed-tls13-ticket", "resumed", "ecdsa", "1.3", None, "ticket"),
    ("resumed-tls12-ticket", "resumed", "ecdsa", "1.2", None, "ticket"),
    ("resumed-tls12-session-id", "resumed", "ecdsa", "1.2", None, "session-id"),
    ("bulk-tls13-aes128gcm", "bulk", "ecdsa", "1.3", "TLS_AES_128_GCM_SHA256", None),
    ("bulk-tls13-aes256gcm", "bulk", "ecdsa", "1.3", "TLS_AES_256_GCM_SHA384", None),
    ("bulk-tls13-chacha20poly1305", "bulk", "ecdsa", "1.3", "TLS_CHACHA20_POLY1305_SHA256", None),
    ("heap-tls13-ecdsa-p256", "heap", "ecdsa", "1.3", None, None),
    ("heap-tls12-ecdsa-p256", "heap", "ecdsa", "1.2", None, None),
]
UNITS = {"handshake": "handshakes/s", "resumed": "handshakes/s", "bulk": "MiB/s", "heap": "bytes/pair"}


# ---------------------------------------------------------------- certificates (openssl CLI)

def make_certs(d):
    """ECDSA P-256 CA; localhost leaves with ECDSA P-256 and RSA-2048 keys."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    ca_key, ca = os.path.join(d, "ca-key.pem"), os.path.join(d, "ca.pem")
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=pyssl bench CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    ext = os.path.join(d, "leaf.ext")
    with open(ext, "w") as f:
        f.write(f"subjectAltName=DNS:{HOST}\nbasicConstraints=CA:FALSE\n")
    out = {"ca": ca}
    for name, keyopts in (("ecdsa", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                          ("rsa", ["-newkey", "rsa:2048"])):
        key, csr, cert = (os.path.join(d, f"{name}-{x}.pem") for x in ("key", "csr", "cert"))
        run("req", *keyopts, "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={HOST}")
        run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext)
        out[name] = (cert, key)
    return out


# ---------------------------------------------------------------- the CPython side

def contexts(certs, key, version, resume):
    tls = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(cafile=certs["ca"])
    c.minimum_version = c.maximum_version = tls
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(*certs[key])
    s.minimum_version = s.maximum_version = tls
    if resume == "session-id":
        s.options |= ssl.OP_NO_TICKET
    return c, s


def handshake(cctx, sctx, session=None):
    """One handshake through four MemoryBIOs, then the client reads once so TLS 1.3 tickets
    sent after the handshake are processed (a session is only usable after that)."""
    ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    c = cctx.wrap_bio(ci, co, server_hostname=HOST, session=session)
    s = sctx.wrap_bio(si, so, server_side=True)
    cdone = sdone = False
    while True:
        if not cdone:
            try:
                c.do_handshake()
                cdone = True
            except ssl.SSLWantReadError:
                pass
        moved = False
        data = co.read()
        if data:
            si.write(data)
            moved = True
        if not sdone:
            try:
                s.do_handshake()
                sdone = True
            except ssl.SSLWantReadError:
                pass
        data = so.read()
        if data:
            ci.write(data)
            moved = True
        if cdone and sdone and not moved:
            break
    if ci.pending:
        try:
            c.read(1)
        except ssl.SSLWantReadError:
            pass
    return c, s, (ci, co, si, so)


def make_work(kind, certs, key, version, resume):
    cctx, sctx = contexts(certs, key, version, resume)
    if kind == "handshake":
        def work(n):
            for _ in range(n):
                handshake(cctx, sctx)
            return float(n)
        return work
    if kind == "resumed":
        state = {"session": handshake(cctx, sctx)[0].session}

        def work(n):
            for _ in range(n):
                c = handshake(cctx, sctx, state["session"])[0]
                if not c.session_reused:
                    stats = sctx.session_stats()
                    raise RuntimeError(f"CPython did not resume (server session cache: "
                                       f"{stats['number']} sessions, {stats['misses']} misses)")
                state["session"] = c.session
            return float(n)
        return work
    if kind == "bulk":
        c, s, (ci, co, si, so) = handshake(cctx, sctx)
        chunk = b"\x5a" * CHUNK
        buf = bytearray(CHUNK)
        view = memoryview(buf)

        def work(n):
            for _ in range(n):
                c.write(chunk)
                si.write(co.read())
                got = 0
                while got < CHUNK:
                    got += s.read(CHUNK - got, view[got:])
            return n * CHUNK / MIB
        work.cipher = c.cipher()[0]
        return work
    if kind == "heap":
        def work(n):
            keep = []
            before = heap_in_use()
            for _ in range(n):
                keep.append(handshake(cctx, sctx))
            after = heap_in_use()
            del keep
            return max(0, after - before) / n
        return work
    raise ValueError(kind)


def heap_in_use():
    """Bytes malloc has handed out and not taken back (glibc mallinfo2). The child runs with
    PYTHONMALLOC=malloc so Python's own objects go through malloc too and are counted."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(f, ctypes.c_size_t) for f in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd


def measure(work, n, kind):
    if kind == "heap":
        return work(n)
    t = time.thread_time()
    units = work(n)
    return units / max(time.thread_time() - t, 1e-9)


def run_case(certs, name, kind, key, version, suite, resume, rounds, target):
    work = make_work(kind, certs, key, version, resume)
    if suite and getattr(work, "cipher", suite) != suite:
        raise RuntimeError(f"negotiated {work.cipher}, wanted {suite}")
    if kind == "heap":
        n = 16 if target < 0.1 else 64  # as many live pairs as `pyssl bench`
        work(1)
    else:
        work(1)
        n = 1
        while True:
            t = time.thread_time()
            work(n)
            dt = time.thread_time() - t
            if dt >= target / 8 or n >= 1 << 24:
                n = max(1, round(target / (dt / n))) if dt > 0 else n
                break
            n *= 4
    samples = [measure(work, n, kind) for _ in range(rounds)]
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "rounds": rounds}


def child_main(args):
    """Runs the cases given on the command line; prints {name: summary-or-error} as JSON."""
    certs = json.loads(args.child_certs)
    results = {}
    for name in args.child:
        spec = next(c for c in CASES if c[0] == name)
        try:
            results[name] = run_case(certs, *spec, rounds=args.rounds, target=args.target)
        except Exception as e:  # reported, never hidden
            results[name] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(results))


def run_python_cases(names, rounds, target):
    """Every case in a child interpreter: the bulk ones with their suite pinned by OPENSSL_CONF."""
    results = {}
    with tempfile.TemporaryDirectory() as d:
        certs = make_certs(d)
        groups = {}
        for name in names:
            suite = next(c for c in CASES if c[0] == name)[4]
            groups.setdefault(suite, []).append(name)
        for suite, group in groups.items():
            env = dict(os.environ, PYTHONMALLOC="malloc")
            if suite:
                conf = os.path.join(d, f"{suite}.cnf")
                with open(conf, "w") as f:
                    f.write("openssl_conf = conf\n[conf]\nssl_conf = ssl\n[ssl]\n"
                            "system_default = sysdef\n[sysdef]\n"
                            f"Ciphersuites = {suite}\n")
                env["OPENSSL_CONF"] = conf
            for name in group:
                print(f"  CPython: {name}", file=sys.stderr, flush=True)
                out = subprocess.run(
                    [sys.executable, os.path.abspath(__file__), "--child", name,
                     "--child-certs", json.dumps(certs), "--rounds", str(rounds),
                     "--target", str(target)],
                    env=env, capture_output=True, text=True, timeout=600)
                if out.returncode != 0:
                    results[name] = {"error": out.stderr.strip().splitlines()[-1:]}
                else:
                    results.update(json.loads(out.stdout))
    return results


# ---------------------------------------------------------------- the pyssl side and the table

def pyssl_results(args):
    if args.pyssl_json:
        with open(args.pyssl_json) as f:
            data = json.load(f)
    else:
        binary = args.pyssl or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                            "target", "release", "pyssl")
        if not os.path.exists(binary) and shutil.which("pyssl"):
            binary = shutil.which("pyssl")
        cmd = [binary, "bench", "--json"] + (["--quick"] if args.quick else [])
        print("  running " + " ".join(cmd), file=sys.stderr, flush=True)
        data = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    return {row["case"]: row for row in data}


def fmt(v):
    if v is None:
        return "n/a"
    a = abs(v)
    return f"{v:.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else f"{v:.2f}" if a >= 1 else f"{v:.3f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def table(py, rust):
    rows = [("case", "unit", "pyssl", "raw rustls", "CPython", "pyssl/raw", "pyssl/CPython")]
    for name, kind, *_ in CASES:
        if name not in py and name not in rust:
            continue
        r = rust.get(name, {})
        p = py.get(name, {})
        cp = p.get("median")
        rows.append((name, UNITS[kind], fmt(r.get("pyssl")), fmt(r.get("raw")), fmt(cp),
                     fmt(r.get("ratio")), fmt(ratio(r.get("pyssl"), cp))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    errors = [f"  {n}: {p['error']}" for n, p in py.items() if "error" in p]
    if errors:
        lines += ["", "CPython errors:"] + errors
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    ap.add_argument("--pyssl-json", metavar="FILE", help="output of `pyssl bench --json`")
    ap.add_argument("--pyssl", metavar="BIN", help="pyssl binary (default target/release/pyssl)")
    ap.add_argument("--python-only", action="store_true", help="skip pyssl; CPython figures only")
    ap.add_argument("--cpython-json", metavar="FILE",
                    help="reuse CPython figures from an earlier `--json` run instead of measuring")
    ap.add_argument("--cases", metavar="LIST", help="comma-separated case names or prefixes")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--rounds", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--target", type=float, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument("--child-certs", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rounds is None:
        args.rounds = 5 if args.quick else 11
    if args.target is None:
        args.target = 0.04 if args.quick else 0.25
    if args.child is not None:
        return child_main(args)

    names = [c[0] for c in CASES]
    if args.cases:
        wanted = [w.strip() for w in args.cases.split(",") if w.strip()]
        names = [n for n in names if any(n.startswith(w) for w in wanted)]
    print(f"CPython {sys.version.split()[0]}, {ssl.OPENSSL_VERSION}", file=sys.stderr)
    if args.cpython_json:
        with open(args.cpython_json) as f:
            py = {row["case"]: ({"median": row["cpython"]} if row.get("cpython") is not None
                                else {"error": row.get("note") or "not measured"})
                  for row in json.load(f) if row["case"] in names}
    else:
        py = run_python_cases(names, args.rounds, args.target)
    rust = {} if args.python_only else pyssl_results(args)
    if args.json:
        out = [{"case": n, "unit": UNITS[next(c[1] for c in CASES if c[0] == n)],
                "cpython": py.get(n, {}).get("median"),
                "pyssl": rust.get(n, {}).get("pyssl"), "raw": rust.get(n, {}).get("raw"),
                "ratio": rust.get(n, {}).get("ratio"),
                "note": py.get(n, {}).get("error")} for n in names]
        print(json.dumps(out, indent=2))
    else:
        print(f"CPython {sys.version.split()[0]} with {ssl.OPENSSL_VERSION}; "
              "rates per CPU second, medians")
        print(table(py, rust))


if __name__ == "__main__":
    sys.exit(main())
