"""issue 23: the secretariat is told of every submission and resubmission: the notification
kind "submitted" (in the app, and by e-mail per the user's choice); Menko PMK is ticked as an
addressee of the report by default (a pemda that kept the old default gets it added).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OLD = "'returned', 'verified', 'reopened', 'comment', 'deadline_7d', 'overdue', 'verval'"
NEW = OLD + ", 'submitted'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notification_kind_valid"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_notification_kind_valid"),
                                         f"kind IN ({kinds})")


OLD_TO = "menko_pm,mendagri"
NEW_TO = "menko_pm,menko_pmk,mendagri"


def _addressees(old: str, new: str) -> None:
    with op.batch_alter_table("pemda_settings", schema=None) as batch_op:
        batch_op.alter_column("report_addressees", existing_type=sa.String(length=60),
                              existing_nullable=False, server_default=new)
    op.execute(sa.text("UPDATE pemda_settings SET report_addressees = :new "
                       "WHERE report_addressees = :old").bindparams(new=new, old=old))


def upgrade():
    _kinds(NEW)
    _addressees(OLD_TO, NEW_TO)


def downgrade():
    # The secretariat's "report came in" notices have no place in the older schema.
    op.execute("DELETE FROM notification WHERE kind = 'submitted'")
    _kinds(OLD)
    _addressees(NEW_TO, OLD_TO)
