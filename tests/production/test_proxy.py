"""nginx (deploy/nginx.conf) in front of gunicorn, on loopback: what the README promises.

Skipped, with the reason, where nginx is not installed; nothing is installed here.
"""
import http.client
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path
from string import Template

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.production.helpers import ROOT, free_port, wait_until_up

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
if NGINX is None and os.environ.get("PORTAL_REQUIRE_NGINX") == "1":
    raise RuntimeError("nginx is required here (PORTAL_REQUIRE_NGINX=1) but not installed")
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (e.g. `apt-get install nginx`); the proxy check needs it")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 4096


@pytest.fixture
def nginx(app, tmp_path):
    """start(upstream_port) -> base URL of nginx rendered from the template."""
    started = []

    def start(upstream_port):
        run = tmp_path / "nginx"
        run.mkdir(exist_ok=True)
        port = free_port()
        conf = Template((ROOT / "deploy" / "nginx.conf").read_text()).safe_substitute(
            PORTAL_LISTEN=f"127.0.0.1:{port}", PORTAL_UPSTREAM=f"127.0.0.1:{upstream_port}",
            PORTAL_ROOT=str(ROOT), PORTAL_UPLOADS=app.config["UPLOAD_FOLDER"], PORTAL_RUN=str(run))
        path = run / "nginx.conf"
        path.write_text(conf)
        # As root, workers would drop to `nobody`, who cannot read the test's private folders.
        globals_ = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
        check = subprocess.run([NGINX, "-t", "-c", str(path), "-g", globals_], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen([NGINX, "-c", str(path), "-g", globals_],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/static/css/portal.css", process)
        return base

    yield start
    for process in started:
        process.terminate()
        process.wait(10)


def get(url, headers=None, source=None):
    """(status, headers, body) of a GET, optionally from another loopback source address."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1] if "/" in url.split("//", 1)[1] else "/"
    conn = http.client.HTTPConnection(host, int(port), timeout=10,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def post_json(url, body, headers=None, source=None):
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    conn = http.client.HTTPConnection(host, int(port), timeout=10,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_pages_static_files_and_downloads_go_through_nginx(app, serve, nginx):
    stored = "0123456789abcdef0123456789abcdef.pdf"
    Path(app.config["UPLOAD_FOLDER"], stored).write_bytes(PDF)
    server = serve("proxy_app:create()", PORTAL_PROXY_FIX=1, PORTAL_X_ACCEL_REDIRECT=1)
    base = nginx(server.port)

    status, headers, body = get(base + "/")
    assert status == 200 and b"<html" in body.lower()
    assert headers["Server"] == "nginx"
    assert "default-src 'self'" in headers["Content-Security-Policy"]  # the app's headers pass through

    status, headers, body = get(base + "/static/css/portal.css")
    assert status == 200
    assert headers["X-Served-By"] == "nginx-static"
    assert body == (ROOT / "static" / "css" / "portal.css").read_bytes()
    assert "max-age=" in headers["Cache-Control"]

    status, headers, body = get(base + f"/_proxy-test/download/{stored}")
    assert status == 200
    assert body == PDF
    assert headers["X-Served-By"] == "nginx-x-accel"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "application/pdf"
    assert headers.get_all("Cache-Control") == ["private, no-store"]

    # The internal location cannot be asked for directly, nor can the app be fooled into a path.
    assert get(base + f"/_protected_uploads/{stored}")[0] == 404
    assert get(base + "/_proxy-test/download/..%2F..%2Fsecret_key")[0] == 404

    # The start-up probes (urllib's user agent) may still be logging; the test's
    # own requests carry none.
    log = "\n".join(line for line in server.log(since_mark=True).splitlines()
                    if "Python-urllib" not in line)
    assert "GET / " in log and "/_proxy-test/download/" in log
    assert "/static/" not in log  # nginx answered those without the app
    # The app answered the download with headers only: the bytes came from nginx.
    with urllib.request.urlopen(server.base + f"/_proxy-test/download/{stored}", timeout=10) as direct:
        assert direct.headers["X-Accel-Redirect"] == f"/_protected_uploads/{stored}"
        assert direct.read() == b""


def test_download_without_x_accel_is_sent_by_the_app(app, serve):
    stored = "fedcba9876543210fedcba9876543210.pdf"
    Path(app.config["UPLOAD_FOLDER"], stored).write_bytes(PDF)
    server = serve("proxy_app:create()")
    with urllib.request.urlopen(server.base + f"/_proxy-test/download/{stored}", timeout=10) as response:
        assert response.headers.get("X-Accel-Redirect") is None
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.read() == PDF


@pytest.mark.parametrize("proxy_fix, seen_as", [(None, "127.0.0.1"), ("1", "127.0.0.7")])
def test_forwarded_for_is_trusted_only_with_proxy_fix(app, serve, nginx, proxy_fix, seen_as):
    """A client at 127.0.0.7 signs in wrongly through nginx, forging X-Forwarded-For.

    The sign-in throttle records the address the app believes: nginx's own
    (127.0.0.1) without PORTAL_PROXY_FIX, the client's with it, and never the
    forged one.
    """
    from portal.auth.models import LoginAttempt

    server = serve(PORTAL_PROXY_FIX=proxy_fix)
    base = nginx(server.port)
    status, _ = post_json(base + "/api/v1/auth/token", b'{"username": "nobody", "password": "wrong"}',
                          headers={"X-Forwarded-For": "203.0.113.9"}, source="127.0.0.7")
    assert status == 401
    # Straight to gunicorn, a forged header is believed only if the app trusts a proxy.
    post_json(server.base + "/api/v1/auth/token", b'{"username": "direct", "password": "wrong"}',
              headers={"X-Forwarded-For": "198.51.100.4"})
    db.session.expire_all()
    addresses = dict(db.session.execute(select(LoginAttempt.username, LoginAttempt.address)).all())
    assert addresses["nobody"] == seen_as
    assert addresses["direct"] == ("198.51.100.4" if proxy_fix else "127.0.0.1")


def test_nginx_keeps_anonymous_public_pages_and_never_pages_with_a_cookie(app, serve, nginx):
    server = serve("proxy_app:create()", PORTAL_PROXY_FIX=1)
    base = nginx(server.port)
    first = get(base + "/initiatives")
    assert first[0] == 200 and first[1]["Cache-Control"].startswith("public")
    again = get(base + "/initiatives")
    assert again[1]["X-Cache"] == "HIT" and again[2] == first[2]
    with_cookie = get(base + "/initiatives", headers={"Cookie": "session=someone"})
    assert with_cookie[1]["X-Cache"] == "BYPASS"
