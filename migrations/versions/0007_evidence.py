"""Evidence files (bukti dukung, issue 14): one row per file attached to a tag's realization
for a quarter; the bytes are stored outside the database under storage_key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realization_id", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')",
                           name=op.f("ck_evidence_type_valid")),
        sa.CheckConstraint("size > 0", name=op.f("ck_evidence_size_positive")),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_evidence_opd_id_opd")),
        sa.ForeignKeyConstraint(["realization_id"], ["realization.id"],
                                name=op.f("fk_evidence_realization_id_realization"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"],
                                name=op.f("fk_evidence_uploaded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_evidence_storage_key")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_opd_id"), ["opd_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_realization_id"), ["realization_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_realization_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_opd_id"))
    op.drop_table("evidence")
