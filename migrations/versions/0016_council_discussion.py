"""the council's discussion of an initiative, its conclusion, and the authors' thread on a return

Revision ID: council_discussion
Revises: notification_delivery
"""
from alembic import op
import sqlalchemy as sa

revision = "council_discussion"
down_revision = "notification_delivery"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discussion_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("thread", sa.Enum("council", "authors", name="thread", native_enum=False, length=16),
                  nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE",
                                name=op.f("fk_discussion_post_initiative_id_initiative")),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_discussion_post_author_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_post")),
    )
    op.create_index("ix_discussion_post_initiative_thread", "discussion_post", ["initiative_id", "thread", "id"])
    op.create_table(
        "council_conclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.Enum("draft", "pending", "sent_back", "approved", name="conclusionstatus",
                                    native_enum=False, length=16), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("drafted_at", sa.DateTime(), nullable=True),
        sa.Column("chair_note", sa.Text(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE",
                                name=op.f("fk_council_conclusion_initiative_id_initiative")),
        sa.ForeignKeyConstraint(["drafted_by_id"], ["user.id"], name=op.f("fk_council_conclusion_drafted_by_id_user")),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user.id"],
                                name=op.f("fk_council_conclusion_approved_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_conclusion")),
        sa.UniqueConstraint("initiative_id", "round", name="uq_council_conclusion_round"),
    )
    op.create_index(op.f("ix_council_conclusion_initiative_id"), "council_conclusion", ["initiative_id"])


def downgrade():
    op.drop_index(op.f("ix_council_conclusion_initiative_id"), table_name="council_conclusion")
    op.drop_table("council_conclusion")
    op.drop_index("ix_discussion_post_initiative_thread", table_name="discussion_post")
    op.drop_table("discussion_post")
