"""Privacy of household coverage (issue 16, UU 27/2022): after BNBA and beneficiary files of
fake NIKs (with names in an extra column) went through preview and commit, no NIK, KK number
or name is found in any table, the logs, the instance folder, the job queue's storage or the
staged previews; the hash depends on the key; only the secretariat reaches the lookup and the
pseudonymous list."""
import io
import logging
import re

import pytest
from sqlalchemy import select

from app.coverage import keys
from config import INSTANCE_DIR
from models import Household, ImportJob, db

from . import coverage_files as cf
from .test_coverage import import_bnba, preview_bnba, save_list, token_of, upload_list, world

__all__ = ["world"]  # the fixture, shared with test_coverage


def secrets_of(world_rows, extra_ids=()) -> list[bytes]:
    """Every identifying text of the files, as bytes to look for in raw storage."""
    out = []
    for r in world_rows:
        out += [r[1], r[2], r[3]]  # NIK, name, KK
    for i in extra_ids:
        out += [cf.nik(i), cf.name(i)]
    return sorted({s.encode() for s in out})


def dump_tables() -> bytes:
    """Every row of every table, values as text and raw bytes, in one blob."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            for value in row:
                if isinstance(value, bytes | memoryview):
                    parts.append(bytes(value))
                else:
                    parts.append(str(value).encode())
    return b"\n".join(parts)


def assert_absent(blob: bytes, needles: list[bytes], where: str):
    found = [n.decode() for n in needles if n in blob]
    assert not found, f"{len(found)} identifiers found in {where}: {found[:3]}"


def test_no_identifier_in_tables_logs_or_staging(client, login, world, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, the request log included
    login(world["users"]["sec"])
    resp = preview_bnba(client, cf.xlsx_bytes(cf.BNBA_HEADER, world["rows"]),
                        filename="bnba.xlsx")
    needles = secrets_of(world["rows"], extra_ids=(500,))
    staged = db.session.scalar(select(ImportJob).where(ImportJob.kind == "bnba"))
    assert staged.data and len(staged.data) > 12 * 32  # hashes are staged...
    assert_absent(dump_tables(), needles, "the staged BNBA preview")  # ...never a NIK
    client.post("/cakupan/bnba/simpan", data={"token": token_of(resp)})
    login(world["users"]["a"])
    resp = upload_list(client, world["tags"]["a1"], 1, [1, 2, 3, 500], fmt="xlsx")
    assert_absent(dump_tables(), needles, "the staged list preview")
    client.post(f"/cakupan/penerima/{world['tags']['a1'].id}/simpan",
                data={"token": token_of(resp)})
    save_list(client, world["tags"]["a2"], 2, [4, 500])
    login(world["users"]["sec"])
    client.post("/cakupan/cek-nik", data={"nik": cf.nik(1)})
    client.post("/cakupan/cek-nik", data={"nik": cf.nik(500)})
    for url in ("/cakupan/", "/cakupan/belum-terjangkau", "/cakupan/bnba"):
        page = client.get(url).get_data()
        assert_absent(page, needles, url)
    blob = dump_tables()
    assert db.session.scalar(select(Household.id)) is not None  # the data is there...
    assert_absent(blob, needles, "the database")  # ...by hash only
    logs = "\n".join(r.getMessage() for r in caplog.records).encode()
    assert caplog.records  # the request log did record the requests
    assert_absent(logs, needles, "the log")
    assert_absent(logs + blob, [cf.nik(1).encode()[:12]], "log or database (NIK prefix)")


def test_nothing_written_to_the_instance_folder(client, login, world):
    before = {p: p.stat().st_mtime for p in INSTANCE_DIR.rglob("*") if p.is_file()} \
        if INSTANCE_DIR.exists() else {}
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    after = {p: p.stat().st_mtime for p in INSTANCE_DIR.rglob("*") if p.is_file()} \
        if INSTANCE_DIR.exists() else {}
    changed = [p for p in after if before.get(p) != after[p]
               and p.suffix not in (".db-wal", ".db-shm")]
    needles = secrets_of(world["rows"])
    for path in changed:
        if path.stat().st_size < 50 * 1024 * 1024:
            assert_absent(path.read_bytes(), needles, str(path))


def test_hash_depends_on_the_key():
    a = keys.Hasher(b"a" * 40)
    b = keys.Hasher(b"b" * 40)
    nik = cf.nik(1)
    assert a(keys.MEMBER, nik) != b(keys.MEMBER, nik)
    assert a.check != b.check
    # domains apart: a member's hash is never a household's
    assert a(keys.MEMBER, nik) != a(keys.HEAD, nik) != a(keys.FAMILY, nik)
    import hashlib

    assert a(keys.MEMBER, nik) != hashlib.sha256(nik.encode()).digest()  # not a plain hash


def test_changed_key_refuses_matching_until_reimport(app, client, login, world, monkeypatch):
    login(world["users"]["sec"])
    import_bnba(client, world["rows"])
    first = set(db.session.scalars(select(Household.hash)))
    monkeypatch.setitem(app.config, "HOUSEHOLD_KEY", "another-household-key-" + "9" * 30)
    login(world["users"]["a"])
    page = upload_list(client, world["tags"]["a1"], 1, [1]).get_data(as_text=True)
    assert "Kunci hash telah diganti" in page
    login(world["users"]["sec"])
    assert "Kunci hash rumah tangga berbeda" in client.get("/cakupan/").get_data(as_text=True)
    import_bnba(client, world["rows"], taken_on="2026-02-28")
    second = set(db.session.scalars(select(Household.hash)))
    assert len(second - first) == 6  # re-import under the new key: new hashes


@pytest.mark.parametrize("who,allowed", [("sec", True), ("viewer", False), ("a", False)])
def test_only_the_secretariat_reaches_lookup_and_list(client, login, world, who, allowed):
    login(world["users"][who])
    for method, url, data in (("get", "/cakupan/cek-nik", None),
                              ("post", "/cakupan/cek-nik", {"nik": cf.nik(1)}),
                              ("get", "/cakupan/belum-terjangkau", None),
                              ("get", "/cakupan/bnba", None)):
        resp = getattr(client, method)(url, data=data)
        assert (resp.status_code == 200) if allowed else (resp.status_code == 403), url


def test_uploads_never_spool_to_a_temporary_file(app, client, login, world, monkeypatch):
    """werkzeug writes an upload above 500 KB to a temporary file; this blueprint's stay in
    memory (a BNBA or NIK list must not touch the disk, not even unlinked)."""
    import werkzeug.wrappers.request as wrequest

    def spooled(*args, **kwargs):
        raise AssertionError("an upload went to werkzeug's temporary file")

    monkeypatch.setattr(wrequest, "default_stream_factory", spooled)
    login(world["users"]["sec"])
    rows = world["rows"] + [cf.member(100 + i, 100 + i // 3, world["villages"][0], 1)
                            for i in range(9000)]
    body, ctype = cf.multipart({"source": "DTSEN", "taken_on": "2026-01-31"},
                               {"file": ("bnba.csv", cf.csv_bytes(cf.BNBA_HEADER, rows))})
    assert len(body) > 600 * 1024
    resp = client.post("/cakupan/bnba", data=body, content_type=ctype)
    assert "9.012 anggota" in resp.get_data(as_text=True)
    client.post("/cakupan/bnba/simpan", data={"token": token_of(resp)})
    login(world["users"]["a"])
    niks = cf.csv_bytes(cf.LIST_HEADER, cf.beneficiary_rows(list(range(100, 9100)) * 2))
    body, ctype = cf.multipart({"quarter": "1"}, {"file": ("p.csv", niks)})
    assert len(body) > 600 * 1024
    resp = client.post(f"/cakupan/penerima/{world['tags']['a1'].id}", data=body,
                       content_type=ctype)
    page = resp.get_data(as_text=True)
    assert re.search(r"NIK ganda</th><td class=\"num\">9.000<", page), page[-3000:]


def test_only_the_secretariat_bnba_upload_exceeds_the_app_limit(app, client, login, world,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    data = cf.csv_bytes(cf.BNBA_HEADER, [cf.member(i, i, world["villages"][0], 1)
                                         for i in range(1, 2001)])
    assert len(data) > 64 * 1024
    login(world["users"]["sec"])
    assert "2.000 anggota" in preview_bnba(client, data).get_data(as_text=True)
    login(world["users"]["a"])
    resp = client.post(f"/cakupan/penerima/{world['tags']['a1'].id}", data={
        "quarter": "1", "file": (io.BytesIO(data), "p.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 413
