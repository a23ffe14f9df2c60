"""issue 18 province mode, kabupaten registry, bundles.

The kabupaten export log, the province registry, its bundles and their rows; the role
"provinsi" joins the user role check.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


PERIOD_KIND = "period_kind IN ('quarter', 'semester')"
PERIOD_NUMBER = ("(period_kind = 'quarter' AND period_number BETWEEN 1 AND 4) OR "
                 "(period_kind = 'semester' AND period_number BETWEEN 1 AND 2)")
DIMENSION = ("dimension IN ('total', 'strategy', 'tag_kind', 'opd', 'funding_source', "
             "'district', 'theme')")
OLD_ROLES = "role IN ('opd', 'secretariat', 'viewer', 'admin')"
NEW_ROLES = "role IN ('opd', 'secretariat', 'viewer', 'admin', 'provinsi')"


def _money(name):
    return sa.Column(name, sa.Numeric(precision=18, scale=2), nullable=False)


def upgrade():
    op.create_table(
        "federation_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_number", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("pushed_to", sa.String(length=300), nullable=False),
        sa.Column("push_status", sa.String(length=300), nullable=False),
        sa.CheckConstraint(PERIOD_KIND, name=op.f("ck_federation_export_period_kind_valid")),
        sa.CheckConstraint(PERIOD_NUMBER,
                           name=op.f("ck_federation_export_period_number_range")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], ondelete="SET NULL",
                                name=op.f("fk_federation_export_created_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_export")),
        sa.UniqueConstraint("sequence", name=op.f("uq_federation_export_sequence")),
    )
    op.create_table(
        "federation_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("token_prefix", sa.String(length=12), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_member")),
        sa.UniqueConstraint("code", name=op.f("uq_federation_member_code")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_federation_member_token_hash")),
    )
    op.create_table(
        "federation_bundle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_number", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        _money("tagged"),
        _money("realized"),
        sa.Column("has_pdf", sa.Boolean(), nullable=False),
        sa.Column("report_sha256", sa.String(length=64), nullable=False),
        sa.Column("report_name", sa.String(length=200), nullable=False),
        sa.Column("report_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.CheckConstraint(PERIOD_KIND, name=op.f("ck_federation_bundle_period_kind_valid")),
        sa.CheckConstraint(PERIOD_NUMBER,
                           name=op.f("ck_federation_bundle_period_number_range")),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4",
                           name=op.f("ck_federation_bundle_quarter_range")),
        sa.CheckConstraint("source IN ('api', 'upload')",
                           name=op.f("ck_federation_bundle_source_valid")),
        sa.ForeignKeyConstraint(["member_id"], ["federation_member.id"],
                                name=op.f("fk_federation_bundle_member_id_federation_member")),
        sa.ForeignKeyConstraint(["received_by_id"], ["user.id"], ondelete="SET NULL",
                                name=op.f("fk_federation_bundle_received_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_bundle")),
        sa.UniqueConstraint("member_id", "fiscal_year", "period_kind", "period_number",
                            "sequence", name="uq_federation_bundle_sequence"),
    )
    with op.batch_alter_table("federation_bundle", schema=None) as batch_op:
        batch_op.create_index("ix_federation_bundle_current",
                              ["fiscal_year", "quarter", "is_current"], unique=False)
        batch_op.create_index("ix_federation_bundle_member",
                              ["member_id", "fiscal_year", "period_kind", "period_number"],
                              unique=False)
    op.create_table(
        "federation_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=400), nullable=False),
        sa.Column("tags", sa.Integer(), nullable=False),
        _money("tagged"),
        _money("realized"),
        sa.Column("physical", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("reached", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(DIMENSION, name=op.f("ck_federation_row_dimension_valid")),
        sa.ForeignKeyConstraint(["bundle_id"], ["federation_bundle.id"], ondelete="CASCADE",
                                name=op.f("fk_federation_row_bundle_id_federation_bundle")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_row")),
    )
    op.create_table(
        "federation_lokus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=120), nullable=False),
        sa.Column("village_code", sa.String(length=30), nullable=False),
        sa.Column("village_name", sa.String(length=120), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("interventions", sa.Integer(), nullable=False),
        sa.Column("strategies", sa.String(length=20), nullable=False),
        sa.Column("convergence", sa.Integer(), nullable=False),
        sa.Column("opds", sa.Text(), nullable=False),
        _money("tagged"),
        _money("realized"),
        sa.ForeignKeyConstraint(["bundle_id"], ["federation_bundle.id"], ondelete="CASCADE",
                                name=op.f("fk_federation_lokus_bundle_id_federation_bundle")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_lokus")),
    )
    op.create_table(
        "federation_matrix_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("strategy_code", sa.Integer(), nullable=False),
        sa.Column("opd_code", sa.String(length=40), nullable=False),
        sa.Column("opd_name", sa.String(length=200), nullable=False),
        sa.Column("sub_activity_code", sa.String(length=40), nullable=False),
        sa.Column("sub_activity_name", sa.String(length=400), nullable=False),
        sa.Column("program_name", sa.String(length=400), nullable=False),
        sa.Column("activity_name", sa.String(length=400), nullable=False),
        sa.Column("tag_kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("funding", sa.String(length=20), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        _money("tagged"),
        _money("realized"),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("reached", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"], ["federation_bundle.id"], ondelete="CASCADE",
            name=op.f("fk_federation_matrix_row_bundle_id_federation_bundle")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federation_matrix_row")),
    )
    for table in ("federation_row", "federation_lokus", "federation_matrix_row"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_bundle_id"), ["bundle_id"],
                                  unique=False)
    _role_check(OLD_ROLES, NEW_ROLES)


def _role_check(old: str, new: str) -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_role_valid"), sa.text(new))


def downgrade():
    op.execute(sa.text("DELETE FROM \"user\" WHERE role = 'provinsi'"))
    _role_check(NEW_ROLES, OLD_ROLES)
    for table in ("federation_matrix_row", "federation_lokus", "federation_row"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_bundle_id"))
        op.drop_table(table)
    with op.batch_alter_table("federation_bundle", schema=None) as batch_op:
        batch_op.drop_index("ix_federation_bundle_member")
        batch_op.drop_index("ix_federation_bundle_current")
    op.drop_table("federation_bundle")
    op.drop_table("federation_member")
    op.drop_table("federation_export")
