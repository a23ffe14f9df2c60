"""issue 12/14 leftovers: evidence requests ("minta bukti dukung").

The reviewer's request for evidence on a tag's figure for a quarter; a new table, no existing
rows to carry over.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("quarter_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'fulfilled', 'cancelled')",
                           name=op.f("ck_evidence_request_status_valid")),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"],
                                name=op.f("fk_evidence_request_opd_id_opd")),
        sa.ForeignKeyConstraint(["quarter_id"], ["quarter.id"],
                                name=op.f("fk_evidence_request_quarter_id_quarter"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user.id"],
                                name=op.f("fk_evidence_request_requested_by_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"],
                                name=op.f("fk_evidence_request_tag_id_tag"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_request")),
    )
    with op.batch_alter_table("evidence_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_request_opd_id"), ["opd_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_request_tag_id"), ["tag_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evidence_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_request_tag_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_request_opd_id"))
    op.drop_table("evidence_request")
