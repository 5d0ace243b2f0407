"""the year's appraisal windows; an application's first application, IP protection and trial-only flags

Revision ID: year_rules
Revises: search_attachment_text
"""
from alembic import op
import sqlalchemy as sa

revision = "year_rules"
down_revision = "search_attachment_text"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, no batch: a batch would make SQLite rebuild `initiative`, and the rebuild's
    # DROP TABLE would cascade to its authors, versions and reviews.
    for name, default in (("filing_window_days", "365"), ("decision_due_days", "90"), ("similarity_percent", "80")):
        op.add_column("year", sa.Column(name, sa.Integer(), nullable=False, server_default=default))
    for name in ("ip_protected", "trial_only", "first_application_requested"):
        op.add_column("initiative", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("initiative", sa.Column("first_application_ended_on", sa.Date(), nullable=True))
    op.add_column("initiative", sa.Column("first_submitted_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE initiative SET first_submitted_at = (SELECT MIN(v.submitted_at) FROM initiative_version v "
               "WHERE v.initiative_id = initiative.id)")


def downgrade():
    with op.batch_alter_table("initiative") as batch:
        for column in ("first_submitted_at", "first_application_ended_on", "first_application_requested",
                       "trial_only", "ip_protected"):
            batch.drop_column(column)
    with op.batch_alter_table("year") as batch:
        for column in ("similarity_percent", "decision_due_days", "filing_window_days"):
            batch.drop_column(column)
