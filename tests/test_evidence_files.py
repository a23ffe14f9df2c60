"""Evidence files follow their transaction: written under a temporary name, moved to their key
only when the row commits, deleted when it rolls back; `flask evidence prune` cleans up what a
crash leaves (files no row names, stale temporary files, a move cut short)."""
import os
import time

from app.core.errors import ServiceError
from app.cycle import evidence as service
from models import Evidence, db

from .test_evidence import PDF, _upload, store, w  # noqa: F401  (fixtures)


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_rolled_back_upload_leaves_no_file(client, store, w, monkeypatch):  # noqa: F811
    def fail(*args, **kwargs):
        raise ServiceError("Audit gagal (uji).")

    # The row is flushed and the bytes are written, then a later step of the request fails.
    monkeypatch.setattr(service.audit, "record_create", fail)
    resp = _upload(client, w, PDF)
    assert resp.status_code == 302
    assert db.session.query(Evidence).count() == 0
    assert _files(store) == []  # neither the final file nor its temporary one


def test_committed_upload_is_moved_to_its_key(client, store, w):  # noqa: F811
    assert _upload(client, w, PDF).status_code == 302
    ev = db.session.query(Evidence).one()
    assert _files(store) == [ev.storage_key]
    assert (store / ev.storage_key).read_bytes() == PDF


def test_service_attach_then_rollback_deletes_the_temporary_file(store, w):  # noqa: F811
    import io

    r = service.realization_of(w["tag"].id, w["q"].id, w["opd"].id)
    service.attach(r, io.BytesIO(PDF), "sp2d.pdf", w["officer"])
    assert [n for n in _files(store) if n.endswith(".part")]  # written, not yet moved
    db.session.rollback()
    assert _files(store) == []


def test_prune_command_matches_the_folder_to_the_rows(app, client, store, w):  # noqa: F811
    assert _upload(client, w, PDF).status_code == 302
    kept = db.session.query(Evidence).one()
    orphan = store / ("a" * 32)
    orphan.write_bytes(b"no row names me")
    stale = store / f".{'b' * 32}.part"
    stale.write_bytes(b"upload that died")
    old = time.time() - 2 * service.PART_GRACE_SECONDS
    os.utime(stale, (old, old))
    recent = store / f".{'c' * 32}.part"
    recent.write_bytes(b"upload in progress")
    # A commit whose move a crash cut short: the row exists, only its .part is on disk.
    os.replace(store / kept.storage_key, store / f".{kept.storage_key}.part")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["evidence", "prune", "--dry-run"])
    assert dry.exit_code == 0 and "(uji) 2 berkas yatim dihapus, 1 dipindahkan" in dry.output
    assert orphan.exists() and stale.exists()
    result = runner.invoke(args=["evidence", "prune"])
    assert result.exit_code == 0, result.output
    assert "2 berkas yatim dihapus, 1 dipindahkan, 1 unggahan baru dibiarkan, 0 baris" \
        in result.output
    assert _files(store) == sorted([kept.storage_key, recent.name])
    assert (store / kept.storage_key).read_bytes() == PDF
    assert client.get(f"/realisasi/bukti/{kept.id}").data == PDF
