"""Scoring documents against a query; pure Python (no Whoosh, no Flask).

BM25 as SQLite FTS5 computes it, over one weighted field (the column
weights are folded into each posting's weight at indexing), so results agree
with FTS5 on folded queries. On top of it, and each switchable so the
benchmark can show FTS5's ranking back:

- a word typed with diacritics counts an occurrence spelled otherwise at
  ``folded_only`` of an exact one ("lượng" ranks "chất lượng" above "tiền lương");
- a typo correction counts at its own, lower, weight (see ``typos``);
- documents holding the query's neighbouring words side by side get a
  bonus, ``pair_bonus`` times the pair's own BM25 score.

Postings are ``{docnum: weighted frequency}`` dicts; the loops run in C
through ``map``.
"""

import math
from dataclasses import dataclass
from itertools import repeat
from operator import add, mul, truediv

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Weights:
    folded_only: float = 0.5
    pair_bonus: float = 0.5
    typos: bool = True


FTS5 = Weights(folded_only=1.0, pair_bonus=0.0, typos=False)


def idf(n_docs: int, doc_freq: int) -> float:
    """FTS5's idf; terms in over half the documents get almost nothing.

    ``doc_freq`` may exceed ``n_docs``: posting lists still hold documents
    deleted since their segment was written.
    """
    ratio = (n_docs - doc_freq + 0.5) / (doc_freq + 0.5)
    return math.log(ratio) if ratio > 1.000001 else 1e-6


def norms(lengths: list, avg: float) -> list:
    """Per document, the BM25 length normalisation K."""
    return [K1 * (1 - B + B * n / avg) for n in lengths]


def mix(folded: dict, exact: dict, weight: float) -> dict:
    """Weights of a word typed with diacritics: an exact occurrence counts 1,
    one that matches only once folded counts ``weight``."""
    if len(exact) == len(folded) or weight == 1.0:
        return folded  # every folded match is also an exact one
    keys = list(folded)
    mixed = map(
        add,
        map(mul, folded.values(), repeat(weight)),
        map(mul, map(exact.get, keys, repeat(0)), repeat(1 - weight)),
    )
    return dict(zip(keys, mixed, strict=True))


def widen(base: dict, others: list[tuple[dict, float]]) -> dict:
    """``base`` plus each of ``others`` at its weight: a word and its corrections."""
    if not others:
        return base
    result = dict(base)
    for postings, weight in others:
        if not postings:
            continue
        keys = list(postings)
        result.update(zip(keys, map(add, map(result.get, keys, repeat(0.0)),
                                    map(mul, postings.values(), repeat(weight))), strict=True))
    return result


def candidates(lists: list, size: int, deleted, filter_sets: list) -> set:
    """Documents holding every clause, not deleted, passing the filters."""
    if lists:
        ordered = sorted(lists, key=len)
        found = set(ordered[0]).intersection(*ordered[1:])
    else:
        found = set(range(size))
    if deleted and found:
        found -= deleted
    for allowed in filter_sets:
        if not found:
            break
        found &= allowed
    return found


# An idf this small (a word in most documents) adds at most 2.2e-6 to a score.
NIL_IDF = 1e-5


def scores(docs: list, lists: list, idfs: list, doc_norms: list) -> list:
    """FTS5's bm25 of each doc: the sum of idf * f * (k1 + 1) / (f + K).

    Words whose idf is nil are left out when others are not: they cannot
    change the order, and on a query of common words they were most of the work.
    """
    if any(w > NIL_IDF for w in idfs) and any(w <= NIL_IDF for w in idfs):
        kept = [(p, w) for p, w in zip(lists, idfs, strict=True) if w > NIL_IDF]
        lists, idfs = [p for p, _ in kept], [w for _, w in kept]
    k = list(map(doc_norms.__getitem__, docs))
    total = None
    for weights, term_idf in zip(lists, idfs, strict=True):
        freqs = list(map(weights.get, docs, repeat(0.0)))
        part = map(mul, map(truediv, freqs, map(add, freqs, k)), repeat(term_idf * (K1 + 1)))
        total = list(part) if total is None else list(map(add, total, part))
    return total


# Only pairs in less than a tenth of the documents earn a bonus: a commoner
# pair says little, and its long posting list costs more than it adds.
MIN_BONUS_IDF = math.log(9)


def add_bonus(total: list, docs: list, found: set, lists: list, idfs: list, doc_norms: list,
              factor: float) -> list:
    """``total`` plus ``factor`` times the BM25 score of optional terms (word
    pairs), computed for the documents among ``found`` that hold one."""
    # A pair in most documents tells nothing (its idf is nil): skip its cost.
    present = [(p, w) for p, w in zip(lists, idfs, strict=True) if p and w > MIN_BONUS_IDF]
    if not present or not factor:
        return total
    holders = set(present[0][0]).union(*(p for p, _ in present[1:])) & found
    if not holders:
        return total
    holders = sorted(holders)
    extra = scores(holders, [p for p, _ in present], [w * factor for _, w in present], doc_norms)
    position = dict(zip(docs, range(len(docs)), strict=True))
    total = list(total)
    for i, value in zip(map(position.__getitem__, holders), extra, strict=True):
        total[i] += value
    return total
