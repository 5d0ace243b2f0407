"""The search outbox: the database says what changed, each index catches up from it."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.timeutil import utcnow
from portal.extensions import db


class SearchOutbox(db.Model):
    """An initiative whose searchable state changed, written in the same transaction.

    `op` records the intent when the row was written ("upsert" while the
    initiative is past draft, "delete" otherwise); an index applying the row
    reads the initiative's committed state again, so rows applied out of
    order or twice leave the index right.
    """
    __tablename__ = "search_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a delete must outlive the initiative it removes.
    initiative_id: Mapped[int] = mapped_column(index=True)
    op: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
