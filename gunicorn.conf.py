"""gunicorn settings for `make serve` and production; every value can be set from the environment.

Measured on the 2-core test machine (issue 19): 20,000 published initiatives, SQLite, CPython
3.11.7, SQLAlchemy 2.1.9, the machine shared with other jobs (load average 12-25, so the
figures are ratios of runs made one after the other, not capacities):

- threads: 1 (sync workers). With 2 threads per worker (gthread, the old default) workers died
  of SIGSEGV under `wrk -t2 -c20` on /search: 7 deaths in 260 s over 8 runs (gdb: pymalloc's
  free list for 80-byte blocks holding 0x1, i.e. a freed object incref'd; the victims were a
  weakref, a datetime method, an ORM state); the cause is named below, where threaded workers
  are made safe on CPython 3.11. The issue's runs with 1 thread had none, nor had
  ours (0 in 60 s, side by side with 0 in 60 s for 2 threads once the machine was busier: the
  crash needs two requests interleaving in one process). The pages are CPU-bound (templates,
  search ranking) and the GIL lets one thread run at a time, so the second thread bought
  little: /search 7.9 req/s with 5×2 threads, 6.7 req/s with 5×1. Put nginx
  (deploy/nginx.conf) in front to buffer slow clients, since a sync worker serves one at a time.
- workers: cores + 1 (3 here). Mixed pages (home, list, search, articles), 45 s each:
  3.9 req/s with 3 workers, 3.5 req/s with 5: more processes than cores add no throughput,
  only memory (a warm worker holds about 330 MiB RSS / 313 MiB PSS, see the README).
- max_requests 20,000 with a jitter of 2,000: a safety net, not a routine. 2,000 recycled a
  worker every few seconds once pages were fast (75-208 read errors per bare-route run in the
  issue), and each recycle costs a cold worker (its first home page took 7.8 s here). A worker's
  memory grew 283 → 319 → 330 → 343 MiB RSS after 100 → 400 → 800 → 1,200 requests: slowing, so recycling
  after tens of thousands bounds it; the jitter keeps the workers from restarting together.
"""
import gc
import multiprocessing
import os
import sys

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTAL_WORKERS", multiprocessing.cpu_count() + 1))
# 1: see the note above (issue 19); more than 1 selects gthread workers.
threads = int(os.environ.get("PORTAL_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"

# The cause of issue 19's SIGSEGV: CPython 3.11 runs the cycle collector from inside object
# allocation, so in the middle of C code; a collection runs weakref callbacks and finalizers
# (SQLAlchemy's identity-map cleanup), that Python code lets the GIL pass to the other request
# thread, and what that thread changes under the paused C code is freed memory when it resumes.
# CPython 3.12 runs the collector only at the eval breaker (python/cpython#97922, "Run the GC
# only on eval breaker"). Measured with tests/load/crash_repro.py --threads 2 (README): 3.11.7
# crashed in every run, 3.12.1 in none, and 3.11.7 with the collector run only between requests
# in none. So threaded workers on CPython < 3.12 keep the automatic collector off for their
# whole life (set once when the worker starts, never switched by a request) and collect after
# each response, where no C code of the worker is half-way. Sync workers have one thread and
# need nothing.
collect_between_requests = os.environ.get(
    "PORTAL_GC_BETWEEN_REQUESTS", "1" if threads > 1 and sys.version_info < (3, 12) else "0") == "1"
FULL_COLLECTION_EVERY = 200  # responses; the young generations are collected after each one


def post_fork(server, worker):
    if collect_between_requests:
        gc.disable()
        worker.responses_since_full_collection = 0


def post_request(worker, req, environ, resp):
    if not collect_between_requests:
        return
    worker.responses_since_full_collection += 1
    if worker.responses_since_full_collection >= FULL_COLLECTION_EVERY:
        worker.responses_since_full_collection = 0
        gc.collect()
    else:
        gc.collect(1)
timeout = int(os.environ.get("PORTAL_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("PORTAL_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("PORTAL_MAX_REQUESTS_JITTER", max_requests // 10))
# Uploads up to 20 MB: let the app, not gunicorn, judge the size.
limit_request_line = 8190
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
# X-Forwarded-* are trusted only by the app's ProxyFix when PORTAL_PROXY_FIX is set.
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "portal:create_app()"
