"""Relevance of the portal's search against FTS5, on known-item queries from the corpus itself.

For 500 documents, queries made from their titles as readers type them:
exact, unaccented, upper case, one typo per syllable of four letters or more
(typed without diacritics), and two syllables dropped. A query is answered
well when the document (or one with the same title: the synthetic corpus
repeats titles) comes first; the table gives the mean reciprocal rank over
the first 10 results (MRR@10) and the share found at rank 1, for the portal
and for FTS5 (out of the box, and with đ mapped to d by hand).
"""

import random

from portal.core.textfold import fold

N_ITEMS = 500
DEPTH = 10
SETS = ("exact", "unaccented", "upper case", "typo", "dropped syllables")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    """One slip in a word: a letter swapped with the next, dropped, doubled or replaced."""
    i = rng.randrange(len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    return word[:i] + rng.choice(LETTERS.replace(word[i], "")) + word[i + 1 :]


def query_sets(docs: list[dict], seed: int = 17) -> dict[str, list[str]]:
    """The five query sets, each one query per known item (``items(docs)`` order)."""
    rng = random.Random(seed)
    sets = {name: [] for name in SETS}
    for doc in items(docs):
        title = doc["title"]
        words = title.split()
        sets["exact"].append(title)
        sets["unaccented"].append(fold(title))
        sets["upper case"].append(title.upper())
        sets["typo"].append(" ".join(typo(w, rng) if len(w) >= 4 and w.isalpha() else w
                                     for w in fold(title).split()))
        keep = sorted(rng.sample(range(len(words)), max(1, len(words) - 2)))
        sets["dropped syllables"].append(" ".join(words[k] for k in keep))
    return sets


def items(docs: list[dict], seed: int = 3) -> list[dict]:
    return random.Random(seed).sample(docs, min(N_ITEMS, len(docs)))


def _rank(found_ids, target, same_title) -> int | None:
    for position, doc_id in enumerate(found_ids[:DEPTH], start=1):
        if doc_id == target or doc_id in same_title:
            return position
    return None


def _score(ranks) -> tuple[float, float]:
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    first = sum(1 for r in ranks if r == 1) / len(ranks)
    return mrr, first


def measure(docs: list[dict], engine, fts_folded, fts_stock) -> dict:
    """``{set: {"portal": (mrr, rank1), "fts5": ..., "fts5_fold_d": ...}}``."""
    by_title: dict[str, set] = {}
    for doc in docs:
        by_title.setdefault(fold(doc["title"]), set()).add(doc["id"])
    known = items(docs)
    results = {}
    for name, queries in query_sets(docs).items():
        ranks = {"portal": [], "fts5": [], "fts5_fold_d": []}
        for doc, q in zip(known, queries, strict=True):
            same = by_title[fold(doc["title"])]
            hits = engine.search(q, per_page=DEPTH).hits
            ranks["portal"].append(_rank([h.id for h in hits], doc["id"], same))
            ranks["fts5"].append(_rank(fts_stock.search(q)[0], doc["id"], same))
            ranks["fts5_fold_d"].append(_rank(fts_folded.search(q)[0], doc["id"], same))
        results[name] = {side: _score(r) for side, r in ranks.items()}
    return results


def print_table(results: dict) -> None:
    print(f"relevance: {N_ITEMS} known items, queries made from their titles; MRR@{DEPTH} and share at rank 1")
    print(f"{'query set':20}{'portal MRR':>11}{'rank 1':>8}{'FTS5 MRR':>10}{'rank 1':>8}"
          f"{'FTS5+đ→d MRR':>14}{'rank 1':>8}")
    for name, row in results.items():
        (pm, p1), (fm, f1), (dm, d1) = row["portal"], row["fts5"], row["fts5_fold_d"]
        print(f"{name:20}{pm:>11.3f}{p1:>8.1%}{fm:>10.3f}{f1:>8.1%}{dm:>14.3f}{d1:>8.1%}")
