"""Issue 30: the README's province walkthrough, run as written (the shell block between the
walkthrough markers, in bash, from the project root): one province and two generated
kabupaten, each its own directory and SQLite database under a temporary directory given as a
path relative to the project root (the rule of config.from_root), two pushes, the totals and
the governor's report. Then the figures are checked against each kabupaten's own database.
"""
import os
import re
import signal
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from bench.servers import ROOT, free_port
from config import TestConfig
from models import FederationBundle, FiscalYear, User, db
from reports.queries.rollup import RollupFilter, total

pytestmark = [
    pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "flask").exists(),
                       reason="the walkthrough runs .venv/bin/flask"),
    # The walkthrough is SQLite by design (its own files); once per CI run is enough.
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                       reason="the README walkthrough runs on SQLite files"),
]


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's rolled-back transaction: the instances here are other processes."""
    yield


def walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- walkthrough:begin -->", 1)[1].split("<!-- walkthrough:end -->")[0]
    return block.split("```sh\n", 1)[1].rsplit("```", 1)[0]


def _own_total(url: str):
    """A kabupaten's own verified total at TW II, from its own database."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        fy = db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == 2026))
        t = total(RollupFilter(fiscal_year_id=fy, quarter=2, verified_only=True))
        users = dict(db.session.execute(select(User.username, User.role)).all())
        db.session.remove()
        db.engine.dispose()
    return t, users


def test_the_readme_province_walkthrough_runs_as_written(tmp_path):
    work = tmp_path / "w"
    relative = os.path.relpath(work, ROOT)  # relative to the project root, not to the cwd
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TAGAR_", "DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY",
                                "FLASK_"))}
    env.update(W=relative, PORT=str(free_port()), TAGAR_REQUEST_LOG="0")
    proc = subprocess.Popen(["bash", "-euo", "pipefail", "-c", walkthrough()], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # the province server, should the script have stopped before `kill`
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    log = work / "provinsi.log"
    assert proc.returncode == 0, out[-4000:] + (log.read_text()[-2000:] if log.exists() else "")
    assert "Laporan PDF diterima" in out

    # The totals the province printed equal each kabupaten's own verified figures.
    lines = dict(re.findall(r"^(10\.0[12]|JUMLAH)\t.*\t([\d.]+)\t([\d.]+)$", out, re.M)
                 and [(m[0], (Decimal(m[1]), Decimal(m[2]))) for m in re.findall(
                     r"^(10\.0[12]|JUMLAH)\t[^\t]*\t([\d.]+)\t([\d.]+)$", out, re.M)])
    own_a, users_a = _own_total(f"sqlite:///{work / 'kab-a.db'}")
    own_b, users_b = _own_total(f"sqlite:///{work / 'kab-b.db'}")
    assert lines["10.01"] == (own_a.tagged, own_a.realized)
    assert lines["10.02"] == (own_b.tagged, own_b.realized)
    assert own_a.realized != own_b.realized  # different seeds, different kabupaten
    assert lines["JUMLAH"] == (own_a.tagged + own_b.tagged, own_a.realized + own_b.realized)
    assert users_a == users_b == {"admin": "admin", "sekretariat": "secretariat"}

    # Relative paths landed where the rule says: under the temporary directory.
    for name in ("provinsi.db", "kab-a.db", "kab-b.db", "provinsi/secret_key",
                 "kab-a/federation_ed25519.pem"):
        assert (work / name).exists(), name
    province = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{work / 'provinsi.db'}")
    with province.app_context():
        bundles = db.session.scalars(select(FederationBundle)).all()
        assert len(bundles) == 2 and all(b.has_pdf for b in bundles)
        db.session.remove()
        db.engine.dispose()

    # The governor's report: the province's letterhead and signatories, 2 of 2, the targets.
    text = subprocess.run(["pdftotext", str(work / "laporan-gubernur.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    for expected in ("PEMERINTAH PROVINSI CONTOH", "Jl. Gubernuran No. 1", "Dr. Rahmat Hidayat",
                     "Ir. Siti Aminah", "Drs. Budi Santoso", "Gubernur Contoh",
                     "2 dari 2 kabupaten/kota", "Sasaran", "Terjangkau", "Kabupaten Uji A",
                     "Kabupaten Uji B"):
        assert expected in text, expected
    assert "Bupati" not in text and "Lembah Harapan" not in text
    assert Path(work / "provinsi.log").exists()
