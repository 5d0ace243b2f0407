"""emulation tables: emulation eligibility (issue 6)

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TITLES = ("advanced_worker", "emulation_soldier_grassroots", "emulation_soldier_sector",
          "emulation_soldier_national")


def _title():
    return sa.Enum(*TITLES, name="title", native_enum=False, length=40)


def upgrade():
    op.create_table(
        "title_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", _title(), nullable=False),
        sa.Column("decision_no", sa.String(length=64), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("level_used", sa.Enum("grassroots", "sector", "national", name="recognitionlevel",
                                        native_enum=False, length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_title_award_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"],
                                name=op.f("fk_title_award_initiative_id_initiative"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_title_award_recorded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_title_award")),
        sa.UniqueConstraint("user_id", "year", "title", name="uq_title_award_user_year_title"),
    )
    with op.batch_alter_table("title_award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_title_award_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_title_award_year"), ["year"], unique=False)
        batch_op.create_index(batch_op.f("ix_title_award_initiative_id"), ["initiative_id"], unique=False)

    op.create_table(
        "discipline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.Enum("reprimand", "warning", "demotion", "dismissal", name="disciplinelevel",
                                   native_enum=False, length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_discipline_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_discipline_recorded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discipline")),
    )
    with op.batch_alter_table("discipline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discipline_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_discipline_year"), ["year"], unique=False)

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", _title(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_registration_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["registered_by_id"], ["user.id"],
                                name=op.f("fk_registration_registered_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("user_id", "year", name="uq_registration_user_year"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_year"), ["year"], unique=False)

    op.create_table(
        "article_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_article_count_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_article_count_recorded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_count")),
        sa.UniqueConstraint("user_id", "year", name="uq_article_count_user_year"),
    )
    with op.batch_alter_table("article_count", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_count_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_article_count_year"), ["year"], unique=False)

    op.create_table(
        "emulation_settings",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("min_author_share", sa.Float(), nullable=False),
        sa.Column("allow_previous_year", sa.Boolean(), nullable=False),
        sa.Column("one_use_per_level", sa.Boolean(), nullable=False),
        sa.Column("article_quota", sa.Integer(), nullable=False),
        sa.Column("require_registration", sa.Boolean(), nullable=False),
        sa.Column("grassroots_cap_percent", sa.Float(), nullable=False),
        sa.Column("sector_consecutive_years", sa.Integer(), nullable=False),
        sa.Column("sector_cycle_years", sa.Integer(), nullable=False),
        sa.Column("filing_window_days", sa.Integer(), nullable=False),
        sa.Column("decision_due_days", sa.Integer(), nullable=False),
        sa.Column("approval_fraction", sa.Float(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"],
                                name=op.f("fk_emulation_settings_updated_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_emulation_settings")),
    )


def downgrade():
    op.drop_table("emulation_settings")
    for table in ("article_count", "registration", "discipline", "title_award"):
        op.drop_table(table)
