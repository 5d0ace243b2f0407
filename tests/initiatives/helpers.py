"""Helpers for the initiatives tests: form data, a DB fingerprint, sample files."""
import io
import zipfile

from sqlalchemy import func, select

from portal.core.timeutil import today as portal_today
from portal.extensions import db

YEAR = portal_today().year


def with_authors(data, *authors):
    """Add author rows to form data: ("username", share) or ("Name", "Workplace", share)."""
    data = dict(data)
    for i, author in enumerate(authors):
        if len(author) == 2:
            data[f"authors-{i}-username"], data[f"authors-{i}-share"] = author[0], str(author[1])
        else:
            data[f"authors-{i}-name"], data[f"authors-{i}-workplace"] = author[0], author[1]
            data[f"authors-{i}-share"] = str(author[2])
    return data


def fingerprint():
    """Row counts and every initiative's content: equal before and after means nothing changed."""
    from portal.core.audit import AuditEvent
    from portal.core.notifications import Notification
    from portal.initiatives.models import Attachment, Initiative, InitiativeAuthor, InitiativeVersion

    db.session.expire_all()
    counts = {model.__name__: db.session.execute(select(func.count()).select_from(model)).scalar_one()
              for model in (Initiative, InitiativeAuthor, InitiativeVersion, Attachment, AuditEvent,
                            Notification)}
    rows = db.session.execute(select(Initiative).order_by(Initiative.id)).scalars().all()
    content = [(i.id, i.status.value, i.snapshot(), i.updated_at) for i in rows]
    return counts, content


# -- files -----------------------------------------------------------------------------------

def pdf_bytes(text="Thuyết minh sáng kiến"):
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return body + text.encode()


def png_bytes():
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def jpeg_bytes():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40


def zip_bytes(entries, stored_first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            name, data = stored_first
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes():
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Thuyết minh sáng kiến")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active["A1"] = "Số liệu"
    book.save(buffer)
    return buffer.getvalue()


def odt_bytes():
    return zip_bytes({"content.xml": "<office:document-content/>", "META-INF/manifest.xml": "<manifest/>"},
                     stored_first=("mimetype", "application/vnd.oasis.opendocument.text"))


def exe_bytes():
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
