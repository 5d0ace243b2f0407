"""search: text extracted from attachments (issue 17)

Revision ID: search_attachment_text
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "search_attachment_text"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attachment_text",
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("extracted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"], ondelete="CASCADE",
                                name=op.f("fk_attachment_text_attachment_id_attachment")),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_attachment_text")),
    )


def downgrade():
    op.drop_table("attachment_text")
