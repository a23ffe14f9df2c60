"""issue 23: the secretariat is told of every submission and resubmission: the notification
kind "submitted" (in the app, and by e-mail per the user's choice).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD = "'returned', 'verified', 'reopened', 'comment', 'deadline_7d', 'overdue'"
NEW = OLD + ", 'submitted'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind_valid"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_notification_kind_valid"),
                                         f"kind IN ({kinds})")


def upgrade():
    _kinds(NEW)


def downgrade():
    # The secretariat's "report came in" notices have no place in the older schema.
    op.execute("DELETE FROM notification WHERE kind = 'submitted'")
    _kinds(OLD)
