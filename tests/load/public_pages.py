"""`make load`'s public-page table (issue 15): each public page under wrk, with the page cache warm
and with it off, beside the minimal Flask route, in one run.

Three servers run side by side from the same working copy, each with gunicorn.conf.py: the portal
as deployed, the portal with `PUBLIC_CACHE = False` (an instance folder of its own whose
config.py says so, sharing the database and the search index), and `minimal_app`. For each page
wrk asks the minimal route, the warm portal and the uncached portal one after the other, so the
three figures of a row were measured within seconds of each other. Anonymous requests only: a
request with a cookie is never served from the shared cache.
"""
import os
import re
import shutil
import subprocess
from urllib.parse import quote

WRK_CONNECTIONS = 20
WRK_THREADS = 2
TARGET = 0.30  # the floor: a warm public page at 30 % of the minimal route's throughput


def pages(plan):
    article_id, slug = plan["articles"][0]
    field = plan["fields"][0]
    query = next(q for q in plan["queries"] if len(q.split()) >= 2)
    return [
        ("home", "/"),
        ("list", "/initiatives"),
        ("list, filtered, page 3", f"/initiatives?field={field}&page=3"),
        ("article", f"/initiatives/{article_id}-{slug}"),
        ("print view", f"/initiatives/{article_id}-{slug}/print"),
        ("feed", "/feed.atom"),
        ("sitemap", "/sitemap.xml"),
        ("search (never cached)", "/search?q=" + quote(query)),
    ]


def uncached_instance(run, uncached):
    """An instance folder like `run` whose config turns the page cache off."""
    if uncached.exists():
        shutil.rmtree(uncached)
    uncached.mkdir()
    for name in os.listdir(run):
        if name in ("search-index", "uploads"):
            (uncached / name).symlink_to(run / name)
        elif name == "secret_key":
            shutil.copy(run / name, uncached / name)
    (uncached / "config.py").write_text("PUBLIC_CACHE = False\n")
    return uncached


def wrk(url, seconds):
    """(req/s, p50 ms, p99 ms, non-2xx/3xx, socket errors) of one wrk run."""
    completed = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True, text=True, check=True)
    out = completed.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _latency(out, "50%")
    p99 = _latency(out, "99%")
    bad = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0
    sockets = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        sockets = sum(int(x) for x in m.groups())
    return rps, p50, p99, bad, sockets


def _latency(out, percentile):
    m = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not m:
        return 0.0
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def measure(bases, plan, seconds, ask):
    """Rows of the table; `bases` maps "minimal", "warm" and "off" to a server's base URL."""
    rows = []
    for label, path in pages(plan):
        for base in (bases["warm"], bases["off"]):
            status = ask(base + path)
            if status != 200:
                raise SystemExit(f"{base + path} answered {status} before the load")
        row = {"page": label, "path": path}
        for name in ("minimal", "warm", "off"):
            url = bases["minimal"] + "/" if name == "minimal" else bases[name] + path
            row[name] = wrk(url, seconds)
        rows.append(row)
    return rows


def problems(rows):
    found = []
    for row in rows:
        for name in ("warm", "off"):
            _, _, _, bad, sockets = row[name]
            if bad or sockets:
                found.append(f"public {row['page']} ({name}): {bad} answers not 2xx/3xx, {sockets} socket errors")
    return found


def table(rows):
    lines = [f"{'public page (wrk -c20)':<26}{'minimal r/s':>12}{'warm r/s':>10}{'ratio':>7}{'p50 ms':>8}"
             f"{'off r/s':>9}{'ratio':>7}{'p50 ms':>8}"]
    for row in rows:
        m_rps = row["minimal"][0]
        warm, off = row["warm"], row["off"]
        lines.append(f"{row['page']:<26}{m_rps:>12.0f}{warm[0]:>10.0f}{warm[0] / m_rps:>7.2f}{warm[1]:>8.1f}"
                     f"{off[0]:>9.0f}{off[0] / m_rps:>7.2f}{off[1]:>8.1f}")
    cached = [row for row in rows if not row["page"].startswith("search")]
    met = [row["page"] for row in cached if row["warm"][0] >= TARGET * row["minimal"][0]]
    lines.append(f"  warm public pages at >= {TARGET:.0%} of the minimal route: {len(met)} of {len(cached)}"
                 + ("" if len(met) == len(cached) else
                    f" (below: {', '.join(r['page'] for r in cached if r['page'] not in met)})"))
    return lines
