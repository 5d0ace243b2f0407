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
# What an office document may declare once unpacked (a ZIP bomb declares gigabytes).
_MAX_UNPACKED = 256 * 1024 * 1024
# A PDF or an image that holds a web page, or that is also a ZIP archive, is a polyglot: a
# browser or a tool may act on the other reading of the same bytes. The first KiB may not look
# like markup at all; the whole file may not hold the tags that make a page active (XMP
# metadata, which PDFs and images carry, is XML but none of these).
_MARKUP = (b"<html", b"<script", b"<!doctype", b"<svg", b"<iframe", b"<body", b"<?xml")
_ACTIVE_MARKUP = (b"<html", b"<script", b"<!doctype html", b"<svg", b"<iframe", b"<body", b"<object", b"<embed",
                  b"<meta http-equiv")
_HEAD = 1024
_CHUNK = 1024 * 1024
_OVERLAP = max(len(marker) for marker in _ACTIVE_MARKUP) - 1


def sniff(fileobj):
    """Return the Kind of an open binary file (seekable), or None when it is none of ALLOWED."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    for magic, kind in ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)):
        if head.startswith(magic):
            return None if _polyglot(fileobj) else kind
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(fileobj)
    return None


def _polyglot(fileobj):
    try:
        start = fileobj.read(_HEAD).lower()
        if any(marker in start for marker in _MARKUP) or _holds_markup(fileobj):
            return True
        fileobj.seek(0)
        return zipfile.is_zipfile(fileobj)
    finally:
        fileobj.seek(0)


def _holds_markup(fileobj):
    """Whether any part of the file holds active markup (read in chunks that overlap)."""
    fileobj.seek(0)
    tail = b""
    while True:
        chunk = fileobj.read(_CHUNK)
        if not chunk:
            return False
        window = tail + chunk.lower()
        if any(marker in window for marker in _ACTIVE_MARKUP):
            return True
        tail = window[-_OVERLAP:]


def _sniff_zip(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES or sum(info.file_size for info in infos) > _MAX_UNPACKED:
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
