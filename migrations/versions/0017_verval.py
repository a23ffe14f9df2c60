"""issue 28: verval of extreme-poor households by desa operators.

The `desa` role and its desa (user.village_id), the campaigns with their desa and records, the
household's verval exit mark, and the "verval" notification kind. Existing rows keep their
values: every new column is nullable or has a default.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('opd', 'secretariat', 'viewer', 'admin', 'provinsi')"
NEW_ROLES = "role IN ('opd', 'secretariat', 'viewer', 'admin', 'provinsi', 'desa')"
OLD_KINDS = "'returned', 'verified', 'reopened', 'comment', 'deadline_7d', 'overdue'"
NEW_KINDS = OLD_KINDS + ", 'verval'"
STATUSES = "'masih', 'tidak_miskin', 'pindah', 'meninggal', 'tidak_ditemukan', 'ganda'"
STATES = "'open', 'submitted', 'approved', 'returned'"


def upgrade():
    op.create_table(
        "verval_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], ondelete="SET NULL",
                                name=op.f("fk_verval_campaign_created_by_id_user")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["household_snapshot.id"],
                                name=op.f("fk_verval_campaign_snapshot_id_household_snapshot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verval_campaign")),
    )
    with op.batch_alter_table("verval_campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verval_campaign_snapshot_id"), ["snapshot_id"],
                              unique=False)
    op.create_table(
        "verval_village",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=False),
        sa.CheckConstraint(f"state IN ({STATES})", name=op.f("ck_verval_village_state_valid")),
        sa.CheckConstraint("households >= 0",
                           name=op.f("ck_verval_village_households_nonneg")),
        sa.ForeignKeyConstraint(["campaign_id"], ["verval_campaign.id"], ondelete="CASCADE",
                                name=op.f("fk_verval_village_campaign_id_verval_campaign")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["user.id"], ondelete="SET NULL",
                                name=op.f("fk_verval_village_reviewed_by_id_user")),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"],
                                name=op.f("fk_verval_village_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verval_village")),
        sa.UniqueConstraint("campaign_id", "village_id",
                            name=op.f("uq_verval_village_campaign_id_village_id")),
    )
    with op.batch_alter_table("verval_village", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verval_village_village_id"), ["village_id"],
                              unique=False)
    op.create_table(
        "verval_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_village_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("row_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(f"status IS NULL OR status IN ({STATUSES})",
                           name=op.f("ck_verval_record_status_valid")),
        sa.CheckConstraint("row_no >= 1", name=op.f("ck_verval_record_row_positive")),
        sa.ForeignKeyConstraint(["campaign_village_id"], ["verval_village.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_verval_record_campaign_village_id_verval_village")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE",
                                name=op.f("fk_verval_record_household_id_household")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], ondelete="SET NULL",
                                name=op.f("fk_verval_record_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verval_record")),
        sa.UniqueConstraint("campaign_village_id", "household_id",
                            name=op.f("uq_verval_record_campaign_village_id_household_id")),
        sa.UniqueConstraint("campaign_village_id", "row_no",
                            name=op.f("uq_verval_record_campaign_village_id_row_no")),
    )
    with op.batch_alter_table("verval_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verval_record_household_id"), ["household_id"],
                              unique=False)
        batch_op.create_index("ix_verval_record_village_status",
                              ["campaign_village_id", "status"], unique=False)
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verval_exit_snapshot_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_household_verval_exit_snapshot_id_household_snapshot"),
            "household_snapshot", ["verval_exit_snapshot_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("village_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_village_id"), ["village_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_user_village_id_village"), "village",
                                    ["village_id"], ["id"])
        batch_op.drop_constraint(op.f("ck_user_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_role_valid"), sa.text(NEW_ROLES))
        batch_op.create_check_constraint(op.f("ck_user_desa_role_has_village"),
                                         sa.text("role <> 'desa' OR village_id IS NOT NULL"))
    _kind_check(NEW_KINDS)


def _kind_check(kinds: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_kind_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notification_kind_valid"),
                                         sa.text(f"kind IN ({kinds})"))


def downgrade():
    op.execute(sa.text("DELETE FROM notification WHERE kind = 'verval'"))
    _kind_check(OLD_KINDS)
    op.execute(sa.text("DELETE FROM \"user\" WHERE role = 'desa'"))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_desa_role_has_village"), type_="check")
        batch_op.drop_constraint(op.f("ck_user_role_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_role_valid"), sa.text(OLD_ROLES))
        batch_op.drop_constraint(batch_op.f("fk_user_village_id_village"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_village_id"))
        batch_op.drop_column("village_id")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_household_verval_exit_snapshot_id_household_snapshot"),
            type_="foreignkey")
        batch_op.drop_column("verval_exit_snapshot_id")
    for table, indexes in (("verval_record", ("ix_verval_record_village_status",
                                              "ix_verval_record_household_id")),
                           ("verval_village", ("ix_verval_village_village_id",)),
                           ("verval_campaign", ("ix_verval_campaign_snapshot_id",))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
