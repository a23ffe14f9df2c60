"""issue 29: reserved so that the issues built side by side keep one linear chain.

Empty until issue 29 needs a schema change; then it holds that change.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:00:00

"""

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
