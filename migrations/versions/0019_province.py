"""issue 30: reserved so that the issues built side by side keep one linear chain.

Empty until issue 30 needs a schema change; then it holds that change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:00:00

"""

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
