"""A big kabupaten's bundle over the API (issue 18): size, gzip, push time, gzip bomb.

`.venv/bin/python -m bench.federation_big [--size M|L]`. One kabupaten of the generator's size
(M: 10x S, every quarter verified) on SQLite exports its TW II bundle; the province (SQLite, a
werkzeug server in a thread, same process) receives it over HTTP twice: as plain JSON, then a
correction (newer sequence) gzip-compressed, as `flask federation push` sends it. Then a gzip
bomb (1 GiB of zeros, ~1 MB compressed) is sent: the province stops inflating at
FEDERATION_MAX_BYTES and answers 413.
"""
import argparse
import gzip
import json
import logging
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib

from werkzeug.serving import make_server

from bench.common import make_app

YEAR, QUARTER = 2026, 2


def _post(port: int, body: bytes, token: str, encoding: str | None = None) -> tuple[int, float]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if encoding:
        headers["Content-Encoding"] = encoding
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/federation/bundles",
                                     data=body, method="POST", headers=headers)
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=300) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        if status != 413:
            print(f"  refused {status}: {exc.read()[:500].decode()}")
    return status, (time.perf_counter() - t0) * 1000


def run(size: str) -> dict:
    from app.federation import bundle, content, receive
    from bench.generate import SIZES, generate
    from models import db

    folder = tempfile.mkdtemp(prefix="tagar-bench-fedbig-")
    kab = make_app(f"sqlite:///{folder}/kab.db", FEDERATION_CODE="64.01",
                   FEDERATION_NAME="Kabupaten Besar", FEDERATION_KEY=f"{folder}/kab.pem")
    with kab.app_context():
        db.create_all()
        t0 = time.perf_counter()
        generate(SIZES[size], year=YEAR, seed=1)
        db.session.commit()
        generate_s = time.perf_counter() - t0
        key = bundle.generate_key(bundle.key_path())
        t0 = time.perf_counter()
        data, _ = content.export(YEAR, "quarter", QUARTER)
        export_ms = (time.perf_counter() - t0) * 1000
        db.session.rollback()
        payload = json.loads(data)["bundle"]
        db.session.remove()
        db.engine.dispose()
    correction = bundle.encode(bundle.sign(dict(payload, sequence=payload["sequence"] + 1), key))
    t0 = time.perf_counter()
    packed = gzip.compress(correction, compresslevel=6, mtime=0)
    gzip_ms = (time.perf_counter() - t0) * 1000
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * (1 << 20)
    bomb = b"".join(squeeze.compress(zeros) for _ in range(1024)) + squeeze.flush()

    province = make_app(f"sqlite:///{folder}/prov.db", TAGAR_MODE="province")
    with province.app_context():
        db.create_all()
        _, token = receive.register("64.01", "Kabupaten Besar", bundle.public_b64(key))
        db.session.commit()
        db.session.remove()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, province, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        plain = _post(server.server_port, data, token)
        zipped = _post(server.server_port, packed, token, "gzip")
        refused = _post(server.server_port, bomb, token, "gzip")
    finally:
        server.shutdown()
        thread.join()
    assert plain[0] == 201 and zipped[0] == 201 and refused[0] == 413, (plain, zipped, refused)
    return {"size": size, "generate_s": round(generate_s, 1), "matrix_rows": len(payload["matrix"]),
            "lokus_rows": len(payload["lokus"]), "bundle_bytes": len(data),
            "gzip_bytes": len(packed), "export_ms": round(export_ms), "gzip_ms": round(gzip_ms),
            "push_plain_ms": round(plain[1]), "push_gzip_ms": round(zipped[1]),
            "bomb_bytes": len(bomb), "bomb_refused_ms": round(refused[1])}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("S", "M", "L"), default="M")
    args = parser.parse_args(argv)
    cpu0 = time.process_time()
    figures = run(args.size)
    for key, value in figures.items():
        print(f"  {key:<16} {value:,}" if isinstance(value, int) else f"  {key:<16} {value}")
    print(f"CPU {time.process_time() - cpu0:.1f} s")


if __name__ == "__main__":
    main()
