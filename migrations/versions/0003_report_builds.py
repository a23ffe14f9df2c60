"""Reports built in the background (report_build) and the data version their files are keyed by.

data_version holds one row (id 1); the app bumps it on every committed write to the tables a
report reads, so a stored file is reused only while the data it shows is unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 08:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    data_version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(data_version, [
        {"id": 1, "value": 0, "updated_at": datetime.now(UTC).replace(tzinfo=None)}])
    op.create_table(
        "report_build",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("variant", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("semester", sa.Integer(), nullable=True),
        sa.Column("opd_id", sa.Integer(), nullable=True),
        sa.Column("include_unverified", sa.Boolean(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=False),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('pdf', 'xlsx')", name=op.f("ck_report_build_kind_valid")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100",
                           name=op.f("ck_report_build_progress_range")),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f("ck_report_build_status_valid")),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_report_build_opd_id_opd")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user.id"],
                                name=op.f("fk_report_build_requested_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_build")),
    )
    with op.batch_alter_table("report_build", schema=None) as batch_op:
        batch_op.create_index("ix_report_build_cache_key_status", ["cache_key", "status"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_report_build_created_at"), ["created_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_report_build_opd_id"), ["opd_id"], unique=False)
        batch_op.create_index("ix_report_build_request_key", ["request_key"], unique=False)


def downgrade():
    with op.batch_alter_table("report_build", schema=None) as batch_op:
        batch_op.drop_index("ix_report_build_request_key")
        batch_op.drop_index(batch_op.f("ix_report_build_opd_id"))
        batch_op.drop_index(batch_op.f("ix_report_build_created_at"))
        batch_op.drop_index("ix_report_build_cache_key_status")
    op.drop_table("report_build")
    op.drop_table("data_version")
