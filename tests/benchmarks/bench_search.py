"""Search speed and ranking of the portal's engine against SQLite FTS5.

    python tests/benchmarks/bench_search.py [--docs 20000] [--queries 300]

Builds the synthetic corpus, indexes it with ``portal.search.engine`` and
with FTS5 (unicode61, diacritics removed, đ mapped to d as FTS5 does not fold
it, bm25 with the engine's column weights), runs the same queries on both
and prints indexing time, p50/p95 latency, the p95 ratio and how often both
put the same document first. ``run(n_docs, n_queries)`` returns the figures
for other scripts. The main test suite ignores this folder.
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the portal and the corpus module importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus
else:
    from . import corpus

from portal.core.textfold import fold
from portal.search.analysis import words
from portal.search.engine import WEIGHTS, SearchIndex

_D = str.maketrans({"đ": "d", "Đ": "D"})
COLUMNS = ("title", "summary", "authors", "body")


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
    """The same corpus in an in-memory SQLite FTS5 table."""

    def __init__(self, docs: list[dict]):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE doc USING fts5(title, summary, authors, body,"
            " tokenize='unicode61 remove_diacritics 2')"
        )
        rows = (
            (
                d["id"],
                d["title"].translate(_D),
                d["summary"].translate(_D),
                ", ".join(d["authors"]).translate(_D),
                d["body"].translate(_D),
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

    @staticmethod
    def match(query: str) -> str:
        # Every word as a quoted string: FTS5 syntax never breaks, AND between.
        text = query.translate(_D)
        if text.startswith('"'):
            return '"' + " ".join(words(text)) + '"'
        return " ".join(f'"{w}"' for w in words(text))

    def search(self, query: str) -> tuple[list[int], int]:
        expr = self.match(query)
        top = [r[0] for r in self.db.execute(self._top, (expr,))]
        total = self.db.execute(self._count, (expr,)).fetchone()[0]
        return top, total


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _timed(fn, queries):
    times, answers = [], []
    for q in queries:
        start = time.perf_counter()
        answers.append(fn(q))
        times.append((time.perf_counter() - start) * 1000)
    return times, answers


def run(n_docs: int = 20_000, n_queries: int = 300, seed: int = 2021) -> dict:
    """Index ``n_docs`` documents both ways, time ``n_queries`` queries; return figures."""
    docs = corpus.generate(n_docs, seed=seed)
    queries = make_queries(docs, n_queries)
    workdir = tempfile.mkdtemp(prefix="bench-search-")
    try:
        start = time.perf_counter()
        engine = SearchIndex(str(Path(workdir) / "index"))
        engine.rebuild(docs)
        engine_index_s = time.perf_counter() - start

        start = time.perf_counter()
        fts = Fts5(docs)
        fts_index_s = time.perf_counter() - start

        engine.search("khởi động")  # open the searcher, as a running portal has
        fts_times, fts_answers = _timed(fts.search, queries)
        engine_times, engine_answers = _timed(lambda q: engine.search(q), queries)
        # Same queries again: what a portal sees for popular searches.
        cached_times, _ = _timed(lambda q: engine.search(q), queries)

        compared = same_top = same_total = 0
        for (fts_top, fts_total), result in zip(fts_answers, engine_answers):
            same_total += fts_total == result.total
            if fts_top:
                compared += 1
                same_top += bool(result.hits) and result.hits[0].id == fts_top[0]
        figures = {
            "docs": n_docs,
            "queries": len(queries),
            "engine_index_s": engine_index_s,
            "fts5_index_s": fts_index_s,
            "engine_p50_ms": statistics.median(engine_times),
            "engine_p95_ms": _percentile(engine_times, 0.95),
            "engine_cached_p95_ms": _percentile(cached_times, 0.95),
            "fts5_p50_ms": statistics.median(fts_times),
            "fts5_p95_ms": _percentile(fts_times, 0.95),
            "same_top_share": same_top / compared if compared else 1.0,
            "same_total_share": same_total / len(queries),
            "queries_with_hits": compared,
        }
        figures["p95_ratio"] = figures["engine_p95_ms"] / figures["fts5_p95_ms"]
        slowest = sorted(zip(engine_times, queries), reverse=True)[:5]
        figures["slowest"] = [(round(t, 1), q) for t, q in slowest]
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(f: dict) -> None:
    print(f"{f['docs']} documents, {f['queries']} distinct queries ({f['queries_with_hits']} with hits)")
    print(f"{'':24}{'portal (Whoosh)':>18}{'SQLite FTS5':>14}")
    print(f"{'indexing (s)':24}{f['engine_index_s']:>18.1f}{f['fts5_index_s']:>14.1f}")
    print(f"{'query p50 (ms)':24}{f['engine_p50_ms']:>18.1f}{f['fts5_p50_ms']:>14.1f}")
    print(f"{'query p95 (ms)':24}{f['engine_p95_ms']:>18.1f}{f['fts5_p95_ms']:>14.1f}")
    print(f"{'repeated query p95 (ms)':24}{f['engine_cached_p95_ms']:>18.1f}{'':>14}")
    print(f"p95 ratio portal / FTS5: {f['p95_ratio']:.2f}")
    print(f"same top result: {f['same_top_share']:.1%}; same total: {f['same_total_share']:.1%}")
    print("slowest portal queries (ms):", f["slowest"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    print_table(run(args.docs, args.queries))


if __name__ == "__main__":
    main()
