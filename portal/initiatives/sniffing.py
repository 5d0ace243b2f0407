"""What a file really is, from its bytes (magic numbers), never from its name.

Pure functions, no Flask. Office documents are ZIP archives: DOCX and XLSX
are told apart by their parts ([Content_Types].xml with word/ or xl/), ODT by
its first entry, `mimetype`, stored uncompressed with the ODF media type.
"""
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str
    label: str


PDF = Kind("pdf", "application/pdf", ".pdf", "PDF")
PNG = Kind("png", "image/png", ".png", "PNG")
JPEG = Kind("jpeg", "image/jpeg", ".jpg", "JPEG")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx", "Word (DOCX)")
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".xlsx", "Excel (XLSX)")
ODT = Kind("odt", "application/vnd.oasis.opendocument.text", ".odt", "OpenDocument (ODT)")

ALLOWED = (PDF, DOCX, XLSX, ODT, PNG, JPEG)
ALLOWED_LABEL = "PDF, DOCX, XLSX, ODT, PNG, JPEG"

_ZIP_MAGIC = b"PK\x03\x04"
_MAX_ZIP_ENTRIES = 10_000


def sniff(fileobj):
    """Return the Kind of an open binary file (seekable), or None when it is none of ALLOWED."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(fileobj)
    return None


def _sniff_zip(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return None
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED:
                if archive.read(infos[0]).strip() == ODT.content_type.encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    finally:
        fileobj.seek(0)
    return None
