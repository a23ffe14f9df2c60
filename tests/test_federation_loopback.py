"""Federation on loopback (issue 18): three kabupaten instances and one province instance, each
its own database and its own processes.

The kabupaten are the benchmark generator's kabupaten (every quarter verified) with different
seeds, each with its own key pair; each pushes its TW II bundle with `flask federation push`
(three processes, at once). The province is a gunicorn server in TAGAR_MODE=province. Then: the
province's totals, by strategy and in all, equal the sum of the three kabupaten's own verified
rollups to the sen; a bundle exported by hand (`flask federation export`) is accepted once,
refused when sent again (replay) and refused when one figure is changed (tampered). Process
start-up is most of the run time, so the set-up and the export run in this process.

Databases come from tests/databases.py: SQLite files on the SQLite pass, PostgreSQL databases
on the PostgreSQL pass.
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from app import create_app
from app.federation import bundle, receive
from bench.generate import generate
from bench.servers import ROOT, free_port, start_gunicorn, stop
from config import TestConfig
from models import FederationBundle, FiscalYear, db
from reports.province import queries as province
from reports.queries.rollup import RollupFilter, rollup, total

from .databases import fresh_database

YEAR, QUARTER = 2026, 2
SEEDS = (11, 22, 33)
FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back transaction: every instance commits for real."""
    yield


def _app(url, **config):
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **config)


def _env(url, instance: Path, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi", "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "loopback-secret", "TAGAR_INSTANCE_DIR": str(instance),
            "TAGAR_NOW": "", "TAGAR_REQUEST_LOG": "0", **extra}


def _own_figures():
    """A kabupaten's own verified rollup at TW II: (total, {strategy code: row})."""
    fy = db.session.scalar(db.select(FiscalYear.id).where(FiscalYear.year == YEAR))
    f = RollupFilter(fiscal_year_id=fy, quarter=QUARTER, verified_only=True)
    return total(f), {r.code: r for r in rollup(f, "strategy")}


def _post(port, data: bytes, token: str):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/federation/bundles", data=data, method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("federation")
    drops, procs, kabupaten, papp = [], [], [], None
    log = tempfile.NamedTemporaryFile("w+", prefix="tagar-federation-", suffix=".log",
                                      delete=False)
    try:
        for i, seed in enumerate(SEEDS, 1):
            url, drop = fresh_database(tmp, f"kab{i}")
            drops.append(drop)
            instance = tmp / f"kab{i}"
            instance.mkdir()
            code, name, key = f"64.0{i}", f"Kabupaten Uji {i}", instance / "key.pem"
            federation = {"FEDERATION_CODE": code, "FEDERATION_NAME": name,
                          "FEDERATION_KEY": str(key)}
            app = _app(url, **federation)
            with app.app_context():
                db.create_all()
                generate(1, year=YEAR, seed=seed)
                db.session.commit()
                own = _own_figures()
                db.session.remove()
                db.engine.dispose()
            kabupaten.append({
                "url": url, "code": code, "name": name, "app": app, "own": own,
                "public_key": bundle.public_b64(bundle.generate_key(key)),
                "env": _env(url, instance, **{f"TAGAR_{k}": v for k, v in federation.items()})})
        prov_url, drop = fresh_database(tmp, "prov")
        drops.append(drop)
        (tmp / "prov").mkdir()
        papp = _app(prov_url)
        with papp.app_context():
            db.create_all()
            for k in kabupaten:
                _, k["token"] = receive.register(k["code"], k["name"], k["public_key"])
            db.session.commit()
            db.session.remove()
        port = free_port()
        procs.append(start_gunicorn(prov_url, port, 1, 4, log, env=_env(
            prov_url, tmp / "prov", TAGAR_MODE="province")))
        yield {"kabupaten": kabupaten, "port": port, "province": papp, "tmp": tmp,
               "log": log.name}
    finally:
        stop(procs)
        for k in kabupaten:
            with k["app"].app_context():
                db.engine.dispose()
        if papp is not None:
            with papp.app_context():
                db.engine.dispose()
        log.close()
        os.unlink(log.name)
        for drop in drops:
            if drop:
                drop()


