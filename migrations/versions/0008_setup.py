"""Issue 15, set-up from files: Opd.kind, User.must_change_password, and the setup_upload table
(a set-up file between its preview and its commit). Existing OPDs become "lainnya" (the admin
or a re-import sets the right kind); existing users need not change their password.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


OPD_KINDS = "'dinas', 'badan', 'kecamatan', 'sekretariat', 'inspektorat', 'lainnya'"


def upgrade():
    with op.batch_alter_table("opd", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=12), server_default="lainnya",
                                      nullable=False))
        batch_op.create_check_constraint(batch_op.f("ck_opd_kind_valid"),
                                         f"kind IN ({OPD_KINDS})")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    op.create_table(
        "setup_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('opds', 'areas', 'users')",
                           name=op.f("ck_setup_upload_kind_valid")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_setup_upload_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_setup_upload_token")),
    )
    with op.batch_alter_table("setup_upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_setup_upload_created_at"), ["created_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_setup_upload_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("setup_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_setup_upload_user_id"))
        batch_op.drop_index(batch_op.f("ix_setup_upload_created_at"))
    op.drop_table("setup_upload")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("opd", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_opd_kind_valid"), type_="check")
        batch_op.drop_column("kind")
