"""Faults on a served portal: killed workers, a database held by a backup, a full disk, a lost index.

Each test starts real gunicorn workers on loopback against the test's
database (SQLite, or PostgreSQL with PORTAL_TEST_DATABASE_URL) and breaks
something for real: SIGKILL, RLIMIT_FSIZE, a held read transaction, rm -rf.
"""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from http.client import HTTPException
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.core.timeutil import today as portal_today
from portal.extensions import db
from tests.production.helpers import (
    ROOT,
    browser_session,
    form_post,
    http,
    http_json,
    multipart_post,
    portal_env,
    wait_for_file,
)

PG = bool(os.environ.get("PORTAL_TEST_DATABASE_URL"))


def count(model, *conditions):
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def audit_actions(initiative_id):
    from portal.core.audit import AuditEvent

    db.session.expire_all()
    return [a for a in db.session.execute(
        select(AuditEvent.action).where(AuditEvent.initiative_id == initiative_id)).scalars()]


def kill_when_paused(server, marker, request):
    """Run `request` in the background; SIGKILL the worker once it pauses inside its transaction.

    Returns what the client got: the exception of a dropped connection (or a status).
    """
    with ThreadPoolExecutor(1) as pool:
        outcome = pool.submit(request)
        pid = int(wait_for_file(marker))
        assert pid in server.worker_pids(), "the paused process must be one of gunicorn's workers"
        # The other worker still answers while this one sits inside its transaction.
        assert http("GET", server.base + "/", timeout=10)[0] == 200
        os.kill(pid, signal.SIGKILL)
        try:
            return outcome.result(timeout=20)
        except (ConnectionError, HTTPException) as error:
            return error


@pytest.fixture
def staff(make_user):
    author = make_user("ksv.hung", full_name="Lê Văn Hùng")
    secretary = make_user("thuky", council="secretary", full_name="Trần Minh Khoa")
    editor = make_user("bientap", roles=("editor",), full_name="Trương Đức Anh")
    return author, secretary, editor


def test_worker_killed_in_the_middle_of_a_submission_leaves_no_half_written_initiative(
        app, serve, staff, make_initiative, tmp_path):
    from portal.core.notifications import Notification
    from portal.initiatives.models import Initiative, InitiativeVersion
    from portal.search import service
    from portal.search.models import SearchOutbox

    author, secretary, _editor = staff
    initiative = make_initiative([author], title="Sổ tay điện tử kiểm sát việc tạm giữ, tạm giam")
    outbox_before = count(SearchOutbox, SearchOutbox.initiative_id == initiative.id)
    marker = tmp_path / "paused"
    server = serve("fault_app:create()", workers=2, PORTAL_FAULT_PAUSE_AFTER_FLUSH="initiative_version",
                   PORTAL_FAULT_MARKER=marker)
    headers, token = browser_session(app, author)
    submit_url = f"{server.base}/my/initiatives/{initiative.id}/submit"

    got = kill_when_paused(server, marker, lambda: form_post(submit_url, {"csrf_token": token}, headers))
    assert isinstance(got, (ConnectionError, HTTPException)), got

    # Nothing of the submission survived: no version, no state change, no log, no outbox, no mail.
    assert db.session.get(Initiative, initiative.id).status.value == "draft"
    assert count(InitiativeVersion, InitiativeVersion.initiative_id == initiative.id) == 0
    assert "initiative.submit" not in audit_actions(initiative.id)
    assert count(SearchOutbox, SearchOutbox.initiative_id == initiative.id) == outbox_before
    assert count(Notification, Notification.user_id == secretary.id) == 0

    # gunicorn replaced the worker; the author simply submits again, and gets version 1.
    status, response_headers, _ = form_post(submit_url, {"csrf_token": token}, headers)
    assert status == 302, status
    assert db.session.get(Initiative, initiative.id).status.value == "submitted"
    assert [v.number for v in db.session.execute(select(InitiativeVersion).where(
        InitiativeVersion.initiative_id == initiative.id)).scalars()] == [1]
    assert audit_actions(initiative.id).count("initiative.submit") == 1

    # The internal index (council's search and duplicate check) catches up from the outbox.
    assert service.catch_up(service.INTERNAL, wait=30)
    assert initiative.id in service.get_index(service.INTERNAL).all_ids()
    db.session.rollback()


def recognized(make_initiative, author, title):
    return make_initiative([author], status="recognized", title=title, level="grassroots",
                           decision_no="15/QĐ-HĐSK", decision_date=date(portal_today().year, 3, 2))


