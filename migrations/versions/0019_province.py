"""issue 30: the province as its people live it.

- pemda_settings: the Sekretaris Daerah (name, NIP), a province report's third signatory;
  existing rows get empty values.
- federation_bundle.letterhead_name: the region on the kabupaten's letterhead when it signed
  (empty for bundles received before this revision: nothing to flag).
- federation_refusal: every refused push or upload (kabupaten, reason, size, address, when);
  a new table, no rows to carry over.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pemda_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secretary_name", sa.String(length=120),
                                      server_default="", nullable=False))
        batch_op.add_column(sa.Column("secretary_nip", sa.String(length=30),
                                      server_default="", nullable=False))
    with op.batch_alter_table("federation_bundle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letterhead_name", sa.String(length=120),
                                      server_default="", nullable=False))
    op.create_table(
        "federation_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("claimed_code", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("refused_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("source IN ('api', 'upload')",
                           name=op.f("ck_federation_refusal_source_valid")),
        sa.ForeignKeyConstraint(["member_id"], ["federation_member.id"],
                                name=op.f("fk_federation_refusal_member_id_federation_member"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_federation_refusal_user_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_refusal")),
    )
    with op.batch_alter_table("federation_refusal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_federation_refusal_member_id"), ["member_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_federation_refusal_refused_at"), ["refused_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("federation_refusal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_federation_refusal_refused_at"))
        batch_op.drop_index(batch_op.f("ix_federation_refusal_member_id"))
    op.drop_table("federation_refusal")
    with op.batch_alter_table("federation_bundle", schema=None) as batch_op:
        batch_op.drop_column("letterhead_name")
    with op.batch_alter_table("pemda_settings", schema=None) as batch_op:
        batch_op.drop_column("secretary_nip")
        batch_op.drop_column("secretary_name")
