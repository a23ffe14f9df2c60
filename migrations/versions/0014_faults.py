"""issue 24: faults survived. A report build's heartbeat, written by the worker running it.

Existing rows keep NULL (a finished build needs none; a queued or running one falls back to its
started_at/created_at when its staleness is judged).

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


def upgrade():
    with op.batch_alter_table("report_build") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("report_build") as batch:
        batch.drop_column("heartbeat_at")
