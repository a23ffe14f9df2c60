"""issue 17 other sources, themes, frameworks.

Reserved revision: empty until its issue fills it in (keeps the chain linear while the issues are
built side by side).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
