"""Attachment files on disk, kept in step with the database transaction.

A file is written to a temporary name in UPLOAD_FOLDER and renamed once it is
complete and recognised; if the transaction that records it rolls back, the
file is removed, so there is never a file without a row. A removed
attachment's file goes only after the commit that deletes its row, so there is
never a row without a file.
"""
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.config import MB, PRIVATE_DIR, PRIVATE_FILE
from portal.core.phrases import Phrase
from portal.core.refusal import Refusal
from portal.extensions import db
from portal.initiatives.sniffing import ALLOWED_LABEL, sniff

_NEW = "portal_new_files"
_DOOMED = "portal_doomed_files"
CHUNK = 64 * 1024


def _refused(status, message):
    """A refused file: 413 (too large) or 422 (not an allowed kind), the message beside the file field."""
    return Refusal(status, message, code="payload_too_large" if status == 413 else "invalid_file", field="file")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str
    content_type: str


def folder():
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def path_of(stored_name):
    # Stored names are generated (hex + extension); refuse anything else outright.
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise FileNotFoundError(stored_name)
    return folder() / stored_name


def max_bytes():
    return int(current_app.config["MAX_UPLOAD_MB"]) * MB


def store(stream, original_name):
    """Write an uploaded stream safely; return a StoredFile, or a 413/422 Refusal.

    The file must be at most MAX_UPLOAD_MB and one of the allowed kinds, judged
    from its bytes. It is removed again if the current transaction rolls back.
    """
    limit = max_bytes()
    target = folder()
    temp = target / f".upload-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        # 0600 by default: readable by the portal's user only, whatever the umask.
        mode = int(current_app.config.get("UPLOAD_FILE_MODE") or PRIVATE_FILE)
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as out:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise _refused(413, Phrase(
                        "Tệp “%(name)s” vượt quá dung lượng cho phép (%(mb)s MB). Vui lòng nén hoặc tách tệp.",
                        name=original_name, mb=current_app.config["MAX_UPLOAD_MB"]))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise _refused(422, Phrase("Tệp “%(name)s” rỗng.", name=original_name))
        with open(temp, "rb") as written:
            kind = sniff(written)
        if kind is None:
            raise _refused(422, Phrase(
                "Tệp “%(name)s” không phải là tệp %(kinds)s hợp lệ (định dạng được xác định theo nội "
                "dung tệp, không theo tên tệp).", name=original_name, kinds=ALLOWED_LABEL))
        stored_name = uuid.uuid4().hex + kind.extension
        final = target / stored_name
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    db.session.info.setdefault(_NEW, []).append(str(final))
    return StoredFile(stored_name, size, digest.hexdigest(), kind.content_type)


def remove_after_commit(stored_name):
    """Delete the file once the transaction that deletes its row has committed."""
    db.session.info.setdefault(_DOOMED, []).append(str(path_of(stored_name)))


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_NEW, None)
    for path in session.info.pop(_DOOMED, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is not None or transaction.nested:
        return
    # Reached without a commit (after_commit pops the list first): the rows
    # were never recorded, so their files must go.
    for path in session.info.pop(_NEW, []):
        Path(path).unlink(missing_ok=True)
    session.info.pop(_DOOMED, None)
