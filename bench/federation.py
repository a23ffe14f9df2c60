"""Federation benchmark (issue 18): a province of 40 kabupaten/kota.

    .venv/bin/python -m bench.federation                    # province on SQLite (a temp file)
    .venv/bin/python -m bench.federation --pg postgresql://postgres@127.0.0.1:5432/bench_fed

Four kabupaten of size S (the generator, seeds 1-4, every quarter verified) each export their
TW II bundle (timed: rollups, matrix, lokus, signature); each bundle is then signed again under
ten codes and keys, giving 40 distinct registered kabupaten (the figures repeat every fourth).
The 40 bundles are pushed over HTTP to a province app served by werkzeug in a thread (timed
one by one: the POST, signature, schema, replay check and storing ~1,000 rows each), then the
consolidation (the province rollup statements) and the province dashboard page are timed.
Every figure is the median (and best) of several runs; the province database is emptied first.
"""
import argparse
import gzip
import json
import logging
import statistics
import tempfile
import threading
import time
import urllib.request

from werkzeug.serving import make_server

from bench.common import BENCH_NOW, guard_url, make_app, measure

YEAR, QUARTER = 2026, 2


def _kabupaten_bundles(folder: str, count: int, runs: int) -> tuple[list[dict], dict]:
    from app.federation import bundle, content
    from bench.generate import generate
    from models import db

    payloads, export_ms, sizes = [], [], []
    for seed in range(1, count + 1):
        app = make_app(f"sqlite:///{folder}/kab{seed}.db", FEDERATION_CODE="00.00",
                       FEDERATION_NAME="x", FEDERATION_KEY=f"{folder}/kab{seed}.pem")
        with app.app_context():
            db.create_all()
            generate(1, year=YEAR, seed=seed)
            db.session.commit()
            bundle.generate_key(bundle.key_path())
            timing = measure(lambda: content.export(YEAR, "quarter", QUARTER), runs)
            data = timing.result[0]
            db.session.rollback()
            export_ms.append(timing.median_ms)
            sizes.append(len(data))
            payloads.append(json.loads(data)["bundle"])
            db.session.remove()
            db.engine.dispose()
    gz = len(gzip.compress(json.dumps(payloads[0]).encode()))
    return payloads, {"export_ms": statistics.median(export_ms), "bytes": statistics.median(sizes),
                      "gzip_bytes": gz, "matrix_rows": len(payloads[0]["matrix"]),
                      "lokus_rows": len(payloads[0]["lokus"])}


def _breakdown(data: bytes, app, runs: int) -> dict:
    """Where a push's time goes, without HTTP or storing: parse, signature, schema."""
    from app.federation import bundle, receive, schema

    with app.app_context():
        parse = measure(lambda: receive.parse(data, max_bytes=10**7, max_depth=20), runs)
        document = parse.result
        key = bundle.parse_public_key(document["signature"]["public_key"])
        verify = measure(lambda: bundle.verify(document, key), runs)
        assert verify.result
        validate = measure(lambda: schema.errors(document), runs)
        assert validate.result == []
    return {"parse_ms": parse.median_ms, "verify_ms": verify.median_ms,
            "schema_ms": validate.median_ms}


def run(province_url: str, members: int = 40, distinct: int = 4, runs: int = 5) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.federation import bundle, receive
    from models import db
    from reports.province import queries as province

    folder = tempfile.mkdtemp(prefix="tagar-bench-fed-")
    payloads, kab = _kabupaten_bundles(folder, distinct, runs)
    app = make_app(province_url, TAGAR_MODE="province")
    envelopes = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        for i in range(members):
            key = Ed25519PrivateKey.generate()
            code = f"64.{i + 1:02d}"
            _, token = receive.register(code, f"Kabupaten Bench {i + 1}", bundle.public_b64(key))
            payload = dict(payloads[i % distinct], kabupaten={"code": code,
                                                              "name": f"Kabupaten Bench {i + 1}"})
            envelopes.append((bundle.encode(bundle.sign(payload, key)), token))
        from app.accounts.accounts import create_user

        create_user("bench-prov", "bench-tagar-2026-prov", "provinsi", full_name="Bench")
        db.session.commit()
        db.session.remove()
    breakdown = _breakdown(envelopes[0][0], app, runs)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    push_ms = []
    try:
        for data, token in envelopes:
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.server_port}/api/v1/federation/bundles", data=data,
                method="POST", headers={"Content-Type": "application/json",
                                        "Authorization": f"Bearer {token}"})
            t0 = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as resp:
                assert resp.status == 201, resp.read()
            push_ms.append((time.perf_counter() - t0) * 1000)
    finally:
        server.shutdown()
        thread.join()
    with app.app_context():
        def consolidate():
            return (province.province_total(YEAR, QUARTER),
                    province.by_dimension(YEAR, QUARTER, "strategy"),
                    province.by_dimension(YEAR, QUARTER, "tag_kind"),
                    province.by_kabupaten(YEAR, QUARTER),
                    province.lokus_by_kabupaten(YEAR, QUARTER))
        cons = measure(consolidate, runs)
        total = cons.result[0]
        assert total.kabupaten == members
        expected = sum(int(payloads[i % distinct]["total"]["realized"].replace(".", ""))
                       for i in range(members))
        assert int(total.realized * 100) == expected, (total.realized, expected)
        client = app.test_client()
        resp = client.post("/login", data={"username": "bench-prov",
                                           "password": "bench-tagar-2026-prov"})
        assert resp.status_code == 302
        page = measure(lambda: client.get(f"/provinsi/?tahun={YEAR}&triwulan={QUARTER}"), runs)
        assert page.result.status_code == 200
        xlsx = measure(lambda: client.get(
            f"/provinsi/laporan?tahun={YEAR}&semester=1&format=xlsx"), max(2, runs // 2))
        pdf = measure(lambda: client.get(
            f"/provinsi/laporan?tahun={YEAR}&semester=1&format=pdf"), max(2, runs // 2))
        rows = db.session.execute(db.text("SELECT COUNT(*) FROM federation_row")).scalar()
        matrix = db.session.execute(db.text(
            "SELECT COUNT(*) FROM federation_matrix_row")).scalar()
        db.session.remove()
        db.engine.dispose()
    return {**kab, **breakdown, "members": members, "push_ms_median": statistics.median(push_ms),
            "push_ms_min": min(push_ms), "push_ms_total": sum(push_ms),
            "consolidate_ms": cons.median_ms, "consolidate_min_ms": cons.min_ms,
            "dashboard_ms": page.median_ms, "dashboard_min_ms": page.min_ms,
            "report_xlsx_ms": xlsx.median_ms, "report_pdf_ms": pdf.median_ms,
            "stored_rows": rows, "stored_matrix_rows": matrix}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=None, help="a throwaway PostgreSQL database")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    targets = [("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='tagar-bench-prov-')}/prov.db")]
    if args.pg:
        from bench.common import prepare_url

        targets.append(("postgresql", prepare_url(guard_url(args.pg))))
    cpu0 = time.process_time()
    for name, url in targets:
        figures = run(url, args.members, runs=args.runs)
        print(f"\n== federation, province on {name} (TAGAR_NOW {BENCH_NOW})")
        for key, value in figures.items():
            print(f"  {key:<22} {value:,.1f}" if isinstance(value, float) else
                  f"  {key:<22} {value:,}")
    print(f"\nCPU {time.process_time() - cpu0:.1f} s")


if __name__ == "__main__":
    main()
