"""the public site's generation: one row that grows with every change a public page shows

Revision ID: site_generation
Revises: mail_outbox
"""
from alembic import op
import sqlalchemy as sa

revision = "site_generation"
down_revision = "mail_outbox"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "site_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 1}])


def downgrade():
    op.drop_table("site_generation")