def test_worker_killed_in_the_middle_of_a_publication_leaves_nothing_public(
        app, serve, staff, make_initiative, api_headers, tmp_path):
    from portal.publishing.models import Publication
    from portal.search.models import SearchOutbox

    author, _secretary, editor = staff
    initiative = recognized(make_initiative, author, "Phần mềm theo dõi thời hạn tạm giam bị can")
    outbox_before = count(SearchOutbox, SearchOutbox.initiative_id == initiative.id)
    marker = tmp_path / "paused"
    server = serve("fault_app:create()", workers=2, PORTAL_FAULT_PAUSE_AFTER_FLUSH="publication",
                   PORTAL_FAULT_MARKER=marker)
    token = api_headers(editor)
    publish_url = f"{server.base}/api/v1/initiatives/{initiative.id}/publish"

    got = kill_when_paused(server, marker, lambda: http_json("POST", publish_url, {}, token))
    assert isinstance(got, (ConnectionError, HTTPException)), got

    assert count(Publication, Publication.initiative_id == initiative.id) == 0
    assert "initiative.publish" not in audit_actions(initiative.id)
    assert count(SearchOutbox, SearchOutbox.initiative_id == initiative.id) == outbox_before
    status, found = http_json("GET", f"{server.base}/api/v1/public/initiatives?q=theo+doi+thoi+han")
    assert status == 200 and initiative.id not in [i["id"] for i in found["items"]]
    assert http("GET", f"{server.base}/api/v1/public/initiatives/{initiative.id}")[0] == 404

    status, body = http_json("POST", publish_url, {}, token)
    assert status == 200, body
    # The public index catches up from the outbox on the next search, in whichever worker.
    status, found = http_json("GET", f"{server.base}/api/v1/public/initiatives?q=theo+doi+thoi+han")
    assert status == 200 and initiative.id in [i["id"] for i in found["items"]]
    assert audit_actions(initiative.id).count("initiative.publish") == 1


# -- the database held by a backup ------------------------------------------------------

