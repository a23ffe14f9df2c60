"""Imports between preview and commit (import_job): the uploaded file or the counts read from
it, kept in the database so that any app node or queue worker can commit them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=True),
        sa.Column("fiscal_year_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('sipd', 'lokus')", name=op.f("ck_import_job_kind_valid")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100",
                           name=op.f("ck_import_job_progress_range")),
        sa.CheckConstraint("status IN ('preview', 'queued', 'running', 'done', 'failed')",
                           name=op.f("ck_import_job_status_valid")),
        sa.ForeignKeyConstraint(["fiscal_year_id"], ["fiscal_year.id"],
                                name=op.f("fk_import_job_fiscal_year_id_fiscal_year"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_import_job_opd_id_opd"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_import_job_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
        sa.UniqueConstraint("token", name=op.f("uq_import_job_token")),
    )
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_job_created_at"), ["created_at"],
                              unique=False)
        batch_op.create_index("ix_import_job_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_job_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_job_user_id"))
        batch_op.drop_index("ix_import_job_status")
        batch_op.drop_index(batch_op.f("ix_import_job_created_at"))
    op.drop_table("import_job")
