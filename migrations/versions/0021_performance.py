"""issue 25: reserved so that the issues built side by side keep one linear chain.

Empty until issue 25 needs a schema change; then it holds that change.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:00:00

"""

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
