"""issue 29: the public portal: its switch and licence, the year's total APBD belanja, the
published versions of open data; the login throttle learns the public API's request counter.

New tables hold no existing rows. The throttle's kind check is widened (and narrowed back on
downgrade, after deleting the public API's counters, which are only a rate limit's state).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# 0014 added 'login_device'.
OLD_KINDS = ("kind IN ('login_address', 'login_account', 'api_address', 'password_reset', "
             "'login_device')")
NEW_KINDS = ("kind IN ('login_address', 'login_account', 'api_address', 'password_reset', "
             "'login_device', 'public_api')")


def upgrade():
    op.create_table(
        "public_portal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("license_id", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("license_id IN ('CC-BY-4.0', 'CC0-1.0', 'ODC-BY-1.0')",
                           name=op.f("ck_public_portal_license_valid")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_portal")),
    )
    op.create_table(
        "public_apbd_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_id", sa.Integer(), nullable=False),
        sa.Column("belanja_murni", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("belanja_perubahan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("belanja_murni >= 0", name=op.f("ck_public_apbd_total_murni_nonneg")),
        sa.CheckConstraint("belanja_perubahan IS NULL OR belanja_perubahan >= 0",
                           name=op.f("ck_public_apbd_total_perubahan_nonneg")),
        sa.ForeignKeyConstraint(["fiscal_year_id"], ["fiscal_year.id"],
                                name=op.f("fk_public_apbd_total_fiscal_year_id_fiscal_year"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_apbd_total")),
        sa.UniqueConstraint("fiscal_year_id", name=op.f("uq_public_apbd_total_fiscal_year_id")),
    )
    op.create_table(
        "public_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["fiscal_year_id"], ["fiscal_year.id"],
                                name=op.f("fk_public_publication_fiscal_year_id_fiscal_year"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_publication")),
        sa.UniqueConstraint("fiscal_year_id", "digest",
                            name=op.f("uq_public_publication_fiscal_year_id_digest")),
        sa.UniqueConstraint("fiscal_year_id", "version",
                            name=op.f("uq_public_publication_fiscal_year_id_version")),
    )
    with op.batch_alter_table("public_publication", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_publication_fiscal_year_id"),
                              ["fiscal_year_id"], unique=False)
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_login_throttle_kind_valid"), type_="check")
        batch_op.create_check_constraint("kind_valid", NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM login_throttle WHERE kind = 'public_api'")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_login_throttle_kind_valid"), type_="check")
        batch_op.create_check_constraint("kind_valid", OLD_KINDS)
    with op.batch_alter_table("public_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_publication_fiscal_year_id"))
    op.drop_table("public_publication")
    op.drop_table("public_apbd_total")
    op.drop_table("public_portal")
