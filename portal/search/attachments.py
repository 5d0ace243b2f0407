"""The words inside PDF and DOCX attachments, for search and similarity.

Extraction never runs in a web request: ``extract_pending(limit)`` works
through the queue (attachments of initiatives past draft whose text is
missing or whose file changed, see ``AttachmentText``), called by
``flask --app portal search extract``, by ``search reindex``, and by the
background worker. Each file is read in a child process with a time limit,
a memory limit and a size limit, so a malformed or hostile file (a
decompression bomb, a PDF that loops) is killed and recorded, never a hang
or an error page. Saving a text writes the initiative's search outbox row
(``outbox``), so the indexes pick it up.
"""

import logging
import multiprocessing
import resource
import zipfile
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select

from portal.core.timeutil import utcnow
from portal.extensions import db
from portal.initiatives.models import Attachment, Initiative
from portal.initiatives.sniffing import DOCX, PDF
from portal.initiatives.storage import path_of
from portal.initiatives.workflow import Status
from portal.search.models import AttachmentText

log = logging.getLogger(__name__)

KINDS = {PDF.content_type: "pdf", DOCX.content_type: "docx"}
MAX_FILE_MB = 25
MAX_CHARS = 200_000
MAX_PAGES = 500
TIMEOUT = 30.0  # seconds per file
MEMORY_MB = 1024  # address space of the child reading one file
DOCX_UNPACKED_MB = 200  # a DOCX whose parts unpack to more is a bomb
ERROR_CHARS = 500


@dataclass
class Outcome:
    status: str  # "ok", "empty", "unsupported", "too_large", "timeout", "failed"
    text: str = ""
    error: str = ""


def pdf_text(path: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts, size = [], 0
    for page in reader.pages[:MAX_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= MAX_CHARS:
            break
    return "\n".join(parts)


def docx_text(path: str) -> str:
    from docx import Document

    with zipfile.ZipFile(path) as archive:
        if sum(i.file_size for i in archive.infolist()) > DOCX_UNPACKED_MB * 1024 * 1024:
            raise ValueError(f"the DOCX unpacks to more than {DOCX_UNPACKED_MB} MB")
    document = Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


READERS = {"pdf": pdf_text, "docx": docx_text}


def _child(conn, path: str, kind: str, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        text = READERS[kind](path)
        conn.send(("ok", text[:MAX_CHARS], ""))
    except MemoryError:
        conn.send(("too_large", "", f"needs more than {memory_mb} MB of memory"))
    except Exception as error:  # noqa: BLE001 - any failure of a reader is the file's
        conn.send(("failed", "", f"{type(error).__name__}: {error}"[:ERROR_CHARS]))
    finally:
        conn.close()


def _context():
    # A fork server: children start from a small process that has imported
    # this module once, never by forking a threaded web worker.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def extract_file(path: str, content_type: str, size: int, timeout: float = TIMEOUT,
                 memory_mb: int = MEMORY_MB) -> Outcome:
    """The text of one file, within the limits; never raises for a bad file."""
    kind = KINDS.get(content_type)
    if kind is None:
        return Outcome("unsupported")
    if size > MAX_FILE_MB * 1024 * 1024:
        return Outcome("too_large", error=f"larger than {MAX_FILE_MB} MB")
    context = _context()
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, str(path), kind, memory_mb), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            return Outcome("timeout", error=f"not read within {timeout:g} s")
        status, text, error = parent.recv()
    except EOFError:
        return Outcome("failed", error=f"the reader stopped (exit code {process.exitcode})")
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        process.close()
    if status == "ok" and not text.strip():
        status = "empty"
    return Outcome(status, text, error)


def _pending_query():
    return (
        select(Attachment, AttachmentText)
        .join(Initiative, Initiative.id == Attachment.initiative_id)
        .outerjoin(AttachmentText, AttachmentText.attachment_id == Attachment.id)
        .where(Initiative.status != Status.draft,
               or_(AttachmentText.attachment_id.is_(None), AttachmentText.sha256 != Attachment.sha256))
        .order_by(Attachment.id)
    )


def pending_count() -> int:
    return len(db.session.execute(_pending_query().with_only_columns(Attachment.id)).all())


def extract_pending(limit: int = 100, timeout: float | None = None) -> dict:
    """Extract up to ``limit`` pending attachments, committing each; returns counts by status."""
    timeout = current_app.config.get("SEARCH_EXTRACT_TIMEOUT", TIMEOUT) if timeout is None else timeout
    rows = db.session.execute(_pending_query().limit(limit)).all()
    done: dict[str, int] = {}
    for attachment, row in rows:
        try:
            path = path_of(attachment.stored_name)
            outcome = extract_file(path, attachment.content_type, attachment.size, timeout)
        except OSError as error:
            outcome = Outcome("failed", error=f"{type(error).__name__}: {error}"[:ERROR_CHARS])
        if outcome.status not in ("ok", "empty", "unsupported"):
            log.warning("attachment %s (%s) of initiative %s skipped: %s %s", attachment.id,
                        attachment.original_name, attachment.initiative_id, outcome.status, outcome.error)
        if row is None:
            row = AttachmentText(attachment_id=attachment.id)
            db.session.add(row)
        row.sha256, row.status = attachment.sha256, outcome.status
        row.text, row.error, row.extracted_at = outcome.text, outcome.error, utcnow()
        db.session.commit()
        done[outcome.status] = done.get(outcome.status, 0) + 1
    return done


def texts_of(initiative_ids, public_only: bool) -> dict[int, list[tuple[str, str]]]:
    """``{initiative id: [(file name, text)]}`` of the extracted attachments."""
    if not initiative_ids:
        return {}
    query = (
        select(Attachment.initiative_id, Attachment.original_name, AttachmentText.text)
        .join(AttachmentText, AttachmentText.attachment_id == Attachment.id)
        .where(Attachment.initiative_id.in_(list(initiative_ids)), AttachmentText.status == "ok",
               AttachmentText.sha256 == Attachment.sha256)
        .order_by(Attachment.initiative_id, Attachment.id)
    )
    if public_only:
        query = query.where(Attachment.is_public.is_(True))
    found: dict[int, list] = {}
    for initiative_id, name, text in db.session.execute(query):
        found.setdefault(initiative_id, []).append((name, text))
    return found
