"""Production tests: the portal served by real gunicorn (and nginx) processes on loopback.

`serve(...)` starts gunicorn with the repository's gunicorn.conf.py against the
test's database and instance folder, waits until it answers, and stops it at
the end of the test. Every process listens on 127.0.0.1 only.
"""
import resource
import subprocess
import sys
import time

import pytest

from portal.extensions import db
from tests.production.helpers import HERE, ROOT, Server, free_port, portal_env, wait_until_up


def _limit_file_size(limit):
    if limit is None:
        return None

    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.fixture
def serve(app, tmp_path):
    """serve(app_module=None, workers=1, **env) -> Server on a free loopback port."""
    servers = []
    # Whatever this test wrote must be visible to the other processes.
    db.session.commit()

    def start(app_module=None, workers=1, threads=2, ready_path="/static/css/portal.css",
              file_size_limit=None, **env):
        """`file_size_limit`: RLIMIT_FSIZE in bytes for the server, so that writes past it fail
        with EFBIG, as on a full disk (Python ignores SIGXFSZ, so the write raises)."""
        port = free_port()
        log_path = tmp_path / f"gunicorn-{port}.log"
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                   "--pythonpath", str(HERE)]
        if app_module:
            command.append(app_module)
        environment = portal_env(app, PORTAL_BIND=f"127.0.0.1:{port}", PORTAL_WORKERS=workers,
                                 PORTAL_THREADS=threads, PORTAL_LOG_LEVEL="warning",
                                 PORTAL_MAX_REQUESTS=0, **env)
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log,
                                       stderr=subprocess.STDOUT,
                                       preexec_fn=_limit_file_size(file_size_limit))
        server = Server(process, f"http://127.0.0.1:{port}", log_path, port)
        servers.append(server)
        try:
            wait_until_up(server.base + ready_path, process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n--- gunicorn log ---\n{server.log()}") from None
        # The probe's access-log line reaches the file a little after its answer:
        # mark only once it is there, so that it never counts as a later request.
        deadline = time.monotonic() + 10
        while f"GET {ready_path} " not in server.log() and time.monotonic() < deadline:
            time.sleep(0.02)
        server.mark()
        return server

    yield start
    for server in servers:
        server.stop()

