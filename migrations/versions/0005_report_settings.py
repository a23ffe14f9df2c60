"""Report settings (issue 13): paper size, the second signatory's title and who signs, the
default addressees; and the addressees chosen for a report build (part of its file).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pemda_settings") as batch:
        batch.add_column(sa.Column("paper_size", sa.String(length=2), nullable=False,
                                   server_default="A4"))
        batch.add_column(sa.Column("tkpkd_chair_title", sa.String(length=120), nullable=False,
                                   server_default="Ketua TKPKD"))
        batch.add_column(sa.Column("signatories", sa.String(length=5), nullable=False,
                                   server_default="head"))
        batch.add_column(sa.Column("report_addressees", sa.String(length=60), nullable=False,
                                   server_default="menko_pm,mendagri"))
        batch.create_check_constraint("paper_size_valid", "paper_size IN ('A4', 'F4')")
        batch.create_check_constraint("signatories_valid",
                                      "signatories IN ('head', 'chair', 'both')")
    with op.batch_alter_table("report_build") as batch:
        batch.add_column(sa.Column("addressees", sa.String(length=60), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("report_build") as batch:
        batch.drop_column("addressees")
    with op.batch_alter_table("pemda_settings") as batch:
        batch.drop_constraint(op.f("ck_pemda_settings_signatories_valid"), type_="check")
        batch.drop_constraint(op.f("ck_pemda_settings_paper_size_valid"), type_="check")
        batch.drop_column("report_addressees")
        batch.drop_column("signatories")
        batch.drop_column("tkpkd_chair_title")
        batch.drop_column("paper_size")
