"""issue 24: faults survived. A report build's heartbeat, written by the worker running it;
a login counter per known device (the OWASP device cookie).

Existing builds keep NULL (a finished build needs none; a queued or running one falls back to
its started_at/created_at when its staleness is judged). Existing counters are unchanged.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


KINDS = "'login_address', 'login_account', 'api_address', 'password_reset'"


def upgrade():
    with op.batch_alter_table("report_build") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("login_throttle") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_login_throttle_kind_valid"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_login_throttle_kind_valid"),
                                         f"kind IN ({KINDS}, 'login_device')")


def downgrade():
    op.execute("DELETE FROM login_throttle WHERE kind = 'login_device'")
    with op.batch_alter_table("login_throttle") as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_login_throttle_kind_valid"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_login_throttle_kind_valid"),
                                         f"kind IN ({KINDS})")
    with op.batch_alter_table("report_build") as batch:
        batch.drop_column("heartbeat_at")
