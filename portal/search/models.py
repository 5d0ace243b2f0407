"""What search keeps in the database: the outbox and the text of attachments."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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


class AttachmentText(db.Model):
    """The words of an attachment, extracted in the background (`attachments.extract_pending`).

    Also the queue of that work: an attachment without a row, or whose file's
    sha256 is not the one extracted, is pending. `status` says what came of
    it: "ok", "empty" (no text layer, e.g. a scan), "unsupported" (a kind
    without text extraction), "too_large", "timeout" or "failed" (`error`
    says why); only "ok" rows are indexed, and none is retried until the
    file changes.
    """
    __tablename__ = "attachment_text"
    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(String(500), default="")
    extracted_at: Mapped[datetime] = mapped_column(default=utcnow)
