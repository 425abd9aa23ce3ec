#!/usr/bin/env python3
"""Run a wasm32-wasip1 command module under the `wasmtime` Python package.

Usage: wasm-test-runner.py [--dir HOST::GUEST]... MODULE.wasm [ARGS...]

stdout/stderr are inherited; the exit status is the module's (proc_exit code, or 0 when
_start returns). A trap (e.g. a Rust panic, which aborts on wasm) exits with status 101.
Used by `.ci/run` from a virtualenv: `pip install wasmtime`.
"""
import sys

import wasmtime


def main(argv):
    dirs = []
    while len(argv) >= 2 and argv[0] == "--dir":
        host, _, guest = argv[1].partition("::")
        dirs.append((host, guest or host))
        argv = argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    module_path, args = argv[0], argv[1:]

    engine = wasmtime.Engine()
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [module_path] + args
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    for host, guest in dirs:
        wasi.preopen_dir(host, guest)
    store.set_wasi(wasi)

    module = wasmtime.Module.from_file(engine, module_path)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)
    except wasmtime.ExitTrap as e:
        return e.code
    except wasmtime.Trap as e:
        print(f"wasm trap: {e}", file=sys.stderr)
        return 101
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
