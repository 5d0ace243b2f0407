"""emulation: one use per initiative, the new settings from the law, time served, violation year (issue 11)

The appraisal's settings (approval fraction, filing and decision windows) leave
the emulation settings: they live on the year and its rubric.

Revision ID: emulation_uses
Revises: year_rules
"""
from alembic import op
import sqlalchemy as sa

revision = "emulation_uses"
down_revision = "year_rules"
branch_labels = None
depends_on = None

TITLES = ("advanced_worker", "emulation_soldier_grassroots", "emulation_soldier_sector",
          "emulation_soldier_national")

NEW_SETTINGS = (
    ("one_use_per_initiative", sa.Boolean(), sa.true()),
    ("coauthors_each_use", sa.Boolean(), sa.true()),
    ("cap_minimum_one", sa.Boolean(), sa.true()),
    ("national_in_following_year", sa.Boolean(), sa.true()),
    ("min_service_months", sa.Integer(), "6"),
    ("leave_flag_months", sa.Integer(), "3"),
    ("discipline_counted_once", sa.Boolean(), sa.true()),
)
OLD_SETTINGS = (
    ("one_use_per_level", sa.Boolean(), sa.true()),
    ("filing_window_days", sa.Integer(), "365"),
    ("decision_due_days", sa.Integer(), "90"),
    ("approval_fraction", sa.Float(), str(2 / 3)),
)


def upgrade():
    # Plain ADD COLUMN on the tables others point to: a batch would make SQLite rebuild them.
    op.add_column("title_award", sa.Column(
        "provisional_on", sa.Enum(*TITLES, name="title", native_enum=False, length=40), nullable=True))
    op.add_column("discipline", sa.Column("violation_year", sa.Integer(), nullable=True))
    # The windows an officer set here (stored, never read) move to the year, unless the admin
    # already changed the year's own value.
    for name, default in (("filing_window_days", 365), ("decision_due_days", 90)):
        op.execute(
            f"UPDATE year SET {name} = (SELECT s.{name} FROM emulation_settings s WHERE s.year = year.year) "
            f"WHERE {name} = {default} AND EXISTS (SELECT 1 FROM emulation_settings s "
            f"WHERE s.year = year.year AND s.{name} <> {default} AND s.{name} > 0)")
    with op.batch_alter_table("emulation_settings") as batch:
        for name, kind, default in NEW_SETTINGS:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
        for name, _kind, _default in OLD_SETTINGS:
            batch.drop_column(name)
    op.create_table(
        "service_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("recruited_on", sa.Date(), nullable=True),
        sa.Column("leave_months", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_service_record_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_service_record_recorded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_record")),
        sa.UniqueConstraint("user_id", "year", name="uq_service_record_user_year"),
    )
    with op.batch_alter_table("service_record") as batch:
        batch.create_index(batch.f("ix_service_record_user_id"), ["user_id"], unique=False)
        batch.create_index(batch.f("ix_service_record_year"), ["year"], unique=False)


def downgrade():
    op.drop_table("service_record")
    with op.batch_alter_table("emulation_settings") as batch:
        for name, kind, default in OLD_SETTINGS:
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
        for name, _kind, _default in NEW_SETTINGS:
            batch.drop_column(name)
    with op.batch_alter_table("discipline") as batch:
        batch.drop_column("violation_year")
    with op.batch_alter_table("title_award") as batch:
        batch.drop_column("provisional_on")
