"""Publication of a recognised initiative as a public article (bài viết công bố)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Status


class Publication(db.Model):
    """One row per initiative that an editor has published at least once."""
    __tablename__ = "publication"
    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    is_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    first_published_at: Mapped[datetime | None]
    # Written by the editor for the public; the author's summary is used when empty.
    public_summary: Mapped[str] = mapped_column(Text, default="")
    slug: Mapped[str] = mapped_column(String(120), default="")
    view_count: Mapped[int] = mapped_column(default=0)
    unpublished_at: Mapped[datetime | None]
    unpublished_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    unpublish_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Copies of the initiative's public facts, kept by `sync` (see operations), so
    # that the public lists, counts and filters read this narrow table only.
    live: Mapped[bool] = mapped_column(default=False)  # published and still recognised
    year: Mapped[int | None]
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    level: Mapped[str | None] = mapped_column(String(16))

    initiative = relationship(
        "Initiative",
        backref=backref("publication", uselist=False, cascade="all, delete-orphan",
                        passive_deletes=True),
    )
    published_by = relationship("User", foreign_keys=[published_by_id])
    unpublished_by = relationship("User", foreign_keys=[unpublished_by_id])
    old_slugs = relationship("PublicationSlug", back_populates="publication",
                             cascade="all, delete-orphan", passive_deletes=True)

    __table_args__ = (
        Index("ix_publication_live_published", "live", "published_at"),
        Index("ix_publication_live_views", "live", "view_count"),
        # Covers the counts by year, field, unit and level without reading rows.
        Index("ix_publication_facets", "live", "year", "field_id", "unit_id", "level"),
    )

    def sync(self, initiative=None):
        """Copy the initiative's public facts; `live` says whether readers see it."""
        initiative = initiative or self.initiative
        self.live = bool(self.is_published and initiative.status == Status.recognized)
        self.year = initiative.year
        self.field_id = initiative.field_id
        self.unit_id = initiative.unit_id
        self.level = initiative.level.value if initiative.level else None


class PublicationSlug(db.Model):
    """A slug the article had before its title changed; old links redirect (301)."""
    __tablename__ = "publication_slug"
    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publication.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    publication = relationship("Publication", back_populates="old_slugs")

    __table_args__ = (UniqueConstraint("publication_id", "slug", name="uq_publication_slug_slug"),)


def live_condition():
    """SQL condition of a public article, checked on the initiative itself.

    (join Publication to Initiative first). Lists use the copied
    `Publication.live`; the article page and every search result use this.
    """
    return and_(Publication.is_published.is_(True), Initiative.status == Status.recognized)


class SiteGeneration(db.Model):
    """One row: a number that grows with every change a public page can show.

    Written in the transaction of the change (publishing.cache bumps it), read once per public
    request: rendered pages and ETags are keyed by it, so a publish, an unpublish or an edit
    makes every cached public page fresh at once, on every worker and host.
    """
    __tablename__ = "site_generation"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
