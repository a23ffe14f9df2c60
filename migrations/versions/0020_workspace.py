"""issue 23: reserved so that the issues built side by side keep one linear chain.

Empty until issue 23 needs a schema change; then it holds that change.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 00:00:00

"""

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
