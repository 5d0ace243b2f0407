"""one policy: co-authors confirm, assignments can be withdrawn, refused forms keep their input

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("initiative_author") as batch:
        batch.add_column(sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_initiative_author_invited_by_id_user"), "user", ["invited_by_id"], ["id"])
    # Authors recorded before invitations existed were named by consent of the time: confirmed.
    op.execute("UPDATE initiative_author SET confirmed_at = "
               "(SELECT created_at FROM initiative WHERE initiative.id = initiative_author.initiative_id)")
    with op.batch_alter_table("initiative_author") as batch:
        batch.alter_column("confirmed", server_default=None)
    op.create_table(
        "kept_input",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("form", sa.String(length=120), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_kept_input")),
    )
    op.create_index(op.f("ix_kept_input_created_at"), "kept_input", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_kept_input_created_at"), table_name="kept_input")
    op.drop_table("kept_input")
    op.execute("UPDATE review_assignment SET status = 'recused' WHERE status = 'withdrawn'")
    with op.batch_alter_table("initiative_author") as batch:
        batch.drop_constraint(op.f("fk_initiative_author_invited_by_id_user"), type_="foreignkey")
        batch.drop_column("invited_by_id")
        batch.drop_column("confirmed_at")
        batch.drop_column("confirmed")
