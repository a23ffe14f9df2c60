"""The trained model: trained once, kept, retrained in the background when decisions pile up.

A request never trains when a model exists: it uses the one in memory, or the newest file in
SCREENING_MODEL_DIR (written by the `suggest.train` job or `flask suggest train`; every process
picks up a newer file by its modification time). Only when neither exists does the first
request train (a few seconds) and store the result. Decisions reach suggestions at once through
the evidence layers (suggest.py); retraining teaches the model the words behind them.

Training rows, by weight: the kabupaten's decisions (5; rejected ones as not relevant) and its
tags of every year (3), the province's consensus per code (2), the shipped reference (1).
The model file is written by this application only (pickle); it holds no personal data.
"""
import logging
import os
import pickle
import tempfile
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from models import (
    Opd,
    ProvinceReference,
    ProvinceReferenceRow,
    Strategy,
    SubActivity,
    SuggestionDecision,
    Tag,
    TagKind,
    db,
    utcnow,
)

from . import reference
from .evidence import gather
from .model import TrainedModel, TrainRow

log = logging.getLogger(__name__)
MODEL_VERSION = 3  # bump when model.py or text.py change how a model reads: old files retrain
RETRAIN_AFTER = 10  # new decisions since the model was trained before the job retrains it
_LOCK = threading.Lock()
_MEMORY: dict = {"model": None, "mtime": None, "path": None}


def model_path() -> Path:
    return Path(current_app.config["SCREENING_MODEL_DIR"]) / "model.pkl"


def _item(sa_row) -> dict:
    return {"code": sa_row.code, "name": sa_row.name, "program": sa_row.program_name,
            "activity": sa_row.activity_name, "opd_name": sa_row.opd_name}


def training_rows() -> list[TrainRow]:
    rows = [TrainRow({"code": r["code"], "name": r["name"], "program": r["program_name"],
                      "activity": r["activity_name"]}, r["relevant"], r["strategy"], r["kind"],
                     1.0) for r in reference.load()]
    lines = (select(SubActivity.id, SubActivity.code, SubActivity.name,
                    SubActivity.program_name, SubActivity.activity_name,
                    Opd.name.label("opd_name"))
             .join(Opd, Opd.id == SubActivity.opd_id))
    # Own tags of every year: the largest tag of each line names its strategy and kelompok.
    tagged = {}
    for sa_id, strategy, kind, amount in db.session.execute(
            select(Tag.sub_activity_id, Strategy.code, TagKind.code, Tag.amount)
            .join(Strategy, Strategy.id == Tag.strategy_id)
            .join(TagKind, TagKind.id == Tag.tag_kind_id)):
        if sa_id not in tagged or amount > tagged[sa_id][2]:
            tagged[sa_id] = (strategy, kind, amount)
    decided = {d.sub_activity_id: d for d in db.session.scalars(select(SuggestionDecision))}
    wanted = set(tagged) | set(decided)
    if wanted:
        for row in db.session.execute(lines.where(SubActivity.id.in_(wanted))):
            d = decided.get(row.id)
            if d is not None and d.decision == "rejected":
                rows.append(TrainRow(_item(row), False, weight=5.0))
            elif d is not None:
                rows.append(TrainRow(_item(row), True, d.strategy_code, d.tag_kind_code, 5.0))
            elif row.id in tagged:
                strategy, kind, _amount = tagged[row.id]
                rows.append(TrainRow(_item(row), True, strategy, kind, 3.0))
    evidence = gather(None)
    names = {code: name for code, name in db.session.execute(
        select(ProvinceReferenceRow.code, ProvinceReferenceRow.name)
        .join(ProvinceReference, ProvinceReference.id == ProvinceReferenceRow.reference_id)
        .where(ProvinceReference.is_current, ProvinceReferenceRow.dimension == "any"))}
    for code, c in evidence.province.items():
        if not c.members or not names.get(code):
            continue
        item = {"code": code, "name": names[code]}
        if c.tagged * 2 >= c.members and c.strategy and c.kind:
            rows.append(TrainRow(item, True, c.strategy.most_common(1)[0][0],
                                 c.kind.most_common(1)[0][0], 2.0))
        elif c.tagged == 0:
            rows.append(TrainRow(item, False, weight=2.0))
    return rows


def _fingerprint() -> str:
    return f"{MODEL_VERSION}:{reference.meta()['sha256']}"


def decisions_since(when) -> int:
    q = select(func.count(SuggestionDecision.id))
    if when is not None:
        q = q.where(SuggestionDecision.decided_at > when)
    return db.session.scalar(q) or 0


def train() -> TrainedModel:
    """Train from the shipped and local data and store the model (job and CLI)."""
    started = utcnow()
    model = TrainedModel(training_rows(), fingerprint=_fingerprint())
    model.trained_at = started
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)  # readers see the old file or the new one, never half of one
    with _LOCK:
        _MEMORY.update(model=model, mtime=path.stat().st_mtime, path=path)
    return model


def current() -> TrainedModel:
    path = model_path()
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        mtime = None
    with _LOCK:
        model = _MEMORY["model"]
        if model is not None and (mtime is None or (_MEMORY["path"] == path
                                                     and _MEMORY["mtime"] == mtime)):
            return model
    if mtime is not None:
        try:
            with path.open("rb") as fh:
                loaded = pickle.load(fh)  # noqa: S301 -- our own file, written by train()
            if getattr(loaded, "fingerprint", None) == _fingerprint():
                with _LOCK:
                    _MEMORY.update(model=loaded, mtime=mtime, path=path)
                return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("screening model unreadable, retraining: %s", exc)
    if model is not None:
        return model  # a file went missing: keep serving, the next job writes a new one
    with _LOCK:
        if _MEMORY["model"] is not None:
            return _MEMORY["model"]
    return train()


def available() -> bool:
    return _MEMORY["model"] is not None or model_path().exists()


def retrain_due() -> bool:
    """Decisions taken since the model in use was trained reach SCREENING_RETRAIN_AFTER."""
    model = _MEMORY["model"]
    since = getattr(model, "trained_at", None) if model is not None else None
    return decisions_since(since) >= int(current_app.config.get("SCREENING_RETRAIN_AFTER",
                                                                RETRAIN_AFTER))


def run_train() -> None:
    """Job `suggest.train`."""
    train()
