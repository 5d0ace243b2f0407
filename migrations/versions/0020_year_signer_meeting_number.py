"""the signer of each year's decisions, and numbered council meetings

Each year may name its own head of unit and signing deputy (blank: the organisation's). Each
meeting gets its number among the year's meetings (by time, then id) with the organisation's
minutes suffix, which the minutes print.

Revision ID: year_signer_meeting_number
Revises: message_keys
"""
from alembic import op
import sqlalchemy as sa

revision = "year_signer_meeting_number"
down_revision = "message_keys"
branch_labels = None
depends_on = None

SIGNER = (("head_title", 100), ("head_name", 200), ("deputy_title", 100), ("deputy_name", 200))


def upgrade():
    # Columns added in place (no table rebuilt on SQLite, which would cascade-delete the meetings'
    # attendance and votes); the unique index once every meeting has its number.
    with op.batch_alter_table("year") as batch:
        for name, length in SIGNER:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
    with op.batch_alter_table("council_meeting") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("number", sa.String(length=64), nullable=False, server_default=""))
    _number_existing_meetings()
    op.create_index("ix_council_meeting_year_sequence", "council_meeting", ["year", "sequence"], unique=True)


def _number_existing_meetings():
    bind = op.get_bind()
    settings = sa.table("organisation_settings", sa.column("id", sa.Integer), sa.column("minutes_suffix", sa.String))
    suffix = bind.execute(sa.select(settings.c.minutes_suffix).where(settings.c.id == 1)).scalar() or "BB-HĐSK"
    meeting = sa.table("council_meeting", sa.column("id", sa.Integer), sa.column("year", sa.Integer),
                       sa.column("starts_at", sa.DateTime), sa.column("sequence", sa.Integer),
                       sa.column("number", sa.String))
    rows = bind.execute(sa.select(meeting.c.id, meeting.c.year)
                        .order_by(meeting.c.year, meeting.c.starts_at, meeting.c.id)).all()
    sequence = {}
    for meeting_id, year in rows:
        sequence[year] = sequence.get(year, 0) + 1
        bind.execute(meeting.update().where(meeting.c.id == meeting_id)
                     .values(sequence=sequence[year], number=f"{sequence[year]}/{suffix}"))


def downgrade():
    op.drop_index("ix_council_meeting_year_sequence", table_name="council_meeting")
    with op.batch_alter_table("council_meeting") as batch:
        batch.drop_column("number")
        batch.drop_column("sequence")
    with op.batch_alter_table("year") as batch:
        for name, _length in reversed(SIGNER):
            batch.drop_column(name)
