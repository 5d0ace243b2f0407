"""notifications: each person's delivery choice, grouping by initiative, digests, reminders' ledger

Revision ID: notification_delivery
Revises: site_generation
"""
from alembic import op
import sqlalchemy as sa

revision = "notification_delivery"
down_revision = "site_generation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("notification_delivery", sa.String(length=16), nullable=False,
                                   server_default="immediate"))
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("initiative_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("digest_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("digested_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(batch.f("fk_notification_initiative_id_initiative"), "initiative",
                                 ["initiative_id"], ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_notification_initiative_id"), ["initiative_id"], unique=False)
        batch.create_index("ix_notification_digest", ["digest_pending", "digested_at"], unique=False)
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE",
                                name=op.f("fk_reminder_sent_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint("user_id", "key", "on_day", name="uq_reminder_sent_user_key_day"),
    )


def downgrade():
    op.drop_table("reminder_sent")
    with op.batch_alter_table("notification") as batch:
        batch.drop_index("ix_notification_digest")
        batch.drop_index(batch.f("ix_notification_initiative_id"))
        batch.drop_constraint(batch.f("fk_notification_initiative_id_initiative"), type_="foreignkey")
        batch.drop_column("digested_at")
        batch.drop_column("digest_pending")
        batch.drop_column("initiative_id")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("notification_delivery")