def _province_figures(app):
    with app.app_context():
        out = (province.province_total(YEAR, QUARTER),
               {r.key: r for r in province.by_dimension(YEAR, QUARTER, "strategy")},
               province.by_kabupaten(YEAR, QUARTER))
        db.session.remove()
    return out


def test_three_kabupaten_push_and_the_province_adds_up_to_the_sen(federation):
    kabupaten, port = federation["kabupaten"], federation["port"]
    # The first kabupaten also sends its report PDF (signed by hash in the bundle).
    pushes = [subprocess.Popen(
        [FLASK, "federation", "push", "--year", str(YEAR), "--quarter", str(QUARTER),
         "--url", f"http://127.0.0.1:{port}", "--token", k["token"],
         *(["--with-pdf"] if i == 0 else [])], env=k["env"], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for i, k in enumerate(kabupaten)]
    outs = [(proc.communicate(timeout=120)[0], proc.returncode) for proc in pushes]
    for out, code in outs:
        assert code == 0 and "Diterima provinsi" in out, (
            out, Path(federation["log"]).read_text()[-3000:])
    assert "Laporan PDF diterima" in outs[0][0]
    own = [k["own"] for k in kabupaten]
    prov_total, prov_strategy, members = _province_figures(federation["province"])
    assert prov_total.kabupaten == 3
    assert prov_total.tagged == sum(t.tagged for t, _ in own)
    assert prov_total.realized == sum(t.realized for t, _ in own)
    assert prov_total.realized > Decimal("1000000")
    assert prov_total.target == sum(t.target for t, _ in own)
    assert prov_total.reached == sum(t.reached for t, _ in own)
    for code in ("1", "2", "3"):
        assert prov_strategy[code].realized == sum(s[code].realized for _, s in own)
        assert prov_strategy[code].tagged == sum(s[code].tagged for _, s in own)
    # Each kabupaten's own total, kabupaten by kabupaten (different seeds, different figures).
    assert [m.figures.realized for m in members] == [t.realized for t, _ in own]
    assert len({t.realized for t, _ in own}) == 3
    with federation["province"].app_context():
        pdfs = db.session.execute(db.select(FederationBundle.has_pdf, FederationBundle.report_pdf)
                                  .order_by(FederationBundle.member_id)).all()
        db.session.remove()
    assert pdfs[0].has_pdf and pdfs[0].report_pdf.startswith(b"%PDF")
    assert not pdfs[1].has_pdf and not pdfs[2].has_pdf


def test_a_replayed_or_tampered_bundle_is_refused(federation):
    k, port = federation["kabupaten"][0], federation["port"]
    path = federation["tmp"] / "kab1-tw2.json"
    with k["app"].app_context():
        done = k["app"].test_cli_runner().invoke(args=[
            "federation", "export", "--year", str(YEAR), "--quarter", str(QUARTER), str(path)])
        db.session.remove()
    assert done.exit_code == 0, done.output
    data = path.read_bytes()
    tampered = json.loads(data)
    realized = Decimal(tampered["bundle"]["total"]["realized"])
    tampered["bundle"]["total"]["realized"] = str(realized + Decimal("0.01"))
    status, answer = _post(port, json.dumps(tampered).encode(), k["token"])
    assert status == 422 and "Tanda tangan tidak sah" in answer["message"]
    status, answer = _post(port, data, k["token"])  # newer than the push: a correction
    assert status == 201, answer
    status, answer = _post(port, data, k["token"])  # the same bundle again
    assert status == 409 and "ditolak" in answer["message"]
    # Another kabupaten's token cannot send it either.
    status, answer = _post(port, data, federation["kabupaten"][1]["token"])
    assert status == 403
    _, _, members = _province_figures(federation["province"])
    assert members[0].figures.realized == realized  # the tampered figure never counted
