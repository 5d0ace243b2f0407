"""An initiative's files: download, open in the browser, remove, and the list that every page
where the initiative is read or judged shows (the upload lives with the form, in routes).

Who may read the files is the policy's `download` (whoever may read the initiative: its
authors, the year's council, an assigned reviewer, the editor of a recognised one, the
emulation office of a decided one); anyone else gets a 404, as for the initiative itself.
PDFs and images open in the browser's viewer (`…/view`, Content-Disposition inline, same
origin, the portal's CSP and nosniff); every other kind is only downloaded.
"""
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from portal.core import refusal
from portal.core.files import send_stored_file, shown_inline
from portal.core.numbers import number as format_number
from portal.extensions import db
from portal.initiatives import bp, operations, storage
from portal.initiatives.access import get_attachment_or_404, get_initiative_or_404, get_version_or_404
from portal.initiatives.models import Initiative
from portal.initiatives.policy import Act
from portal.initiatives.sniffing import ALLOWED

KIND_LABELS = {kind.extension: kind.label for kind in ALLOWED}


@dataclass(frozen=True)
class FileEntry:
    """One file as a list shows it: its name, kind, size, where to open and download it."""
    name: str
    kind: str
    size: str
    download_url: str
    view_url: str | None       # None: not shown inline (downloaded only)
    after_version: int | None  # uploaded after this frozen version (not in what was submitted)
    removed: bool = False      # in the frozen version, removed from the application since


@bp.app_template_global("file_size")
def human_size(size):
    """1.234 KB / 2,5 MB in the page's language."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} KB"
    return f"{format_number(round(size / (1024 * 1024), 1))} MB"


def _entry(name, stored_name, size, download_url, view_url, after_version=None, removed=False):
    extension = PurePosixPath(stored_name or "").suffix.lower()
    return FileEntry(name=name, kind=KIND_LABELS.get(extension, extension.lstrip(".").upper()),
                     size=human_size(size), download_url=download_url,
                     view_url=view_url if shown_inline(extension) else None,
                     after_version=after_version, removed=removed)


def _frozen(version):
    """(index, item) of the files listed in a frozen version's snapshot."""
    return [(index, item) for index, item in enumerate(version.snapshot.get("attachments") or [])
            if item.get("stored_name")]


def _frozen_entry(initiative, version, index, item, removed=False):
    args = {"initiative_id": initiative.id, "number": version.number, "index": index}
    return _entry(item.get("name") or "tep-dinh-kem", item["stored_name"], item.get("size"),
                  url_for("initiatives.version_download", **args),
                  url_for("initiatives.version_view", **args), removed=removed)


@bp.app_template_global("version_files")
def version_files(initiative, version):
    """The files frozen with `version`, as they were submitted."""
    return [_frozen_entry(initiative, version, index, item) for index, item in _frozen(version)]


@bp.app_template_global("files_of")
def files_of(initiative, version=None):
    """The initiative's files for those who read or judge it.

    Its current attachments (`initiative.attachments`, eager-loaded by the page), each marked
    when it is not in `version` (the frozen version being read: uploaded after it); then the
    files of `version` that the application no longer holds, so the council still reads what
    was submitted. No query beyond the attachments collection.
    """
    frozen = _frozen(version) if version is not None else []
    frozen_names = {item["stored_name"] for _index, item in frozen}
    entries = []
    for attachment in sorted(initiative.attachments, key=lambda a: (a.created_at, a.id)):
        args = {"initiative_id": initiative.id, "attachment_id": attachment.id}
        after = version.number if version is not None and attachment.stored_name not in frozen_names else None
        entries.append(_entry(attachment.original_name, attachment.stored_name, attachment.size,
                              url_for("initiatives.download", **args), url_for("initiatives.view", **args),
                              after_version=after))
    current = {a.stored_name for a in initiative.attachments}
    entries += [_frozen_entry(initiative, version, index, item, removed=True)
                for index, item in frozen if item["stored_name"] not in current]
    return entries


@bp.route("/my/initiatives/<int:initiative_id>/attachments/<int:attachment_id>")
@login_required
def download(initiative_id, attachment_id):
    initiative = get_initiative_or_404(initiative_id, current_user, Act.download,
                                       options=[selectinload(Initiative.attachments)])
    attachment = get_attachment_or_404(initiative, attachment_id)
    return _send(attachment.stored_name, attachment.original_name, attachment.content_type)


@bp.route("/my/initiatives/<int:initiative_id>/attachments/<int:attachment_id>/view")
@login_required
def view(initiative_id, attachment_id):
    """The file in the browser's own viewer (a PDF or an image); any other kind is downloaded."""
    initiative = get_initiative_or_404(initiative_id, current_user, Act.download,
                                       options=[selectinload(Initiative.attachments)])
    attachment = get_attachment_or_404(initiative, attachment_id)
    return _send(attachment.stored_name, attachment.original_name, attachment.content_type, inline=True)


def _frozen_item(initiative_id, number, index):
    initiative = get_initiative_or_404(initiative_id, current_user, Act.download,
                                       options=[selectinload(Initiative.versions)])
    frozen = get_version_or_404(initiative, number)
    listed = frozen.snapshot.get("attachments") or []
    if not 0 <= index < len(listed) or not listed[index].get("stored_name"):
        raise refusal.not_found(_("Tệp không có trong phiên bản này."))
    return listed[index]


@bp.route("/my/initiatives/<int:initiative_id>/versions/<int:number>/attachments/<int:index>")
@login_required
def version_download(initiative_id, number, index):
    """A file as listed in a frozen version (it stays even if removed from a later one)."""
    item = _frozen_item(initiative_id, number, index)
    return _send(item["stored_name"], item.get("name") or "tep-dinh-kem", item.get("content_type"))


@bp.route("/my/initiatives/<int:initiative_id>/versions/<int:number>/attachments/<int:index>/view")
@login_required
def version_view(initiative_id, number, index):
    item = _frozen_item(initiative_id, number, index)
    return _send(item["stored_name"], item.get("name") or "tep-dinh-kem", item.get("content_type"), inline=True)


def _send(stored_name, name, content_type, inline=False):
    try:
        path = storage.path_of(stored_name)
        if not path.is_file():
            raise refusal.not_found(_("Tệp không còn trên máy chủ. Vui lòng báo quản trị."))
        # Private: never stored by a cache. Behind nginx the proxy streams the file.
        return send_stored_file(path, name, content_type or "application/octet-stream", inline=inline)
    except FileNotFoundError:
        raise refusal.not_found(_("Không tìm thấy tệp.")) from None


@bp.route("/my/initiatives/<int:initiative_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(initiative_id, attachment_id):
    initiative = get_initiative_or_404(initiative_id, current_user)
    attachment = get_attachment_or_404(initiative, attachment_id)
    operations.remove_attachment(initiative, attachment, current_user)
    db.session.commit()
    flash(_("Đã xóa tệp “%(name)s”.", name=attachment.original_name), "success")
    return redirect(url_for("initiatives.edit", initiative_id=initiative_id) + "#attachments")