HOLD_SQLITE = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM initiative").fetchone()   # a read transaction, as a backup holds
print("holding", flush=True)
time.sleep(60)
"""

HOLD_POSTGRES = """
import sys, time, psycopg
conn = psycopg.connect(sys.argv[1])
conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
tables = [r[0] for r in conn.execute(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
# What pg_dump takes: a snapshot and ACCESS SHARE on every table it dumps.
conn.execute("LOCK TABLE " + ", ".join('"%s"' % t for t in tables) + " IN ACCESS SHARE MODE")
print("holding", flush=True)
time.sleep(60)
"""


def test_requests_still_answer_while_a_backup_holds_the_database(
        app, serve, staff, make_initiative, api_headers, tmp_path):
    from sqlalchemy.engine import make_url

    author, _secretary, editor = staff
    initiative = recognized(make_initiative, author, "Biểu mẫu thống nhất cho kiểm sát thi hành án")
    server = serve(workers=2)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        holder_args = [HOLD_SQLITE, url.database]
    else:
        holder_args = [HOLD_POSTGRES, url.set(drivername="postgresql").render_as_string(hide_password=False)]
    holder = subprocess.Popen([sys.executable, "-c", *holder_args], stdout=subprocess.PIPE, text=True)
    backup = None
    try:
        assert holder.stdout.readline().strip() == "holding"
        # And a real `flask backup` runs at the same time.
        backup = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "backup", str(tmp_path / "backup")],
            cwd=ROOT, env=portal_env(app), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        token = api_headers(editor)
        timings = {}
        for name, call in {
            "home": lambda: http("GET", server.base + "/", timeout=10)[0],
            "list": lambda: http("GET", server.base + "/initiatives", timeout=10)[0],
            "sign-in (writes)": lambda: http_json("POST", server.base + "/api/v1/auth/token",
                                                  {"username": "ksv.hung", "password": "sai"}, timeout=10)[0],
            "publish (writes)": lambda: http_json(
                "POST", f"{server.base}/api/v1/initiatives/{initiative.id}/publish", {}, token, timeout=10)[0],
            "article": lambda: http("GET", f"{server.base}/api/v1/public/initiatives/{initiative.id}",
                                    timeout=10)[0],
        }.items():
            started = time.monotonic()
            timings[name] = (call(), round(time.monotonic() - started, 2))
        assert {name: status for name, (status, _) in timings.items()} == {
            "home": 200, "list": 200, "sign-in (writes)": 401, "publish (writes)": 200, "article": 200}
        assert max(seconds for _, seconds in timings.values()) < 5, timings
        assert holder.poll() is None, "the holder must still hold the database during the requests"
        output, _ = backup.communicate(timeout=60)
        assert backup.returncode == 0, output
    finally:
        holder.kill()
        holder.wait(5)
        holder.stdout.close()
        if backup is not None and backup.poll() is None:
            backup.kill()
            backup.wait(5)
    if url.get_backend_name() == "sqlite":
        copy = sqlite3.connect(tmp_path / "backup" / "portal.db")
        try:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            copy.close()
    else:
        assert (tmp_path / "backup" / "portal.dump").stat().st_size > 0


# -- the disk full while uploading ----------------------------------------------------------

PDF_HEAD = b"%PDF-1.4\n% bien ban\n"


def test_disk_full_while_uploading_gives_a_clear_error_and_leaves_no_orphan(
        app, serve, staff, make_initiative):
    from portal.initiatives.models import Attachment, Initiative

    author, _secretary, _editor = staff
    initiative = make_initiative([author], title="Số hóa hồ sơ kiểm sát án dân sự")
    stamp = initiative.updated_at
    uploads = Path(app.config["UPLOAD_FOLDER"])
    limit = 2 * 1024 * 1024
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    assert PG or database.stat().st_size < limit // 2, "the database itself must stay writable"
    server = serve(file_size_limit=limit)
    headers, token = browser_session(app, author)
    upload_url = f"{server.base}/my/initiatives/{initiative.id}/attachments"

    big = PDF_HEAD + os.urandom(3 * 1024 * 1024)
    status, _headers, body = multipart_post(upload_url, {"csrf_token": token},
                                            {"file": ("Báo cáo tổng kết.pdf", big, "application/pdf")}, headers)
    text = body.decode(errors="replace")
    assert status == 507, (status, text[:500])
    assert "dung lượng" in text, text[:500]
    assert not [p.name for p in uploads.rglob("*") if p.is_file()], "no orphan or partial file"
    assert count(Attachment, Attachment.initiative_id == initiative.id) == 0
    assert db.session.get(Initiative, initiative.id).updated_at == stamp

    # Once there is room again (a small file fits under the limit), uploads work as before.
    small = PDF_HEAD + b"0" * 50_000
    status, _headers, _body = multipart_post(upload_url, {"csrf_token": token},
                                             {"file": ("Phụ lục.pdf", small, "application/pdf")}, headers)
    assert status == 302
    assert count(Attachment, Attachment.initiative_id == initiative.id) == 1
    assert len([p for p in uploads.rglob("*") if p.is_file()]) == 1


# -- the search index directory deleted --------------------------------------------------------

def test_search_index_deleted_is_rebuilt_and_an_unusable_one_degrades_clearly(
        app, serve, staff, make_initiative, api_headers):
    from portal.publishing import operations

    author, _secretary, editor = staff
    initiative = recognized(make_initiative, author, "Ứng dụng chữ ký số trong hồ sơ điện tử")
    operations.publish(initiative, editor)
    db.session.commit()
    server = serve()
    search_page = f"{server.base}/search?q=chu+ky+so"
    search_api = f"{server.base}/api/v1/public/initiatives?q=ch%E1%BB%AF+k%C3%BD+s%E1%BB%91"  # chữ ký số
    article = f'href="/initiatives/{initiative.id}-'
    status, _h, body = http("GET", search_page)
    assert status == 200 and article in body.decode()

    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    shutil.rmtree(index_dir)
    status, _h, body = http("GET", search_page)
    assert status == 200 and article in body.decode()
    status, found = http_json("GET", search_api)
    assert status == 200 and [i["id"] for i in found["items"]] == [initiative.id]

    # An index that cannot be rebuilt (its folder is a file now): a clear message, never a 500.
    shutil.rmtree(index_dir)
    index_dir.write_text("not a folder")
    try:
        status, _h, body = http("GET", search_page)
        assert status == 200, status
        assert "Chức năng tìm kiếm tạm thời chưa sẵn sàng" in body.decode()
        status, payload = http_json("GET", search_api)
        assert status == 503, (status, payload)
        assert payload["error"]["code"] == "search_unavailable" and payload["error"]["message"]
        assert http("GET", f"{server.base}/initiatives")[0] == 200  # the list does not need the index
    finally:
        index_dir.unlink()
    status, found = http_json("GET", search_api)
    assert status == 200 and [i["id"] for i in found["items"]] == [initiative.id]
