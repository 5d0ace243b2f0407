"""publishing tables: publication and search (issue 5)

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("first_published_at", sa.DateTime(), nullable=True),
        sa.Column("public_summary", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column("unpublished_at", sa.DateTime(), nullable=True),
        sa.Column("unpublished_by_id", sa.Integer(), nullable=True),
        sa.Column("unpublish_reason", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("field_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["field_id"], ["field.id"], name=op.f("fk_publication_field_id_field")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_publication_unit_id_unit")),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"], ondelete="CASCADE",
                                name=op.f("fk_publication_initiative_id_initiative")),
        sa.ForeignKeyConstraint(["published_by_id"], ["user.id"],
                                name=op.f("fk_publication_published_by_id_user")),
        sa.ForeignKeyConstraint(["unpublished_by_id"], ["user.id"],
                                name=op.f("fk_publication_unpublished_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication")),
        sa.UniqueConstraint("initiative_id", name=op.f("uq_publication_initiative_id")),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index("ix_publication_live_published", ["live", "published_at"], unique=False)
        batch_op.create_index("ix_publication_live_views", ["live", "view_count"], unique=False)
        batch_op.create_index("ix_publication_facets",
                              ["live", "year", "field_id", "unit_id", "level"], unique=False)

    op.create_table(
        "publication_slug",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"], ondelete="CASCADE",
                                name=op.f("fk_publication_slug_publication_id_publication")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_slug")),
        sa.UniqueConstraint("publication_id", "slug", name="uq_publication_slug_slug"),
    )
    with op.batch_alter_table("publication_slug", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publication_slug_publication_id"), ["publication_id"],
                              unique=False)

    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_outbox_initiative_id"), ["initiative_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_outbox_initiative_id"))
    op.drop_table("search_outbox")
    with op.batch_alter_table("publication_slug", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_slug_publication_id"))
    op.drop_table("publication_slug")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index("ix_publication_facets")
        batch_op.drop_index("ix_publication_live_views")
        batch_op.drop_index("ix_publication_live_published")
    op.drop_table("publication")
