"""Search speed and ranking of the portal's engine against SQLite FTS5.

    python tests/benchmarks/bench_search.py [--docs 20000] [--queries 300] [--no-original]

Builds the synthetic corpus, indexes it with ``portal.search.engine``, with
the engine as it was before issue 17 (commit ``ORIGINAL``, read from git: the
indexing time to beat three times over), and with FTS5 (unicode61, diacritics removed, đ mapped
to d as FTS5 does not fold it, bm25 with the engine's column weights); runs
the same queries on both and prints indexing times, p50/p95 latency (typo
tolerance on), the p95 ratio, how often both put the same document first,
and the relevance table (``relevance.py``). ``run(n_docs, n_queries)``
returns the figures for other scripts. The main test suite ignores this
folder.
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the portal and the corpus module importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus  # noqa: I001
    import relevance
else:
    from . import corpus, relevance

from portal.core.textfold import fold
from portal.search import ranking
from portal.search.analysis import words
from portal.search.engine import WEIGHTS, SearchIndex

_D = str.maketrans({"đ": "d", "Đ": "D"})
COLUMNS = ("title", "summary", "authors", "body")
# The last commit before issue 17: its engine indexed 20,000 documents in 33.7 s.
ORIGINAL = "f0072d3"
BUILD_WORKERS = 2


def make_queries(docs: list[dict], n: int, seed: int = 7) -> list[str]:
    """``n`` distinct queries of 1–4 consecutive words taken from the corpus.

    Mostly from bodies, some from titles; half typed without diacritics and
    one in ten quoted as a phrase. Distinct, so no query hits a result cache.
    """
    rng = random.Random(seed)
    queries, seen = [], set()
    while len(queries) < n:
        doc = rng.choice(docs)
        tokens = words(doc["title"] if rng.random() < 0.3 else doc["body"])
        size = rng.choice([1, 2, 2, 2, 3, 4])
        if len(tokens) < size:
            continue
        start = rng.randrange(len(tokens) - size + 1)
        query = " ".join(tokens[start : start + size])
        if rng.random() < 0.5:
            query = fold(query)
        if size > 1 and rng.random() < 0.1:
            query = f'"{query}"'
        if query not in seen:
            seen.add(query)
            queries.append(query)
    return queries


class Fts5:
    """The same corpus in an in-memory SQLite FTS5 table.

    ``fold_d`` maps đ to d in the text and the queries, which FTS5 itself
    does not do (``remove_diacritics 2`` leaves đ): without it FTS5 is what
    one gets out of the box.
    """

    def __init__(self, docs: list[dict], fold_d: bool = True):
        self.fold_d = fold_d
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE doc USING fts5(title, summary, authors, body,"
            " tokenize='unicode61 remove_diacritics 2')"
        )
        table = _D if fold_d else {}
        rows = (
            (
                d["id"],
                d["title"].translate(table),
                d["summary"].translate(table),
                ", ".join(d["authors"]).translate(table),
                d["body"].translate(table),
            )
            for d in docs
        )
        self.db.executemany(
            "INSERT INTO doc(rowid, title, summary, authors, body) VALUES (?, ?, ?, ?, ?)", rows
        )
        self.db.commit()
        weights = ", ".join(str(WEIGHTS[c]) for c in COLUMNS)
        self._top = f"SELECT rowid FROM doc WHERE doc MATCH ? ORDER BY bm25(doc, {weights}) LIMIT 10"
        self._count = "SELECT count(*) FROM doc WHERE doc MATCH ?"

    def match(self, query: str) -> str:
        # Every word as a quoted string: FTS5 syntax never breaks, AND between.
        text = query.translate(_D) if self.fold_d else query
        if text.startswith('"'):
            return '"' + " ".join(words(text)) + '"'
        return " ".join(f'"{w}"' for w in words(text))

    def search(self, query: str) -> tuple[list[int], int]:
        expr = self.match(query)
        if expr in ("", '""'):
            return [], 0
        top = [r[0] for r in self.db.execute(self._top, (expr,))]
        total = self.db.execute(self._count, (expr,)).fetchone()[0]
        return top, total


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _compare(fts: Fts5, engine: SearchIndex, queries: list[str], cold: bool = False) -> dict:
    """Each query on FTS5 then on the engine, interleaved so that load from
    other processes on the machine weighs on both alike. Wall-clock and CPU
    milliseconds per query; ``cold`` empties the engine's caches first."""
    out = {"fts_wall": [], "fts_cpu": [], "eng_wall": [], "eng_cpu": [], "fts": [], "eng": []}
    for q in queries:
        wall, cpu = time.perf_counter(), time.process_time()
        out["fts"].append(fts.search(q))
        out["fts_wall"].append((time.perf_counter() - wall) * 1000)
        out["fts_cpu"].append((time.process_time() - cpu) * 1000)
        if cold:
            engine.clear_caches()
        wall, cpu = time.perf_counter(), time.process_time()
        out["eng"].append(engine.search(q))
        out["eng_wall"].append((time.perf_counter() - wall) * 1000)
        out["eng_cpu"].append((time.process_time() - cpu) * 1000)
    return out


