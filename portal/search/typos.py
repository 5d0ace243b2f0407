"""Typo tolerance on folded syllables; pure Python (no Whoosh, no Flask).

A word of four letters or more may be one edit (a letter inserted, dropped,
changed, or two swapped) away from an indexed word. Shorter syllables, and
indexed words that make no indexed pair with their neighbours, are
corrected only when the correction does: "phoi hpo" becomes "phoi hop"
because "phoi hop" occurs, "thi hanh na" becomes "thi hanh an", and a query
whose words all exist and sit together as typed is left alone (so its
results and totals stay exact, and it costs one pair lookup per neighbour).

The engine passes a ``Lexicon``: the index's folded words with their
document counts, and a lookup of pair counts.
"""

from dataclasses import dataclass
from typing import Protocol

from portal.search.analysis import pair
from portal.search.query import Clause, neighbours

LETTERS = "abcdefghijklmnopqrstuvwxyz"
LONG_WORD = 4
# Past this length a "word" is a number, a code or junk ("aaaa…"): no
# corrections, whose count grows with the length (with its square at two edits).
MAX_WORD = 10
# Candidates kept per word (the most frequent), so that checking the pairs
# of two neighbours costs at most CANDIDATES ** 2 lookups.
CANDIDATES = 6
# How much a match through a correction counts, against 1 for the word as
# typed: below FOLDED_ONLY_WEIGHT, so exact, then folded, then corrected.
CONTEXT_WEIGHT = 0.4  # the correction makes an indexed pair with a neighbour
VOCABULARY_WEIGHT = 0.25  # a lone word's correction


class Lexicon(Protocol):
    def doc_frequency(self, word: str) -> int: ...

    def pair_frequency(self, first: str, second: str) -> int: ...


@dataclass
class Correction:
    """What typo tolerance did to a query.

    ``best``: per clause, the folded word it most likely stands for (None for
    phrases); ``pairs``: per pair of neighbours, the indexed pair terms that
    a document may hold, weighted (for the proximity bonus); ``corrected``:
    some clause was widened with alternatives.
    """

    best: list
    pairs: list
    corrected: bool


def edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return (deletes | swaps | replaces | inserts) - {word, ""}


def plausible(typed: str, word: str, last: bool) -> bool:
    """The likeliest slips: two letters swapped, or the last word not finished yet."""
    if len(typed) == len(word) and sorted(typed) == sorted(word):
        diff = [k for k in range(len(word)) if typed[k] != word[k]]
        return len(diff) == 2 and diff[1] == diff[0] + 1
    return last and word.startswith(typed)


def candidates(word: str, vocabulary: dict, distance: int = 1) -> list[str]:
    """Indexed words ``distance`` edits (1 or 2) from ``word``, the most frequent first."""
    if len(word) > MAX_WORD or not word.isalpha():
        return []
    near = edits1(word)
    if distance > 1:
        near = near.union(*(edits1(w) for w in near)) - {word}
    found = [w for w in near if w in vocabulary]
    found.sort(key=lambda w: (-vocabulary[w], w))
    return found[:CANDIDATES]


def correct(clauses: list[Clause], vocabulary: dict, lexicon: Lexicon, distance: int = 1) -> Correction:
    """Fill in ``Clause.alternatives``; ``vocabulary`` maps folded words to document counts.

    ``distance`` 2 (two edits in an unknown word of five letters or more) is
    only for a "did you mean" after a query found nothing: it costs tens of
    milliseconds.
    """
    singles = [i for i, c in enumerate(clauses) if not c.is_phrase]
    known = {i: clauses[i].word in vocabulary for i in singles}
    cands: dict[int, list[str]] = {}

    def options(i):
        if i not in cands:
            word = clauses[i].word
            two = distance > 1 and not known[i] and len(word) > LONG_WORD
            cands[i] = candidates(word, vocabulary, 2 if two else 1)
        return ([clauses[i].word] if known[i] else []) + cands[i]

    support: dict[int, dict[str, int]] = {i: {} for i in singles}
    pair_terms, has_neighbour, kept = [], set(), set()
    # First the pairs as typed: a word that makes one is kept as it is.
    typed = {}
    for i, j in neighbours(clauses):
        has_neighbour.update((i, j))
        a, b = clauses[i].word, clauses[j].word
        typed[(i, j)] = lexicon.pair_frequency(a, b) if known[i] and known[j] else 0
        if typed[(i, j)]:
            kept.update((i, j))
    for i, j in neighbours(clauses):
        a, b = clauses[i].word, clauses[j].word
        found = {(a, b): typed[(i, j)]} if typed[(i, j)] else {}
        if not found:
            for x in [a] if i in kept else options(i):
                for y in [b] if j in kept else options(j):
                    n = lexicon.pair_frequency(x, y)
                    if n:
                        found[(x, y)] = n
        for (x, y), n in found.items():
            support[i][x] = support[i].get(x, 0) + n
            support[j][y] = support[j].get(y, 0) + n
        pair_terms.append(found)
    # A run of words may be corrected around a word kept as typed, or when
    # none of its words exists: never by changing every word of a query
    # that had real ones ("sang kien" is not "sát viên").
    runs: dict[int, list[int]] = {}
    for i in singles:
        runs.setdefault(clauses[i].group, []).append(i)
    for run in runs.values():
        kept = any(known[i] and (clauses[i].word in support[i] or i not in has_neighbour) for i in run)
        if not kept and any(known[i] for i in run):
            for i in run:
                support[i] = {}
            pair_terms = [{} if any(x in run for x in adjacency) else found
                          for adjacency, found in zip(neighbours(clauses), pair_terms, strict=True)]
    best = [None if c.is_phrase else c.word for c in clauses]
    for i in singles:
        clause, word = clauses[i], clauses[i].word
        if known[i] and (word in support[i] or i not in has_neighbour):
            continue
        others = {w: n for w, n in support[i].items() if w != word}
        if others:
            clause.alternatives = dict.fromkeys(others, CONTEXT_WEIGHT)
            last = i == len(clauses) - 1
            best[i] = max(others, key=lambda w: (others[w] * (2 if plausible(word, w, last) else 1),
                                                 vocabulary.get(w, 0), w))
        elif not known[i] and len(word) >= LONG_WORD and i not in has_neighbour:
            found = options(i)
            clause.alternatives = dict.fromkeys(found, VOCABULARY_WEIGHT)
            best[i] = found[0] if found else word
    weights = {i: {clauses[i].word: 1.0, **clauses[i].alternatives} for i in singles}
    pairs = [
        {pair(x, y): weights[i].get(x, 0.0) * weights[j].get(y, 0.0) for (x, y) in found}
        for (i, j), found in zip(neighbours(clauses), pair_terms, strict=True)
    ]
    return Correction(best=best, pairs=pairs,
                      corrected=any(clauses[i].alternatives for i in singles))
