"""Issue 19's crash, reduced: /search answered by two threads in one gunicorn worker, and the log read.

    python tests/load/crash_repro.py [--threads 2] [--workers 5] [--seconds 60] [--clients 20]

Serves the load corpus (built by `make load`, instance-load/sqlite/pristine; a copy is used) with
gunicorn.conf.py and sends `--clients` concurrent /search requests (the corpus's own queries) for
`--seconds`, then counts the workers gunicorn reports killed by a signal. Exit status 1 when
one was.

Runs with the interpreter that runs it (`/path/to/python3.12 tests/load/crash_repro.py` serves
with that one). gunicorn's own setting for threaded workers on CPython < 3.12 (the collector run
only between requests) is on unless `PORTAL_GC_BETWEEN_REQUESTS=0` is set in the environment:
that is the old setup.

What it showed on this 2-core machine (SQLAlchemy 2.1.9), machine quiet, 120-200 s each:
- CPython 3.11.7, 5 workers x 2 threads, collector automatic (the old setup): a worker died of
  SIGSEGV in each of 6 runs (1, 2, 6, 1, 3, 2 deaths), also with SQLAlchemy's compiled
  extensions removed (6), with MarkupSafe's removed (1), under PYTHONMALLOC=debug (3), and with
  every sqlite3 connection checked for use by two threads at once (never; 2 deaths).
- CPython 3.12.1, same setup: none in 200 s (12,766 answers).
- CPython 3.11.7 with the collector off in the worker and run after each response: none in 200 s
  (13,458 answers).
Core dumps show a heap overwritten by data, found later by the collector or the allocator: one
GC header held the bytes ":00.0000", characters 16-23 of a datetime such as
"2026-05-01 09:00:00.000000", as if written into a block sized for 15 characters. The cause (CPython 3.11 collects from inside allocations; 3.12 only at the eval
breaker, python/cpython#97922) is explained in gunicorn.conf.py. On a busy machine (load above
10) runs crash rarely or not at all, so a run without a crash proves little there.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(argv=None):
    from tests.load.gunicorn_log import signalled, worker_deaths
    from tests.load.run_load import free_port

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=2.0,
                        help="seconds a client waits before it hangs up (wrk's default, as in the issue's runs)")
    args = parser.parse_args(argv)

    home = ROOT / "instance-load" / "sqlite"
    if not (home / "pristine" / "portal.db").exists():
        raise SystemExit("no load corpus: run `make load` once (or run_load.py) to build it")
    queries = json.loads((home / "plan.json").read_text())["queries"]
    run = home / f"repro-{os.getpid()}"
    shutil.copytree(home / "pristine", run)
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "DATABASE_URL", "SECRET_KEY")) or k == "PORTAL_GC_BETWEEN_REQUESTS"}
    env.update({"DATABASE_URL": f"sqlite:///{run / 'portal.db'}", "PORTAL_INSTANCE_PATH": str(run),
                "SECRET_KEY": "crash-repro", "PORTAL_BIND": f"127.0.0.1:{port}",
                "PORTAL_WORKERS": str(args.workers), "PORTAL_THREADS": str(args.threads),
                "PORTAL_ACCESS_LOG": "/dev/null", "PORTAL_LOG_LEVEL": "warning"})
    log_path = run / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    stop_at = time.monotonic() + args.seconds + 60

    def ask(path, timeout=30):
        try:
            with urllib.request.urlopen(base + path, timeout=timeout) as response:  # noqa: S310 - loopback
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code
        except (OSError, http.client.HTTPException):
            return 0  # refused, reset or cut short: a worker died or hung up

    while ask("/static/css/portal.css") != 200:
        if time.monotonic() > stop_at or server.poll() is not None:
            raise SystemExit(f"gunicorn did not start: {log_path}")
        time.sleep(0.3)

    statuses = {}
    end = time.monotonic() + args.seconds

    def client(seed):
        rnd = random.Random(seed)
        while time.monotonic() < end:
            status = ask("/search?q=" + urllib.parse.quote(rnd.choice(queries)), args.timeout)
            statuses[status] = statuses.get(status, 0) + 1

    try:
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(client, range(args.clients)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    crashed = signalled(worker_deaths(log_path.read_text(errors="replace")))
    print(f"threads={args.threads} workers={args.workers} {args.seconds} s: answers {dict(sorted(statuses.items()))}"
          f" ({sum(statuses.values()) / args.seconds:.1f} req/s); workers killed by a signal: {len(crashed)}"
          + "".join(f"\n  {pid} {how}" for pid, how in crashed))
    if crashed:
        print(f"  gunicorn's log (faulthandler output included) kept in {log_path}")
    else:
        shutil.rmtree(run, ignore_errors=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
