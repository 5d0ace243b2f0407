"""Uploads as an attacker names them: markup hidden past the first KiB of a PDF, a name whose
extension lies about the bytes (`bao-cao.html`, `bao-cao.pdf.exe`, `anh.png.html`), and an
instance folder, database and uploads that other users of the server could read."""
import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal import create_app
from portal.extensions import db
from tests.production.attack_world import PDF, build_world, changes, snapshot

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
HIDDEN_PAGE = PDF + b"%" + b"x" * 3000 + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"


@pytest.fixture
def world(make_user, make_initiative, make_unit):
    return build_world(make_user, make_initiative, make_unit)


def _multipart(fields):
    # Built in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def api_upload(app, world, data, name):
    return app.test_client().post(
        f"/api/v1/initiatives/{world.ids['draft']}/attachments",
        headers={"Authorization": f"Bearer {world.tokens['staff']}"},
        **_multipart({"file": FileStorage(io.BytesIO(data), name)}))


def page_upload(app, world, data, name):
    client = app.test_client().login(world.user("staff"))
    return client.post(f"/my/initiatives/{world.ids['draft']}/attachments", csrf=False,
                       **_multipart({"csrf_token": client.csrf_token(), "file": FileStorage(io.BytesIO(data), name)}))


def filename(response):
    """The ASCII file name of a Content-Disposition: attachment header."""
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    return disposition.split("filename=", 1)[1].split(";")[0].strip('"')


@pytest.mark.parametrize("upload", [api_upload, page_upload])
@pytest.mark.parametrize("data", [HIDDEN_PAGE, HIDDEN_PAGE.replace(b"<html><body>", b"<svg onload=x>"),
                                  PNG + b"\x00" * 5000 + b"<SCRIPT>alert(1)</SCRIPT>",
                                  JPEG + b"\x00" * (2 * 1024 * 1024) + b"<iframe src=//evil.example>"])
def test_markup_anywhere_in_the_file_is_refused(app, world, upload, data):
    before = snapshot()
    response = upload(app, world, data, "bao-cao.html")
    assert response.status_code in (302, 303, 422)
    if upload is api_upload:
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_file"
    assert changes(before, snapshot()) == ""


@pytest.mark.parametrize("data, name, expected, suffix", [
    (PDF, "bao-cao.html", "bao-cao.pdf", ".pdf"),
    (PDF, "bao-cao.pdf.exe", "bao-cao.pdf", ".pdf"),
    (PNG, "anh.png.html", "anh.png", ".png"),
    (PDF, "Quyết định 12.2025.html", "Quyết định 12.2025.pdf", ".pdf"),
    (PDF, "thuyet-minh", "thuyet-minh.pdf", ".pdf"),
    (JPEG, "anh.jpeg", "anh.jpeg", ".jpg"),
    (PDF, "BAO-CAO.PDF", "BAO-CAO.PDF", ".pdf"),
])
def test_stored_and_downloaded_under_the_sniffed_extension(app, world, data, name, expected, suffix):
    from portal.initiatives.models import Attachment

    response = api_upload(app, world, data, name)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == expected
    attachment = db.session.get(Attachment, response.get_json()["id"])
    assert attachment.original_name == expected and attachment.stored_name.endswith(suffix)
    download = app.test_client().login(world.user("staff")).get(
        f"/my/initiatives/{world.ids['draft']}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    name = filename(download)
    download.close()
    assert name.rsplit(".", 1)[-1] == expected.rsplit(".", 1)[-1]
    assert ".html" not in name and ".exe" not in name


@pytest.mark.parametrize("x_accel", [False, True])
def test_a_name_stored_before_is_offered_with_the_right_extension(app, world, x_accel):
    """Attachments uploaded before the rule keep their row; the download fixes the name."""
    from portal.initiatives.models import Attachment

    app.config["X_ACCEL_REDIRECT"] = x_accel
    public = db.session.get(Attachment, world.ids["public_attachment"])
    public.original_name = "bai-viet.pdf.html"
    private = db.session.get(Attachment, world.ids["draft_attachment"])
    private.original_name = "bao-cao\x01.html"
    db.session.commit()
    answers = [
        app.test_client().get(f"/initiatives/{world.ids['published']}/files/{public.id}"),
        app.test_client().login(world.user("staff")).get(
            f"/my/initiatives/{world.ids['draft']}/attachments/{private.id}"),
    ]
    for response, name in zip(answers, ("bai-viet.pdf", "bao-cao.pdf"), strict=True):
        assert response.status_code == 200
        assert filename(response) == name
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


def test_instance_folder_database_and_uploads_are_private(tmp_path, monkeypatch):
    """0700 folders and 0600 files under the usual umask 022, on a fresh instance."""
    from portal.initiatives import storage

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    old = os.umask(0o022)
    try:
        instance = tmp_path / "srv" / "instance"
        fresh = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
        with fresh.app_context():
            db.create_all()
            with fresh.test_request_context():
                stored = storage.store(io.BytesIO(PDF), "thuyet-minh.pdf")
                db.session.commit()
            db.engine.dispose()
    finally:
        os.umask(old)

    def mode(path):
        return stat.S_IMODE(Path(path).stat().st_mode)

    uploads = Path(fresh.config["UPLOAD_FOLDER"])
    assert mode(instance) == 0o700
    assert mode(uploads) == 0o700
    assert mode(uploads / stored.stored_name) == 0o600
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "mail") == 0o700
    database = instance / "portal.db"
    assert mode(database) == 0o600
    for companion in (instance / "portal.db-wal", instance / "portal.db-shm"):
        if companion.exists():
            assert mode(companion) == 0o600


def test_no_file_in_the_uploads_folder_is_readable_by_others(app, world):
    folder = Path(app.config["UPLOAD_FOLDER"])
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes and all(m & 0o077 == 0 for m in modes.values()), modes


def test_the_upload_listing_in_the_api_names_the_right_extension(app, world):
    from portal.initiatives.models import Attachment

    assert api_upload(app, world, PNG, "so-do.png.exe").status_code == 201
    names = db.session.execute(select(Attachment.original_name).where(
        Attachment.initiative_id == world.ids["draft"])).scalars().all()
    assert "so-do.png" in names
    detail = app.test_client().get(f"/api/v1/initiatives/{world.ids['draft']}",
                                   headers={"Authorization": f"Bearer {world.tokens['staff']}"}).get_json()
    assert "so-do.png" in [a["name"] for a in detail["attachments"]]
