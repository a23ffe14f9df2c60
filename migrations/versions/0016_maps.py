"""Issue 27, maps: the area_boundary table (simplified desa and kecamatan boundaries) and a
fourth kind of staged set-up upload, "maps" (a boundary file's prepared preview).

No existing row changes: the table starts empty, and the widened check on setup_upload.kind
accepts every value the narrower one did. The downgrade drops staged "maps" rows first, so the
narrower check can be put back.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('opds', 'areas', 'users')"
NEW_KINDS = "kind IN ('opds', 'areas', 'users', 'maps')"


def _kinds(check: str) -> None:
    with op.batch_alter_table("setup_upload", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_setup_upload_kind_valid"), type_="check")
        batch_op.create_check_constraint("kind_valid", check)


def upgrade():
    op.create_table(
        "area_boundary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("geojson", sa.Text(), nullable=False),
        sa.Column("vertices", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("derived", sa.Boolean(), nullable=False),
        sa.Column("fictional", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(level = 'desa' AND village_id IS NOT NULL AND district_id IS NULL) OR "
            "(level = 'kecamatan' AND district_id IS NOT NULL AND village_id IS NULL)",
            name=op.f("ck_area_boundary_level_matches_area")),
        sa.CheckConstraint("vertices >= 0", name=op.f("ck_area_boundary_vertices_nonneg")),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"],
                                name=op.f("fk_area_boundary_district_id_district"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"],
                                name=op.f("fk_area_boundary_village_id_village"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_boundary")),
        sa.UniqueConstraint("district_id", name=op.f("uq_area_boundary_district_id")),
        sa.UniqueConstraint("village_id", name=op.f("uq_area_boundary_village_id")),
    )
    _kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM setup_upload WHERE kind = 'maps'")
    _kinds(OLD_KINDS)
    op.drop_table("area_boundary")
