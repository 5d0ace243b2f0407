"""message keys: notifications and mail kept as phrases (msgid + values), said in the reader's language

A notification is shown, and a mail written out by the worker, in the language of whoever reads
it. Older rows have no key and keep showing their text as it was written.

Revision ID: message_keys
Revises: title_refusals
"""
from alembic import op
import sqlalchemy as sa

revision = "message_keys"
down_revision = "title_refusals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("message", sa.JSON(), nullable=True))
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("message", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("locale")
        batch.drop_column("message")
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("message")
