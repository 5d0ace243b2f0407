"""Running portal processes for the production tests: gunicorn on loopback, ports, readiness."""
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except urllib.error.HTTPError as error:
            error.close()
            return  # it answers, whatever the status
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {timeout} s")


class Server:
    def __init__(self, process, base, log_path, port):
        self.process, self.base, self.log_path, self.port = process, base, log_path, port
        self.offset = 0

    def log(self, since_mark=False):
        """gunicorn's output (access log included); only what came after `mark()` if asked."""
        text = self.log_path.read_bytes() if self.log_path.exists() else b""
        return text[self.offset if since_mark else 0:].decode(errors="replace")

    def mark(self):
        self.offset = self.log_path.stat().st_size

    def worker_pids(self):
        """The gunicorn workers (children of the arbiter)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                             capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def portal_env(app, **extra):
    """The environment a portal process needs to share the test's database and instance folder."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "DATABASE_URL", "SECRET_KEY"))}
    env.update({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_INSTANCE_PATH": app.instance_path,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


