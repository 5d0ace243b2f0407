"""title refusals and unknown uses: a title of a year recorded as not awarded (with the reason), and
the old awards that never said which recognition they used

`title_refusal`: the emulation officer records that a person is not awarded a title for a year;
higher titles recorded while that title was provisional are then flagged (emulation/lower_titles.py).

`title_award.use_unknown`: an award above Lao động tiên tiến recorded before the "used once" rule
stored `initiative_id` null. Those rows are marked here; until the officer names the recognition
such an award used, every recognition it may have used backs no other award
(emulation/unrecorded_uses.py, Công văn 5007/BNV-TĐKT). The recorder never writes one again.

Revision ID: title_refusals
Revises: documents
"""
from alembic import op
import sqlalchemy as sa

revision = "title_refusals"
down_revision = "documents"
branch_labels = None
depends_on = None

TITLES = ("advanced_worker", "emulation_soldier_grassroots", "emulation_soldier_sector",
          "emulation_soldier_national")


def upgrade():
    op.create_table(
        "title_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Enum(*TITLES, name="title", native_enum=False, length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_title_refusal_user_id_user"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_title_refusal_recorded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_title_refusal")),
        sa.UniqueConstraint("user_id", "year", "title", name="uq_title_refusal_user_year_title"),
    )
    with op.batch_alter_table("title_refusal") as batch:
        batch.create_index(batch.f("ix_title_refusal_user_id"), ["user_id"], unique=False)
        batch.create_index(batch.f("ix_title_refusal_year"), ["year"], unique=False)
    with op.batch_alter_table("title_award") as batch:
        batch.add_column(sa.Column("use_unknown", sa.Boolean(), nullable=False, server_default=sa.false()))
    award = sa.table("title_award", sa.column("initiative_id", sa.Integer()), sa.column("title", sa.String()),
                     sa.column("use_unknown", sa.Boolean()))
    op.execute(award.update().where(award.c.initiative_id.is_(None), award.c.title != "advanced_worker")
               .values(use_unknown=True))


def downgrade():
    with op.batch_alter_table("title_award") as batch:
        batch.drop_column("use_unknown")
    op.drop_table("title_refusal")
