"""initiatives tables: submission (issue 3)

The initiative, author, version, attachment and field tables were created
with the foundation (0001) and submission needed no column beyond them:
versions freeze a JSON snapshot, attachments keep their sniffed type and
hash, the edit form's conflict check uses `updated_at`. This revision stays
in the chain so that later areas keep their numbers.

Revision ID: 0002
Revises: 0001
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    pass  # nothing to add: see the docstring


def downgrade():
    pass
