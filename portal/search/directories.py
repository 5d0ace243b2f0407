"""Where each index lives on disk, its state, its lock, and this process's engines.

``SEARCH_INDEX_DIR/<index>/`` holds ``state.json`` (the outbox position the
index reached, the ids skipped over, and ``dir``: the build the index is
answered from) and one or more builds, ``b-<token>/``. A rebuild writes a
new build beside the live one while readers keep answering from it, then
switches by replacing ``state.json`` (one atomic rename) and removes the old
build. Processes notice the switch at their next question. Before builds
existed the index lived in the folder itself; such a folder is read until
its first rebuild.
"""
import fcntl
import json
import os
import secrets
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app

from portal.search.engine import SearchIndex

STATE_FILE = "state.json"
BUILD_PREFIX = "b-"

_open_indexes: dict[str, SearchIndex] = {}
_open_lock = threading.Lock()


def index_path(index_name) -> Path:
    """The folder of an index (its state and builds)."""
    return Path(current_app.config["SEARCH_INDEX_DIR"]) / index_name


def live_path(index_name, state=None) -> Path:
    """The build answering for the index (the folder itself before the first build)."""
    state = read_state(index_name) if state is None else state
    build = (state or {}).get("dir")
    if build and "/" not in build and build.startswith(BUILD_PREFIX):
        return index_path(index_name) / build
    return index_path(index_name)


def _lock_path(index_name):
    # Beside the folder, so that deleting the folder does not free the lock.
    return Path(current_app.config["SEARCH_INDEX_DIR"]) / f"{index_name}.lock"


def read_state(index_name):
    try:
        with open(index_path(index_name) / STATE_FILE, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("position"), int):
        return None
    state["gaps"] = {int(k): float(v) for k, v in (state.get("gaps") or {}).items()}
    return state


def write_state(index_name, state):
    path = index_path(index_name)
    path.mkdir(parents=True, exist_ok=True)
    data = dict(state, gaps={str(k): v for k, v in state["gaps"].items()})
    tmp = path / f".{STATE_FILE}.{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path / STATE_FILE)


@contextmanager
def index_lock(index_name, timeout):
    """Hold the index's inter-process lock; yields False when `timeout` passed first."""
    path = _lock_path(index_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.01)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def get_index(index_name, state=None):
    """This process's engine for the live build (reopened after a switch or a deletion).

    One per process: the engine follows other processes' commits itself and
    keeps its caches per segment.
    """
    path = str(live_path(index_name, state))
    with _open_lock:
        ix = _open_indexes.get(index_name)
        if ix is None or ix.path != path or not os.path.isdir(path):
            if ix is not None:
                ix.close()
            ix = SearchIndex(path)
            _open_indexes[index_name] = ix
        return ix


def forget_indexes():
    """Close this process's engines (after a folder was replaced)."""
    with _open_lock:
        for ix in _open_indexes.values():
            try:
                ix.close()
            except OSError:
                pass
        _open_indexes.clear()


def new_build(index_name) -> tuple[str, SearchIndex]:
    """An empty build beside the live one: ``(its name, its engine)``."""
    name = BUILD_PREFIX + secrets.token_hex(6)
    path = index_path(index_name) / name
    return name, SearchIndex(str(path))


def switch(index_name, build: str, state: dict) -> None:
    """Make ``build`` the live one, then remove every other build.

    Call with the index lock held. The state names the build, so replacing
    the state file is the switch; files of the old build that another
    process still has open stay readable until it closes them.
    """
    write_state(index_name, {**state, "dir": build})
    folder = index_path(index_name)
    for entry in folder.iterdir():
        if entry.name == build or entry.name == STATE_FILE:
            continue
        if entry.is_dir() and entry.name.startswith(BUILD_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and entry.name.lstrip("_").startswith("initiatives_"):
            entry.unlink(missing_ok=True)  # the index as it was before builds
    with _open_lock:
        ix = _open_indexes.pop(index_name, None)
    if ix is not None:
        ix.close()
