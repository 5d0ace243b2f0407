"""A crash is an error (issue 19): parallel requests on real gunicorn workers, and gunicorn's log read.

A worker killed by a signal takes its requests with it and the client only sees a closed
socket, so the test reads the arbiter's log as well as every answer: no worker may die, no
request may go unanswered, and nothing may be answered with a 5xx. A few seconds, both passes
of `make test` (SQLite and PostgreSQL).
"""
import os
import signal
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from portal.extensions import db
from tests.load.gunicorn_log import signalled, worker_deaths

REQUESTS = 120
PARALLEL = 8


def fetch(url):
    """(status, error): the HTTP status, or 0 and the socket error when no answer came."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            response.read()
            return response.status, None
    except urllib.error.HTTPError as error:
        error.read()
        error.close()
        return error.code, None
    except OSError as error:
        return 0, repr(error)


def published_corpus(app, make_user, make_initiative, count=12):
    from portal.publishing import operations

    editor = make_user("bientap", roles=("editor",), full_name="Trương Đức Anh")
    author = make_user("tacgia", full_name="Nguyễn Văn Tác Giả")
    ids = []
    for n in range(count):
        initiative = make_initiative(
            [author], status="recognized", title=f"Giải pháp số hoá hồ sơ kiểm sát số {n}",
            level="grassroots", decision_no=f"{n + 1}/QĐ-VKS", decision_date=date(2025, 12, 1),
            summary="Sáng kiến rút ngắn thời gian kiểm tra hồ sơ.")
        with app.test_request_context("/"):
            operations.publish(initiative, editor)
            db.session.commit()
        ids.append(initiative.id)
    return ids


def test_parallel_requests_crash_no_worker(app, serve, make_user, make_initiative):
    ids = published_corpus(app, make_user, make_initiative)
    # Served as gunicorn.conf.py serves by default (sync workers, one thread each), two of them.
    server = serve(workers=2, threads=1)
    paths = ["/", "/initiatives", "/initiatives?page=2", "/search?q=h%E1%BB%93+s%C6%A1",
             "/search?q=kiem+sat", *(f"/initiatives/{i}" for i in ids)]
    urls = [server.base + paths[n % len(paths)] for n in range(REQUESTS)]

    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(fetch, urls))
    elapsed = time.monotonic() - started
    server.stop()
    log = server.log()

    assert worker_deaths(log) == [], log[-3000:]
    unanswered = [(url, error) for url, (status, error) in zip(urls, answers, strict=True) if status == 0]
    assert unanswered == []
    server_errors = [(url, status) for url, (status, _) in zip(urls, answers, strict=True) if status >= 500]
    assert server_errors == []
    # Articles are reached by id (a redirect to their slug is followed): everything answers 200.
    assert {status for status, _ in answers} == {200}, sorted({s for s, _ in answers})
    assert elapsed < 120


def test_a_worker_killed_by_a_signal_is_seen_in_the_log(app, serve):
    """The check above can fail: a worker that really dies of SIGSEGV is reported as such."""
    server = serve(workers=2, threads=2)
    victim = server.worker_pids()[0]
    os.kill(victim, signal.SIGSEGV)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not worker_deaths(server.log()):
        time.sleep(0.1)
    deaths = worker_deaths(server.log())

    assert signalled(deaths) and signalled(deaths)[0][0] == victim
    assert signalled(deaths)[0][1].startswith("SIGSEGV")


def test_the_log_reader_knows_gunicorns_lines():
    log = "\n".join([
        "[2026-12-01 23:56:25 +0000] [27924] [ERROR] Worker (pid:27968) was sent SIGSEGV!",
        "[2026-12-01 23:57:22 +0000] [29071] [ERROR] Worker (pid:29191) was sent code 139!",
        "[2026-12-01 23:58:00 +0000] [29071] [ERROR] Worker (pid:29200) was sent SIGKILL! Perhaps out of memory?",
        "[2026-12-01 23:58:01 +0000] [29071] [ERROR] Worker (pid:29201) exited with code 3",
        "[2026-12-01 23:58:01 +0000] [29071] [ERROR] Worker (pid:29201) exited with code 3.",
        "[2026-12-01 23:58:02 +0000] [29071] [CRITICAL] WORKER TIMEOUT (pid:29202)",
        "[2026-12-01 23:58:03 +0000] [29203] [INFO] Autorestarting worker after current request.",
        "[2026-12-01 23:58:03 +0000] [29203] [INFO] Worker exiting (pid: 29203)",
    ])
    deaths = worker_deaths(log)

    assert deaths == [(27968, "SIGSEGV"), (29191, "SIGSEGV (core dumped)"), (29200, "SIGKILL"),
                      (29201, "exit code 3"), (29202, "timeout")]
    assert signalled(deaths) == deaths[:3]
