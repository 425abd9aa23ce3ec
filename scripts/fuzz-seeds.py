#!/usr/bin/env python3
"""Record real handshake flights (CPython's ssl over MemoryBIO, i.e. OpenSSL) as seeds for
the SslObject fuzz targets: ClientHellos for `server_object`, server first flights for
`client_object`. Run from the repo root: python3 scripts/fuzz-seeds.py

Each seed starts with the control byte of pyssl_fuzz::Plan (stage in bits 0-1, chunk size
in bits 2-7); 0x00 = hostile bytes from the very start, all at once.
"""
import os
import ssl

DATA = "wasm-test/data"
OUT = "fuzz/corpus"


def flights(max_version, alpn):
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(os.path.join(DATA, "ca.pem"))
    cctx.maximum_version = max_version
    if alpn:
        cctx.set_alpn_protocols(["h2", "http/1.1"])
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(os.path.join(DATA, "server.pem"), os.path.join(DATA, "server.key"))
    ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(ci, co, server_hostname="localhost")
    s = sctx.wrap_bio(si, so, server_side=True)
    try:
        c.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = co.read()
    si.write(hello)
    try:
        s.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return hello, so.read()


def write(target, name, control, payload):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(bytes([control]) + payload)


for label, version, alpn in [
    ("tls13-alpn", ssl.TLSVersion.TLSv1_3, True),
    ("tls12", ssl.TLSVersion.TLSv1_2, False),
]:
    hello, server_flight = flights(version, alpn)
    write("server_object", f"clienthello-{label}", 0x00, hello)
    write("server_object", f"clienthello-{label}-chunked", 3 << 2, hello)
    write("client_object", f"serverflight-{label}", 0x00, server_flight)

# Later stages: a few records after the honest part (CCS, alert, bogus app data).
ccs = bytes.fromhex("140303000101")
alert = bytes.fromhex("15030300020228")
appdata = bytes.fromhex("1703030010") + bytes(16)
for target in ("server_object", "client_object"):
    write(target, "stage1-ccs-alert", 0x01, ccs + alert)
    write(target, "stage2-appdata", 0x02, appdata + alert)
