"""audit seals: each event's HMAC, the head's HMAC and the verified position; events chained after commit

Revision ID: audit_seal
Revises: clean_control_chars

The events written before this revision get their seals from `flask --app portal audit seal`,
which `init-db` runs after the migrations (the key is the application's, not the database's,
so the migration itself cannot seal them). It seals them only when their chain is intact.
"""
from alembic import op
import sqlalchemy as sa

revision = "audit_seal"
down_revision = "clean_control_chars"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("verified_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verified_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("verified_mac", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("verified_at", sa.DateTime(), nullable=True))
    # Nothing refers to audit_event, so SQLite's rebuild of it cascades nowhere.
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))
        # An event gets its place and hash when it is chained, just after the commit that wrote it.
        for name, kind in (("seq", sa.Integer()), ("prev_hash", sa.String(length=64)),
                           ("hash", sa.String(length=64))):
            batch.alter_column(name, existing_type=kind, nullable=True)


def downgrade():
    bind = op.get_bind()
    waiting = bind.execute(sa.text("SELECT COUNT(*) FROM audit_event WHERE seq IS NULL")).scalar()
    if waiting:
        raise RuntimeError(f"{waiting} audit events are not chained yet: run `flask --app portal audit verify` "
                           "(which chains them) before downgrading")
    with op.batch_alter_table("audit_event") as batch:
        for name, kind in (("seq", sa.Integer()), ("prev_hash", sa.String(length=64)),
                           ("hash", sa.String(length=64))):
            batch.alter_column(name, existing_type=kind, nullable=False)
        batch.drop_column("mac")
    with op.batch_alter_table("audit_head") as batch:
        for name in ("verified_at", "verified_mac", "verified_hash", "verified_seq", "mac"):
            batch.drop_column(name)
