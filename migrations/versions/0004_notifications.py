"""In-app notifications (issue 14): one row per user and event (a report returned, verified,
reopened or commented; a deadline in seven days; overdue). Deadline notices carry a dedup_key,
unique per user, so the reminder can run any number of times.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KINDS = "'returned', 'verified', 'reopened', 'comment', 'deadline_7d', 'overdue'"


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("opd_id", sa.Integer(), nullable=True),
        sa.Column("quarter_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("dedup_key", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_notification_kind_valid")),
        sa.ForeignKeyConstraint(["opd_id"], ["opd.id"], name=op.f("fk_notification_opd_id_opd"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["quarter_id"], ["quarter.id"],
                                name=op.f("fk_notification_quarter_id_quarter"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_notification_submission_id_submission"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_notification_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("user_id", "dedup_key",
                            name=op.f("uq_notification_user_id_dedup_key")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_id_read_at", ["user_id", "read_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_id_read_at")
    op.drop_table("notification")
