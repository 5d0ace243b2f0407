"""Issue 19's crash, reduced: /search answered by two threads in one gunicorn worker, and the log read.

    python tests/load/crash_repro.py [--threads 2] [--workers 5] [--seconds 60] [--clients 20]

Serves the load corpus (built by `make load`, instance-load/sqlite/pristine; a copy is used) with
gunicorn.conf.py and sends `--clients` concurrent /search requests (the corpus's own queries) for
`--seconds`, then counts the workers gunicorn reports killed by a signal. Exit status 1 when
one was.

What it showed on this 2-core machine (SQLAlchemy 2.1.9, CPython 3.11.7), see the README:
driven by wrk (-t2 -c20, 2 s timeout) with `--threads 2` (the old default, gthread) a worker died
of SIGSEGV every 20-40 s of search load (7 in 260 s); later runs on a busier machine crashed
none with either setting, so a run without a crash proves little; with `--threads 1` (sync
workers, the new default) none did in any run. Nothing else in the request
path switches the garbage collector (checked by wrapping gc.disable in sitecustomize): the
search requests crash without any emulation page being asked.
"""
import argparse
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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL", "SECRET_KEY"))}
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
        except OSError:
            return 0

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
    shutil.rmtree(run, ignore_errors=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
