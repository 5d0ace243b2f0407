"""`make run`'s supervisor: the web server and the worker start together and stop together."""
import os
import signal
import subprocess
import sys
import time

import pytest

PY = sys.executable


def start(*commands, tmp_path):
    return subprocess.Popen([PY, "-m", "portal.supervisor", *commands], cwd=os.getcwd(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def sleeper(pidfile):
    return f"{PY} -c \"import os,time; open('{pidfile}','w').write(str(os.getpid())); time.sleep(120)\""


def wait_for(path, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} never written")


def test_when_one_command_ends_the_other_is_stopped(tmp_path):
    pidfile = tmp_path / "web.pid"
    proc = start(sleeper(pidfile), f"{PY} -c \"import time; time.sleep(1); raise SystemExit(3)\"",
                 tmp_path=tmp_path)
    web = wait_for(pidfile)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3, output
    assert not alive(web)
    assert "stopping everything" in output


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_both(tmp_path, signum):
    a, b = tmp_path / "a.pid", tmp_path / "b.pid"
    proc = start(sleeper(a), sleeper(b), tmp_path=tmp_path)
    pids = [wait_for(a), wait_for(b)]
    started = time.monotonic()
    proc.send_signal(signum)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert time.monotonic() - started < 10
    assert not any(alive(pid) for pid in pids)


def test_make_run_starts_the_worker_beside_the_web_server():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    recipe = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "-m portal.supervisor" in recipe and "run --host" in recipe and '$(FLASK) worker"' in recipe
