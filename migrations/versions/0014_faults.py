"""issue 24: reserved so that the issues built side by side keep one linear chain.

Empty until issue 24 needs a schema change; then it holds that change.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:00:00

"""

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
