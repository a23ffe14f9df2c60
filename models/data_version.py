"""One number that changes whenever data a report (or, later, the dashboard) reads changes.

Cached report files are keyed by it. The counter is bumped in the same transaction as the write,
just before commit, by a SQLAlchemy session event, so it is exact (a rolled-back write bumps
nothing), it is shared by every worker and node (it lives in the database), and it costs one
primary-key read to look up. The bump comes last in the transaction so that it can never be
part of a lock cycle: whoever holds the row only has its commit left to do.

Writes that bypass the ORM session (raw SQL, Core inserts of the bench generator) must call
`bump(connection)` themselves.
"""
from datetime import datetime

from sqlalchemy import DDL, BigInteger, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import db, utcnow

# The tables the report reads. Others (users, tokens, throttles, audit, the builds themselves)
# change often and never show in a report: a write to them must not invalidate every file.
WATCHED_TABLES = frozenset({
    "sub_activity", "tag", "tag_village", "realization", "realization_village", "submission",
    "district", "village", "village_year", "village_desil_count", "opd", "fiscal_year",
    "quarter", "pemda_settings", "strategy", "tag_kind", "funding_source",
    # issue 17: other sources at the lokus, themes, frameworks
    "other_intervention", "theme", "tag_theme", "framework", "framework_strategy",
    "strategy_mapping",
    # issue 16: households (the coverage figures and the report's coverage annex)
    "household_snapshot", "snapshot_village_count", "household", "household_member",
    "beneficiary_list", "beneficiary_household",
    "public_apbd_total",  # issue 29: the share of the APBD on the public portal
    "area_boundary",  # issue 27: the maps
    "verval_village",  # issue 28: an approved desa changes coverage (records alone do not)
})
_FLAG = "tagar_data_changed"


class DataVersion(db.Model):
    """A single row (id 1), created with the table."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


event.listen(DataVersion.__table__, "after_create",
             DDL("INSERT INTO data_version (id, value, updated_at) "
                 "VALUES (1, 0, CURRENT_TIMESTAMP)"))


def current_version(session=None) -> int:
    value = (session or db.session).scalar(select(DataVersion.value).where(DataVersion.id == 1))
    return int(value or 0)


def bump(connection) -> None:
    done = connection.execute(update(DataVersion).where(DataVersion.id == 1).values(
        value=DataVersion.value + 1, updated_at=utcnow()))
    if done.rowcount == 0:  # the row is missing (a hand-made schema): never count silently on 0
        connection.execute(insert(DataVersion).values(id=1, value=1, updated_at=utcnow()))


def _watched(obj) -> bool:
    return getattr(obj, "__tablename__", None) in WATCHED_TABLES


@event.listens_for(Session, "after_flush")
def _note_write(session, flush_context):
    # new/dirty/deleted still hold the flushed objects here.
    if not session.info.get(_FLAG) and any(
            _watched(o) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_FLAG] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state):
    if (state.is_update or state.is_delete or state.is_insert) and any(
            m.local_table.name in WATCHED_TABLES for m in state.all_mappers):
        state.session.info[_FLAG] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session):
    session.flush()  # the commit's own flush comes after this hook
    if session.info.pop(_FLAG, False):
        bump(session.connection())


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:  # rolled back (or committed): nothing left to count
        session.info.pop(_FLAG, None)
