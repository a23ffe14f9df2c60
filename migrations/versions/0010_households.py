"""issue 16 pseudonymous households, snapshots, beneficiary lists.

Households and members are kept only as keyed hashes (HMAC-SHA256, key outside the database);
beneficiary lists only as matched household ids and counts. The import_job kinds gain "bnba"
and "benef" (their staging holds hashes and household ids, never a NIK).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('sipd', 'lokus')"
NEW_KINDS = "kind IN ('sipd', 'lokus', 'bnba', 'benef')"


def upgrade():
    op.create_table(
        "household_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("invalid_rows", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("desil1_households", sa.Integer(), nullable=False),
        sa.Column("key_check", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("source IN ('P3KE', 'DTSEN')",
                           name=op.f("ck_household_snapshot_source_valid")),
        sa.CheckConstraint("rows >= 0 AND invalid_rows >= 0 AND members >= 0 AND households >= 0 "
                           "AND desil1_households >= 0",
                           name=op.f("ck_household_snapshot_counts_nonneg")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"],
                                name=op.f("fk_household_snapshot_created_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_snapshot")),
    )
    op.create_table(
        "snapshot_village_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("desil", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.CheckConstraint("desil BETWEEN 1 AND 10",
                           name=op.f("ck_snapshot_village_count_desil_range")),
        sa.CheckConstraint("households >= 0",
                           name=op.f("ck_snapshot_village_count_households_nonneg")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["household_snapshot.id"],
                                name=op.f("fk_snapshot_village_count_snapshot_id_household_snapshot"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"],
                                name=op.f("fk_snapshot_village_count_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_village_count")),
        sa.UniqueConstraint("snapshot_id", "village_id", "desil",
                            name=op.f("uq_snapshot_village_count_snapshot_id_village_id_desil")),
    )
    with op.batch_alter_table("snapshot_village_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_village_count_village_id"), ["village_id"],
                              unique=False)
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("desil", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("desil BETWEEN 1 AND 10", name=op.f("ck_household_desil_range")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["household_snapshot.id"],
                                name=op.f("fk_household_snapshot_id_household_snapshot")),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"],
                                name=op.f("fk_household_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("hash", name=op.f("uq_household_hash")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index("ix_household_snapshot_desil", ["snapshot_id", "desil"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_household_village_id"), ["village_id"],
                              unique=False)
    op.create_table(
        "household_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"],
                                name=op.f("fk_household_member_household_id_household"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_member")),
        sa.UniqueConstraint("hash", name=op.f("uq_household_member_hash")),
    )
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_member_household_id"), ["household_id"],
                              unique=False)
    op.create_table(
        "beneficiary_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("opd_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("matched_members", sa.Integer(), nullable=False),
        sa.Column("matched_households", sa.Integer(), nullable=False),
        sa.Column("unmatched", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4",
                           name=op.f("ck_beneficiary_list_quarter_range")),
        sa.CheckConstraint("rows >= 0 AND invalid >= 0 AND duplicates >= 0 "
                           "AND matched_members >= 0 AND matched_households >= 0 "
                           "AND unmatched >= 0", name=op.f("ck_beneficiary_list_counts_nonneg")),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"],
                                name=op.f("fk_beneficiary_list_opd_id_opd")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["household_snapshot.id"],
                                name=op.f("fk_beneficiary_list_snapshot_id_household_snapshot"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], name=op.f("fk_beneficiary_list_tag_id_tag"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"],
                                name=op.f("fk_beneficiary_list_uploaded_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_list")),
        sa.UniqueConstraint("tag_id", "quarter", name=op.f("uq_beneficiary_list_tag_id_quarter")),
    )
    with op.batch_alter_table("beneficiary_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beneficiary_list_opd_id"), ["opd_id"], unique=False)
    op.create_table(
        "beneficiary_household",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"],
                                name=op.f("fk_beneficiary_household_household_id_household"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["list_id"], ["beneficiary_list.id"],
                                name=op.f("fk_beneficiary_household_list_id_beneficiary_list"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("list_id", "household_id", name=op.f("pk_beneficiary_household")),
    )
    with op.batch_alter_table("beneficiary_household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beneficiary_household_household_id"),
                              ["household_id"], unique=False)
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_import_job_kind_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_import_job_kind_valid"), NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM import_job WHERE kind IN ('bnba', 'benef')")
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_import_job_kind_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_import_job_kind_valid"), OLD_KINDS)
    with op.batch_alter_table("beneficiary_household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beneficiary_household_household_id"))
    op.drop_table("beneficiary_household")
    with op.batch_alter_table("beneficiary_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_beneficiary_list_opd_id"))
    op.drop_table("beneficiary_list")
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_member_household_id"))
    op.drop_table("household_member")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_village_id"))
        batch_op.drop_index("ix_household_snapshot_desil")
    op.drop_table("household")
    with op.batch_alter_table("snapshot_village_count", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_village_count_village_id"))
    op.drop_table("snapshot_village_count")
    op.drop_table("household_snapshot")
