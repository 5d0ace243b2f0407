"""gunicorn settings for `make serve` and production; every value can be set from the environment."""
import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
# Sync workers: (2 × cores) + 1 is gunicorn's own rule of thumb for I/O-bound apps.
workers = int(os.environ.get("PORTAL_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PORTAL_THREADS", 2))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("PORTAL_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("PORTAL_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Uploads up to 20 MB: let the app, not gunicorn, judge the size.
limit_request_line = 8190
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
# X-Forwarded-* are trusted only by the app's ProxyFix when PORTAL_PROXY_FIX is set.
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "portal:create_app()"
