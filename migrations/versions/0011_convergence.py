"""issue 17 other sources, themes, frameworks.

Existing data is carried over: every existing tag joins the default theme (Kemiskinan Ekstrem),
and the Inpres framework maps each strategy to itself, so every rollup is unchanged.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=18, scale=2)
KINDS = "'dana_desa', 'apbd_provinsi', 'apbn', 'baznas', 'csr', 'lainnya'"
# A copy of app/services/convergence_reference.py as it was when this revision was written.
FRAMEWORKS = [
    ("inpres", "Inpres 4/2022 jo. Inpres 8/2025", True, [
        (1, "Pengurangan beban pengeluaran masyarakat"),
        (2, "Peningkatan pendapatan masyarakat"),
        (3, "Penurunan jumlah kantong-kantong kemiskinan"),
    ], {1: 1, 2: 2, 3: 3}),
    ("permendagri_53_2020", "Permendagri 53/2020", False, [
        (1, "Mengurangi beban pengeluaran masyarakat miskin"),
        (2, "Meningkatkan kemampuan dan pendapatan masyarakat miskin"),
        (3, "Mengembangkan dan menjamin keberlanjutan usaha mikro dan kecil"),
        (4, "Mensinergikan kebijakan dan program penanggulangan kemiskinan"),
    ], {1: 1, 2: 2, 3: 4}),
]


def _tables():
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
        sa.UniqueConstraint("code", name=op.f("uq_theme_code")),
        sa.UniqueConstraint("name", name=op.f("uq_theme_name")),
    )
    op.create_table(
        "tag_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["tag.id"], name=op.f("fk_tag_theme_tag_id_tag"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"],
                                name=op.f("fk_tag_theme_theme_id_theme"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag_theme")),
        sa.UniqueConstraint("tag_id", "theme_id", name=op.f("uq_tag_theme_tag_id_theme_id")),
    )
    op.create_index(op.f("ix_tag_theme_theme_id"), "tag_theme", ["theme_id"], unique=False)
    op.create_table(
        "framework",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework")),
        sa.UniqueConstraint("code", name=op.f("uq_framework_code")),
    )
    op.create_table(
        "framework_strategy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["framework_id"], ["framework.id"],
                                name=op.f("fk_framework_strategy_framework_id_framework"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_strategy")),
        sa.UniqueConstraint("framework_id", "code",
                            name=op.f("uq_framework_strategy_framework_id_code")),
    )
    op.create_table(
        "strategy_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("framework_strategy_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["framework_id"], ["framework.id"],
                                name=op.f("fk_strategy_mapping_framework_id_framework"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["framework_strategy_id"], ["framework_strategy.id"],
            name=op.f("fk_strategy_mapping_framework_strategy_id_framework_strategy"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["strategy_id"], ["strategy.id"],
                                name=op.f("fk_strategy_mapping_strategy_id_strategy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_mapping")),
        sa.UniqueConstraint("framework_id", "strategy_id",
                            name=op.f("uq_strategy_mapping_framework_id_strategy_id")),
    )
    op.create_table(
        "other_intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("strategy_id", sa.Integer(), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount_planned", MONEY, nullable=False),
        sa.Column("realized_q1", MONEY, nullable=False),
        sa.Column("realized_q2", MONEY, nullable=False),
        sa.Column("realized_q3", MONEY, nullable=False),
        sa.Column("realized_q4", MONEY, nullable=False),
        sa.Column("households_reached", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(f"source_kind IN ({KINDS})",
                           name=op.f("ck_other_intervention_source_kind_valid")),
        sa.CheckConstraint("amount_planned >= 0",
                           name=op.f("ck_other_intervention_planned_nonneg")),
        sa.CheckConstraint("realized_q1 >= 0 AND realized_q2 >= 0 AND realized_q3 >= 0 "
                           "AND realized_q4 >= 0",
                           name=op.f("ck_other_intervention_realized_nonneg")),
        sa.CheckConstraint("households_reached >= 0",
                           name=op.f("ck_other_intervention_households_nonneg")),
        sa.ForeignKeyConstraint(["fiscal_year_id"], ["fiscal_year.id"],
                                name=op.f("fk_other_intervention_fiscal_year_id_fiscal_year")),
        sa.ForeignKeyConstraint(["strategy_id"], ["strategy.id"],
                                name=op.f("fk_other_intervention_strategy_id_strategy")),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"],
                                name=op.f("fk_other_intervention_village_id_village")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_other_intervention")),
    )
    op.create_index(op.f("ix_other_intervention_fiscal_year_id"), "other_intervention",
                    ["fiscal_year_id"], unique=False)
    op.create_index(op.f("ix_other_intervention_village_id"), "other_intervention",
                    ["village_id"], unique=False)
    with op.batch_alter_table("report_build", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("framework_code", sa.String(length=40), nullable=False,
                                      server_default=""))


def _data():
    """The default theme with every existing tag in it; the frameworks and their mappings."""
    conn = op.get_bind()
    conn.execute(sa.text(
        "INSERT INTO theme (code, name, description, is_default, created_at) "
        "VALUES ('kemiskinan_ekstrem', 'Kemiskinan Ekstrem', '', :t, CURRENT_TIMESTAMP)"),
        {"t": True})
    conn.execute(sa.text(
        "INSERT INTO tag_theme (tag_id, theme_id) SELECT tag.id, theme.id FROM tag, theme "
        "WHERE theme.code = 'kemiskinan_ekstrem'"))
    for code, name, default, rows, mapping in FRAMEWORKS:
        conn.execute(sa.text("INSERT INTO framework (code, name, is_default) "
                             "VALUES (:c, :n, :d)"), {"c": code, "n": name, "d": default})
        fw = conn.execute(sa.text("SELECT id FROM framework WHERE code = :c"),
                          {"c": code}).scalar_one()
        for number, label in rows:
            conn.execute(sa.text("INSERT INTO framework_strategy (framework_id, code, name) "
                                 "VALUES (:f, :c, :n)"), {"f": fw, "c": number, "n": label})
        for src, dst in mapping.items():
            conn.execute(sa.text(
                "INSERT INTO strategy_mapping (framework_id, strategy_id, framework_strategy_id) "
                "SELECT :f, s.id, fs.id FROM strategy s, framework_strategy fs "
                "WHERE s.code = :src AND fs.framework_id = :f AND fs.code = :dst"),
                {"f": fw, "src": src, "dst": dst})


def upgrade():
    _tables()
    _data()


def downgrade():
    with op.batch_alter_table("report_build", schema=None) as batch_op:
        batch_op.drop_column("framework_code")
        batch_op.drop_column("theme_id")
    op.drop_index(op.f("ix_other_intervention_village_id"), table_name="other_intervention")
    op.drop_index(op.f("ix_other_intervention_fiscal_year_id"), table_name="other_intervention")
    op.drop_table("other_intervention")
    op.drop_table("strategy_mapping")
    op.drop_table("framework_strategy")
    op.drop_table("framework")
    op.drop_index(op.f("ix_tag_theme_theme_id"), table_name="tag_theme")
    op.drop_table("tag_theme")
    op.drop_table("theme")
