"""A python3 ssl peer (SSLObject over MemoryBIO) driven over stdin/stdout, one JSON
object per line, for pyssl's differential and interop tests.

First line: the configuration. Then commands {"op": ..., "data": hex, "eof": bool};
"data" is written to the incoming BIO first. Each command gets one JSON reply with
"status" (done/ok/want_read/error), "out" (hex of the outgoing BIO) and details.
"""
import json
import re
import signal
import ssl
import sys

signal.alarm(60)  # never outlive a stuck test


def err_info(e):
    return {
        "type": type(e).__name__,
        "library": getattr(e, "library", None),
        "reason": getattr(e, "reason", None),
        "verify_code": getattr(e, "verify_code", None),
        "verify_message": getattr(e, "verify_message", None),
        "message": re.sub(r" \(_ssl\.c:\d+\)$", "", str(e)),
    }


def jsonable(v):
    if isinstance(v, bytes):
        return {"__bytes__": v.hex()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    return v


cfg = json.loads(sys.stdin.readline())
server = cfg.get("server_side", False)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
if cfg.get("check_hostname") is not None:
    ctx.check_hostname = cfg["check_hostname"]
if cfg.get("verify_mode") is not None:
    ctx.verify_mode = ssl.VerifyMode(cfg["verify_mode"])
if cfg.get("cert"):
    ctx.load_cert_chain(cfg["cert"], cfg.get("key"))
for extra in cfg.get("extra_certs", []):
    ctx.load_cert_chain(extra[0], extra[1])
if cfg.get("cafile"):
    ctx.load_verify_locations(cfg["cafile"])
if cfg.get("alpn"):
    ctx.set_alpn_protocols(cfg["alpn"])
if cfg.get("min_version") is not None:
    ctx.minimum_version = ssl.TLSVersion(cfg["min_version"])
if cfg.get("max_version") is not None:
    ctx.maximum_version = ssl.TLSVersion(cfg["max_version"])
if cfg.get("ciphers"):
    ctx.set_ciphers(cfg["ciphers"])
if cfg.get("ciphersuites") is not None:
    raise SystemExit("ciphersuites is a pyssl extension; Python's ssl cannot set TLS 1.3 suites")
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
obj = ctx.wrap_bio(inc, out, server_side=server, server_hostname=cfg.get("server_hostname"))


def info():
    cert = obj.getpeercert()
    der = obj.getpeercert(True)
    return {
        "version": obj.version(),
        "cipher": list(obj.cipher()) if obj.cipher() else None,
        "alpn": obj.selected_alpn_protocol(),
        "peercert": jsonable(cert) if cert is not None else None,
        "peercert_der": der.hex() if der else None,
        "verified_chain": [c.hex() for c in obj.get_verified_chain()] if hasattr(obj, "get_verified_chain") else None,
        "unverified_chain": [c.hex() for c in obj.get_unverified_chain()] if hasattr(obj, "get_unverified_chain") else None,
        "shared_ciphers": [list(c) for c in obj.shared_ciphers()] if obj.shared_ciphers() else None,
    }


print(json.dumps({"status": "ready"}), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    op = cmd["op"]
    resp = {}
    if cmd.get("data"):
        inc.write(bytes.fromhex(cmd["data"]))
    if cmd.get("eof"):
        inc.write_eof()
    try:
        if op == "handshake":
            obj.do_handshake()
            resp["status"] = "done"
            resp.update(info())
        elif op == "write":
            resp["n"] = obj.write(bytes.fromhex(cmd["payload"]))
            resp["status"] = "ok"
        elif op == "read":
            resp["payload"] = obj.read(cmd.get("n", 65536)).hex()
            resp["status"] = "ok"
        elif op == "unwrap":
            obj.unwrap()
            resp["status"] = "ok"
        elif op == "quit":
            break
    except ssl.SSLWantReadError:
        resp["status"] = "want_read"
    except Exception as e:  # noqa: BLE001 - report every error class
        resp["status"] = "error"
        resp["error"] = err_info(e)
    resp["out"] = out.read().hex()
    print(json.dumps(resp), flush=True)
