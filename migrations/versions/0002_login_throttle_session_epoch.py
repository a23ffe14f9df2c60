"""Login throttling per address and (account, address); per-user session epoch.

The account-wide lock (user.failed_logins, user.locked_until) is replaced by the
login_throttle table: a lock anyone could trigger becomes a delay for the guessing address.
Locks still running at upgrade time are noted in the audit log (and lifted: the new rules
never lock an account as such); failure counts carry no address and start afresh.
Existing users get session epoch 0, so sessions opened before the upgrade (whose cookies
carry no epoch) must log in once more.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 07:30:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_throttle_failures_nonneg")),
        sa.CheckConstraint("kind IN ('login_address', 'login_account', 'api_address')",
                           name=op.f("ck_login_throttle_kind_valid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("key", name=op.f("uq_login_throttle_key")),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttle_last_failure_at"),
                              ["last_failure_at"], unique=False)

    _audit_running_locks()
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.drop_constraint(batch_op.f("ck_user_failed_logins_nonneg"), type_="check")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def _audit_running_locks():
    user = sa.table("user", sa.column("id", sa.Integer), sa.column("locked_until", sa.DateTime))
    audit = sa.table("audit_log", sa.column("at", sa.DateTime), sa.column("action", sa.String),
                     sa.column("entity", sa.String), sa.column("entity_id", sa.Integer),
                     sa.column("old_values", sa.JSON), sa.column("note", sa.String),
                     sa.column("ip", sa.String))
    t = datetime.now(UTC).replace(tzinfo=None)
    conn = op.get_bind()
    locked = conn.execute(sa.select(user.c.id, user.c.locked_until)
                          .where(user.c.locked_until > t)).all()
    if locked:
        op.bulk_insert(audit, [{
            "at": t, "action": "unlock", "entity": "user", "entity_id": uid,
            "old_values": {"locked_until": until.isoformat()},
            "note": "Kunci akun dilepas oleh migrasi 0002: pembatasan kini per alamat", "ip": "",
        } for uid, until in locked])


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(batch_op.f("ck_user_failed_logins_nonneg"),
                                         "failed_logins >= 0")
        batch_op.drop_column("session_epoch")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("failed_logins", server_default=None)

    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_last_failure_at"))
    op.drop_table("login_throttle")
