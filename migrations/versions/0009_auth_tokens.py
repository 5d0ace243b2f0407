"""API tokens bound to the account's session version; where a token was made and last used

Revision ID: auth_tokens
Revises: emulation_uses
"""
from alembic import op
import sqlalchemy as sa

revision = "auth_tokens"
down_revision = "emulation_uses"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, no batch: SQLite would otherwise rebuild the table.
    op.add_column("api_token", sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("api_token", sa.Column("created_address", sa.String(length=64), nullable=True))
    op.add_column("api_token", sa.Column("last_used_address", sa.String(length=64), nullable=True))
    # Tokens made before this version keep working until the next password change,
    # deactivation or sign-out everywhere.
    op.execute('UPDATE api_token SET session_version = (SELECT u.session_version FROM "user" u '
               "WHERE u.id = api_token.user_id)")


def downgrade():
    with op.batch_alter_table("api_token") as batch:
        for column in ("last_used_address", "created_address", "session_version"):
            batch.drop_column(column)
