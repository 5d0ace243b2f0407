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


def attach_file(initiative, data, name, content_type, extension, freeze=False):
    """An attachment written straight to the uploads folder (as a validated upload leaves it);
    with `freeze`, also listed in the initiative's latest frozen version."""
    import uuid
    from pathlib import Path

    from flask import current_app

    from portal.initiatives.models import Attachment

    stored = uuid.uuid4().hex + extension
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    attachment = Attachment(original_name=name, stored_name=stored, content_type=content_type, size=len(data))
    initiative.attachments.append(attachment)
    db.session.flush()
    if freeze and initiative.versions:
        version = initiative.versions[-1]
        version.snapshot = {**version.snapshot,
                            "attachments": [*version.snapshot.get("attachments", []), attachment.as_dict()]}
    db.session.commit()
    return attachment


def pdf_page_bytes(text="Phu luc so lieu"):
    """A valid one-page PDF showing `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 28 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
