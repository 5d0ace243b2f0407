"""gunicorn.conf.py's answer to issue 19: threaded workers on CPython < 3.12 collect garbage only
between requests (the cause and the evidence are in that file and in tests/load/crash_repro.py)."""
import gc
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

# The server's configuration never opens the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
OLD_COLLECTOR = sys.version_info < (3, 12)


def settings(monkeypatch, **env):
    for name in ("PORTAL_THREADS", "PORTAL_GC_BETWEEN_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


@pytest.fixture
def collector_restored():
    yield
    gc.enable()


def test_sync_workers_leave_the_collector_alone(monkeypatch, collector_restored):
    config = settings(monkeypatch)
    assert config["worker_class"] == "sync" and not config["collect_between_requests"]
    worker = SimpleNamespace()
    config["post_fork"](None, worker)
    assert gc.isenabled()


def test_threaded_workers_on_an_old_collector_collect_only_between_requests(monkeypatch, collector_restored):
    config = settings(monkeypatch, PORTAL_THREADS="2")
    assert config["worker_class"] == "gthread"
    assert config["collect_between_requests"] is OLD_COLLECTOR
    worker = SimpleNamespace()
    config["post_fork"](None, worker)
    assert gc.isenabled() is not OLD_COLLECTOR
    if not OLD_COLLECTOR:
        return
    # After each response the young generations go; every FULL_COLLECTION_EVERY, all of them.
    class Cycle:
        pass

    def garbage_cycle():
        first, second = Cycle(), Cycle()
        first.other, second.other = second, first

    before = gc.get_stats()[1]["collections"], gc.get_stats()[2]["collections"]
    for _ in range(config["FULL_COLLECTION_EVERY"]):
        garbage_cycle()
        config["post_request"](worker, None, {}, None)
    after = gc.get_stats()[1]["collections"], gc.get_stats()[2]["collections"]
    assert after[0] - before[0] >= config["FULL_COLLECTION_EVERY"] - 1
    assert after[1] - before[1] == 1
    assert not gc.isenabled()


def test_the_old_setup_can_be_asked_for_to_reproduce_the_crash(monkeypatch, collector_restored):
    config = settings(monkeypatch, PORTAL_THREADS="2", PORTAL_GC_BETWEEN_REQUESTS="0")
    assert not config["collect_between_requests"]
    config["post_fork"](None, SimpleNamespace())
    assert gc.isenabled()
