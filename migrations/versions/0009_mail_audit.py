"""issue 15 e-mail outbox, password reset tokens, login history, notification preferences.

Reserved revision: empty until its issue fills it in (keeps the chain linear while the issues are
built side by side).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
