"""issue 26: screening the APBD -- suggestion decisions and the imported province reference.

New tables only; no existing rows to carry over.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sub_activity_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("strategy_code", sa.Integer(), nullable=True),
        sa.Column("tag_kind_code", sa.String(length=20), nullable=True),
        sa.Column("score", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'rejected')",
                           name=op.f("ck_suggestion_decision_decision_valid")),
        sa.CheckConstraint("strategy_code IS NULL OR strategy_code BETWEEN 1 AND 3",
                           name=op.f("ck_suggestion_decision_strategy_range")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"],
                                name=op.f("fk_suggestion_decision_decided_by_id_user"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["sub_activity_id"], ["sub_activity.id"],
                                name=op.f("fk_suggestion_decision_sub_activity_id_sub_activity"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"],
                                name=op.f("fk_suggestion_decision_tag_id_tag"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decision")),
        sa.UniqueConstraint("sub_activity_id",
                            name=op.f("uq_suggestion_decision_sub_activity_id")),
    )
    with op.batch_alter_table("suggestion_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_decision_code"), ["code"], unique=False)
    op.create_table(
        "province_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_name", sa.String(length=200), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["imported_by_id"], ["user.id"],
                                name=op.f("fk_province_reference_imported_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_province_reference")),
    )
    op.create_table(
        "province_reference_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("dimension", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("kabupaten", sa.Integer(), nullable=False),
        sa.CheckConstraint("dimension IN ('any', 'strategy', 'kind')",
                           name=op.f("ck_province_reference_row_dimension_valid")),
        sa.CheckConstraint("kabupaten >= 0",
                           name=op.f("ck_province_reference_row_kabupaten_nonnegative")),
        sa.ForeignKeyConstraint(["reference_id"], ["province_reference.id"],
                                name=op.f("fk_province_reference_row_reference_id_"
                                          "province_reference"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_province_reference_row")),
    )
    with op.batch_alter_table("province_reference_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_province_reference_row_code"), ["code"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_province_reference_row_reference_id"),
                              ["reference_id"], unique=False)


def downgrade():
    with op.batch_alter_table("province_reference_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_province_reference_row_reference_id"))
        batch_op.drop_index(batch_op.f("ix_province_reference_row_code"))
    op.drop_table("province_reference_row")
    op.drop_table("province_reference")
    with op.batch_alter_table("suggestion_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_decision_code"))
    op.drop_table("suggestion_decision")