def _original_engine(workdir: Path):
    """The engine of commit ``ORIGINAL``, read from git into a module of its own (None without git)."""
    root = Path(__file__).resolve().parents[2]
    sources = {}
    for name in ("engine", "analysis"):
        try:
            sources[name] = subprocess.run(
                ["git", "show", f"{ORIGINAL}:portal/search/{name}.py"], cwd=root, check=True,
                capture_output=True, text=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
    folder = workdir / "original_engine"
    folder.mkdir()
    (folder / "original_analysis.py").write_text(sources["analysis"])
    (folder / "original_engine.py").write_text(
        sources["engine"].replace("from portal.search.analysis import", "from original_analysis import"))
    sys.path.insert(0, str(folder))
    try:
        import original_engine
    finally:
        sys.path.remove(str(folder))
    return original_engine


def run(n_docs: int = 20_000, n_queries: int = 300, seed: int = 2021, compare_original: bool = True) -> dict:
    """Index ``n_docs`` documents three ways, time ``n_queries`` queries; return figures."""
    docs = corpus.generate(n_docs, seed=seed)
    queries = make_queries(docs, n_queries)
    workdir = tempfile.mkdtemp(prefix="bench-search-")
    try:
        original_index_s = None
        original = _original_engine(Path(workdir)) if compare_original else None
        if original is not None:
            start = time.perf_counter()
            old = original.SearchIndex(str(Path(workdir) / "original-index"))
            old.rebuild(docs)
            original_index_s = time.perf_counter() - start
            old.close()
            shutil.rmtree(Path(workdir) / "original-index", ignore_errors=True)

        # FTS5 before and after the portal, so that load from elsewhere on the
        # machine weighs on both alike (its two timings are averaged).
        start = time.perf_counter()
        fts = Fts5(docs)
        fts_index_s = time.perf_counter() - start

        start = time.perf_counter()
        engine = SearchIndex(str(Path(workdir) / "index"))
        engine.rebuild(docs)
        engine_index_s = time.perf_counter() - start

        # As `flask search reindex` builds (SEARCH_BUILD_WORKERS, two processes).
        start = time.perf_counter()
        parallel = SearchIndex(str(Path(workdir) / "index-parallel"))
        parallel.rebuild(docs, total=len(docs), workers=BUILD_WORKERS)
        parallel_index_s = time.perf_counter() - start
        parallel.close()

        start = time.perf_counter()
        fts.db.close()
        fts = Fts5(docs)
        fts_index_s = (fts_index_s + time.perf_counter() - start) / 2

        engine.search("khởi động")  # open the searcher, as a running portal has
        warm = _compare(fts, engine, queries)
        # Same queries again, now answered from the result cache, as popular
        # searches are; then every query with the engine's caches emptied.
        again = _compare(fts, engine, queries)
        cold = _compare(fts, engine, queries, cold=True)
        typo_queries = relevance.query_sets(docs)["typo"][:n_queries]
        typos_timed = _compare(fts, engine, typo_queries)
        figures_relevance = relevance.measure(docs, engine, fts, Fts5(docs, fold_d=False))
        # With FTS5's weights (no preference for the spelling typed, no pair
        # bonus, no typos) the engine should put first what FTS5 puts first.
        engine.weights = ranking.FTS5
        engine.clear_caches()
        blind = [engine.search(q) for q in queries]

        compared, same_top, same_total = Counter(), Counter(), 0
        for q, (fts_top, fts_total), result in zip(queries, warm["fts"], warm["eng"], strict=True):
            same_total += fts_total == result.total
            if fts_top:
                # FTS5 cannot tell "lương" from "lượng"; the engine prefers the
                # spelling typed, so accented queries may differ on purpose.
                kind = "plain" if fold(q) == q.lower() else "accented"
                compared[kind] += 1
                same_top[kind] += bool(result.hits) and result.hits[0].id == fts_top[0]
        figures = {
            "docs": n_docs,
            "queries": len(queries),
            "queries_with_hits": sum(compared.values()),
            "engine_index_s": engine_index_s,
            "parallel_index_s": parallel_index_s,
            "original_index_s": original_index_s,
            "fts5_index_s": fts_index_s,
            "relevance": figures_relevance,
            "same_top_share": sum(same_top.values()) / max(1, sum(compared.values())),
            "same_top_plain_share": same_top["plain"] / max(1, compared["plain"]),
            "same_top_accented_share": same_top["accented"] / max(1, compared["accented"]),
            "same_total_share": same_total / len(queries),
            "same_top_blind_share": sum(
                bool(r.hits) and r.hits[0].id == top[0]
                for (top, _), r in zip(warm["fts"], blind, strict=True)
                if top
            ) / max(1, sum(compared.values())),
        }
        for run_name, timings in (("", warm), ("repeat_", again), ("cold_", cold), ("typo_", typos_timed)):
            for side, key in (("engine", "eng"), ("fts5", "fts")):
                for clock in ("wall", "cpu"):
                    values = timings[f"{key}_{clock}"]
                    figures[f"{run_name}{side}_{clock}_p50_ms"] = statistics.median(values)
                    figures[f"{run_name}{side}_{clock}_p95_ms"] = _percentile(values, 0.95)
        figures["engine_p50_ms"] = figures["engine_wall_p50_ms"]
        figures["engine_p95_ms"] = figures["engine_wall_p95_ms"]
        figures["fts5_p50_ms"] = figures["fts5_wall_p50_ms"]
        figures["fts5_p95_ms"] = figures["fts5_wall_p95_ms"]
        figures["p95_ratio"] = figures["engine_p95_ms"] / figures["fts5_p95_ms"]
        figures["cpu_p95_ratio"] = figures["engine_cpu_p95_ms"] / figures["fts5_cpu_p95_ms"]
        slowest = sorted(zip(warm["eng_wall"], queries, strict=True), reverse=True)[:5]
        figures["slowest"] = [(round(t, 1), q) for t, q in slowest]
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(f: dict) -> None:
    print(f"{f['docs']} documents, {f['queries']} distinct queries ({f['queries_with_hits']} with hits)")
    original = f.get("original_index_s")
    before = (f", engine before issue 17 ({ORIGINAL}) {original:.1f} s "
              f"(portal {original / f['engine_index_s']:.1f}× faster)" if original else "")
    print(f"indexing: portal {f['engine_index_s']:.1f} s, FTS5 {f['fts5_index_s']:.1f} s "
          f"(portal/FTS5 {f['engine_index_s'] / f['fts5_index_s']:.1f}){before}; "
          f"portal in {BUILD_WORKERS} processes {f['parallel_index_s']:.1f} s "
          f"(portal/FTS5 {f['parallel_index_s'] / f['fts5_index_s']:.1f})")
    print(f"{'query ms':34}{'portal p50':>11}{'p95':>8}{'FTS5 p50':>10}{'p95':>8}{'p95 ratio':>11}")
    rows = (
        ("first run, wall clock", ""),
        ("first run, CPU time", "cpu"),
        ("repeated queries, wall clock", "repeat_"),
        ("caches emptied each query, wall", "cold_"),
        ("typo queries (relevance set), wall", "typo_"),
    )
    for label, prefix in rows:
        clock = "cpu" if prefix == "cpu" else "wall"
        run_name = "" if prefix == "cpu" else prefix
        e50, e95 = (f[f"{run_name}engine_{clock}_p{p}_ms"] for p in (50, 95))
        f50, f95 = (f[f"{run_name}fts5_{clock}_p{p}_ms"] for p in (50, 95))
        print(f"{label:34}{e50:>11.1f}{e95:>8.1f}{f50:>10.1f}{f95:>8.1f}{e95 / f95:>11.2f}")
    print(
        f"same top result as FTS5: {f['same_top_share']:.1%} (queries without diacritics "
        f"{f['same_top_plain_share']:.1%}, with {f['same_top_accented_share']:.1%}); "
        f"same total: {f['same_total_share']:.1%}"
    )
    print(f"same top result with FTS5's weights (no diacritics preference, pair bonus, typos): "
          f"{f['same_top_blind_share']:.1%}")
    print("slowest portal queries (ms):", f["slowest"])
    print()
    relevance.print_table(f["relevance"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-original", action="store_true",
                        help="skip indexing with the engine before issue 17")
    args = parser.parse_args(argv)
    print_table(run(args.docs, args.queries, compare_original=not args.no_original))


if __name__ == "__main__":
    main()
